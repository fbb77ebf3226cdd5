import Foundation
import HTTPServer

/// Reads the plain-text intent format (documented with a full example in `Intents/README.md`):
///
/// ```text
/// intent: kfz-wunschkennzeichen
/// title: Wunschkennzeichen reservieren
/// related: kfz-neuzulassung
/// examples:
///   Wie reserviere ich ein Wunschkennzeichen?
/// examples.en:
///   How do I reserve a personalised number plate?
/// answer:
///   Reservieren Sie online: [Reservierung]({{zulassung.appointments}})
/// answer.kosten:
///   Die Reservierung kostet zum Beispiel 12,80 Euro.
/// ```
///
/// Keys start in the first column; the lines of a block (`examples`, `answer…`) are indented.
/// Lines starting with `#` are comments. A key may carry a language (`.en`); without one it
/// is German. Errors name the file and line.
struct IntentFileParser {
    struct Parsed {
        var intents: [Intent] = []
        var followUps: [FollowUpTopic] = []
        var outOfScope: [OutOfScopeTopic] = []
    }

    let file: String
    let facts: InstallationFacts

    private enum Header { case intent, followUp, outside }

    private struct Draft {
        var header: Header
        var id: String
        var line: Int
        var titles: [ChatLanguage: String] = [:]
        var examples: [Intent.Example] = []
        var answers: [ChatLanguage: String] = [:]
        var subAnswers: [String: [ChatLanguage: String]] = [:]
        var signposts: [ChatLanguage: String] = [:]
        var related: [String] = []
        var standalone: [String] = []
        var social = false
        var seenKeys: Set<String> = []
    }

    private struct Block {
        var key: String
        var line: Int
        var lines: [(text: String, line: Int)] = []
    }

    func parse(_ text: String) throws -> Parsed {
        var parsed = Parsed()
        var draft: Draft?
        var block: Block?

        func error(_ line: Int, _ message: String) -> IntentFileError { IntentFileError(file: file, line: line, message) }

        func closeBlock() throws {
            guard let open = block else { return }
            block = nil
            guard var current = draft else { return }
            let (name, language) = try split(key: open.key, line: open.line)
            if name == "examples" {
                for entry in open.lines {
                    let example = String(entry.text.trimmingSpacesAndTabs())
                    if example.isEmpty { continue }
                    let cleaned = example.hasPrefix("- ") ? String(example.dropFirst(2)) : example
                    current.examples.append(Intent.Example(text: cleaned, language: language, file: file, line: entry.line))
                }
            } else {
                let body = try markdownBody(open)
                if body.isEmpty { throw error(open.line, "\"\(open.key)\" ist leer") }
                if name == "answer" {
                    current.answers[language] = body
                } else if name == "signpost" {
                    current.signposts[language] = body
                } else {
                    let topic = String(name.dropFirst("answer.".count))
                    current.subAnswers[topic, default: [:]][language] = body
                }
            }
            draft = current
        }

        func closeDraft() throws {
            try closeBlock()
            guard let finished = draft else { return }
            draft = nil
            guard finished.titles[.german] != nil else { throw error(finished.line, "\(finished.id): \"title:\" fehlt") }
            switch finished.header {
            case .intent:
                guard finished.answers[.german] != nil else { throw error(finished.line, "\(finished.id): \"answer:\" fehlt") }
                parsed.intents.append(Intent(
                    id: finished.id, titles: finished.titles, examples: finished.examples, answers: finished.answers,
                    subAnswers: finished.subAnswers, related: finished.related, social: finished.social,
                    file: file, line: finished.line))
            case .followUp:
                parsed.followUps.append(FollowUpTopic(id: finished.id, titles: finished.titles, examples: finished.examples,
                                                      standalone: finished.standalone, file: file, line: finished.line))
            case .outside:
                guard !finished.examples.isEmpty else { throw error(finished.line, "\(finished.id): \"examples:\" fehlt") }
                if finished.signposts[.german] == nil, finished.signposts[.english] != nil {
                    throw error(finished.line, "\(finished.id): \"signpost.en:\" ohne das deutsche \"signpost:\"")
                }
                parsed.outOfScope.append(OutOfScopeTopic(id: finished.id, titles: finished.titles, examples: finished.examples,
                                                         signposts: finished.signposts, file: file, line: finished.line))
            }
        }

        // "\r\n" is one Character, so splitting at newline Characters ends lines of either kind.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            let line = String(raw)
            if line.hasPrefix("#") { continue }
            if line.trimmingSpacesAndTabs().isEmpty {
                block?.lines.append(("", number))
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard block != nil else {
                    throw error(number, "eingerückte Zeile außerhalb eines Blocks: gehört unter \"examples:\" oder \"answer:\"")
                }
                block!.lines.append((line, number))
                continue
            }
            guard let colon = line.firstIndex(of: ":") else {
                throw error(number, "erwartet \"Schlüssel: Wert\" (z. B. \"title: …\") oder eine eingerückte Zeile eines Blocks")
            }
            let key = String(line[..<colon].trimmingSpacesAndTabs())
            let value = String(line[line.index(after: colon)...].trimmingSpacesAndTabs())
            try closeBlock()

            if let header = Self.headers[key] {
                try closeDraft()
                guard value.range(of: "^[a-z0-9][a-z0-9-]{0,79}$", options: .regularExpression) != nil else {
                    throw error(number, "eine ID besteht aus Kleinbuchstaben, Ziffern und '-' (z. B. \"kfz-neuzulassung\"), nicht \"\(value)\"")
                }
                draft = Draft(header: header, id: value, line: number)
                continue
            }
            guard var current = draft else {
                throw error(number, "\"\(key):\" vor der ersten Zeile \"intent:\", \"followup:\" oder \"outside:\"")
            }
            let (name, language) = try split(key: key, line: number)
            /// An answer or signpost: Markdown on the indented lines below, or begun on the key's line.
            func markdownBlock() -> Block {
                var opened = Block(key: key, line: number)
                if !value.isEmpty { opened.lines.append(("  " + value, number)) }
                return opened
            }
            guard current.seenKeys.insert(key).inserted else { throw error(number, "\"\(key)\" steht zweimal in \(current.id)") }
            switch name {
            case "title":
                guard !value.isEmpty else { throw error(number, "der Titel ist leer") }
                current.titles[language] = value
            case "related" where language == .german && current.header == .intent:
                current.related = Self.ids(value)
            case "standalone" where language == .german && current.header == .followUp:
                current.standalone = Self.ids(value)
            case "social" where language == .german && current.header == .intent:
                switch value.lowercased() {
                case "yes", "ja": current.social = true
                case "no", "nein": current.social = false
                default: throw error(number, "\"social:\" ist \"yes\" oder \"no\", nicht \"\(value)\"")
                }
            case "examples":
                guard value.isEmpty else { throw error(number, "die Beispiele gehören auf eingerückte Zeilen unter \"\(key):\"") }
                block = Block(key: key, line: number)
            case "answer" where current.header == .intent, _ where name.hasPrefix("answer.") && current.header == .intent:
                guard name.range(of: "^answer(\\.[a-z0-9-]+)?$", options: .regularExpression) != nil else {
                    throw error(number, "unbekannter Schlüssel \"\(key)\"")
                }
                block = markdownBlock()
            case "signpost" where current.header == .outside:
                block = markdownBlock()
            default:
                if current.header == .followUp {
                    throw error(number, "unbekannter Schlüssel \"\(key)\" in einem \"followup:\"-Block (bekannt: title, examples, jeweils mit .en für Englisch, und standalone)")
                }
                if current.header == .outside {
                    throw error(number, "unbekannter Schlüssel \"\(key)\" in einem \"outside:\"-Block (bekannt: title, examples, signpost, jeweils mit .en für Englisch; ein solcher Block hat keine Antwort: diese Fragen bekommen die Rückfallantwort, eingeleitet vom Wegweiser, falls es einen gibt)")
                }
                if name == "standalone" {
                    throw error(number, "unbekannter Schlüssel \"standalone\" in einem Intent: er gehört in einen \"followup:\"-Block")
                }
                throw error(number, "unbekannter Schlüssel \"\(key)\" (bekannt: title, related, social, examples, answer, answer.<thema>; title, examples und Antworten jeweils mit .en für Englisch)")
            }
            draft = current
        }
        try closeDraft()
        return parsed
    }

    /// The keys that start a block of their own: an intent, a follow-up topic, or questions
    /// the bot is not there for.
    private static let headers: [String: Header] = ["intent": .intent, "followup": .followUp, "outside": .outside]

    /// "a, b,c" -> ["a", "b", "c"].
    private static func ids(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.trimmingSpacesAndTabs()) }.filter { !$0.isEmpty }
    }

    /// "answer.kosten.en" -> ("answer.kosten", .english).
    private func split(key: String, line: Int) throws -> (String, ChatLanguage) {
        var parts = key.split(separator: ".").map(String.init)
        var language = ChatLanguage.german
        if parts.count > 1, let last = parts.last, last.count == 2 {
            guard let known = ChatLanguage(rawValue: last) else {
                throw IntentFileError(file: file, line: line, "unbekannte Sprache \"\(last)\" in \"\(key)\" (bekannt: de, en)")
            }
            language = known
            parts.removeLast()
        }
        return (parts.joined(separator: "."), language)
    }

    /// The block's lines without their common indentation, trailing blank lines dropped,
    /// installation facts filled in.
    private func markdownBody(_ block: Block) throws -> String {
        var lines = block.lines
        while let last = lines.last, last.text.trimmingSpacesAndTabs().isEmpty { lines.removeLast() }
        let indent = lines.filter { !$0.text.trimmingSpacesAndTabs().isEmpty }
            .map { $0.text.prefix { $0 == " " || $0 == "\t" }.count }.min() ?? 0
        var result: [String] = []
        for entry in lines {
            let text = entry.text.count >= indent ? String(entry.text.dropFirst(indent)) : ""
            result.append(try facts.fill(text, file: file, line: entry.line))
        }
        return result.joined(separator: "\n")
    }
}

/// A problem in an intent or synonym file: `Intents/kfz.intent:14: …`.
public struct IntentFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
