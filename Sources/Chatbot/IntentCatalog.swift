import Foundation
import TextAnalysis

/// Everything the chatbot knows, read from one directory: `*.intent` files (intents,
/// follow-up topics and questions it is not there for), `synonyms.txt` (German) and
/// `synonyms.en.txt` (English). Loading fails on
/// the first error with its file and line; what is merely doubtful is left to `lint()`.
///
/// ```swift
/// let catalog = try IntentCatalog.load(directory: URL(fileURLWithPath: "Intents"), facts: facts)
/// ```
public struct IntentCatalog: Sendable {
    public var intents: [Intent]
    public var followUps: [FollowUpTopic]
    /// Questions the bot is not there for: read as one of these, a question gets the fallback.
    public var outOfScope: [OutOfScopeTopic]
    /// German synonyms (`synonyms.txt`).
    public var synonyms: SynonymTable
    /// English synonyms (`synonyms.en.txt`): English questions have colloquial words of their
    /// own ("trash", "license plate"), which German's table must not rewrite.
    public var englishSynonyms: SynonymTable
    public var files: [String]

    public static let synonymsFileName = "synonyms.txt"
    public static let englishSynonymsFileName = "synonyms.en.txt"
    public static let fileExtension = "intent"

    public init(intents: [Intent], followUps: [FollowUpTopic] = [], outOfScope: [OutOfScopeTopic] = [],
                synonyms: SynonymTable = SynonymTable(), englishSynonyms: SynonymTable = SynonymTable(), files: [String] = []) {
        self.intents = intents
        self.followUps = followUps
        self.outOfScope = outOfScope
        self.synonyms = synonyms
        self.englishSynonyms = englishSynonyms
        self.files = files
    }

    /// The synonyms that apply to questions and examples in `language`.
    public func synonyms(for language: ChatLanguage) -> SynonymTable {
        switch language {
        case .german: synonyms
        case .english: englishSynonyms
        }
    }

    /// Synonym entries of both languages, as the status and `intents check` report them.
    public var synonymCount: Int { synonyms.count + englishSynonyms.count }

    /// Whether a file of this name in the intents directory is part of the catalog (for the
    /// watcher that reloads on changes).
    public static func isCatalogFile(_ name: String) -> Bool {
        name.hasSuffix(".\(fileExtension)") || name == synonymsFileName || name == englishSynonymsFileName
    }

    public static func load(directory: URL, facts: InstallationFacts) throws -> IntentCatalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        } catch {
            throw IntentFileError(file: directory.path, line: nil, "das Intent-Verzeichnis ist nicht lesbar: \(error.localizedDescription)")
        }
        var intents: [Intent] = []
        var followUps: [FollowUpTopic] = []
        var outOfScope: [OutOfScopeTopic] = []
        var files: [String] = []
        for name in names where name.hasSuffix(".\(fileExtension)") {
            let path = directory.appendingPathComponent(name).path
            let displayName = Self.displayPath(directory: directory, name: name)
            let text = try read(path, displayName: displayName)
            let parsed = try IntentFileParser(file: displayName, facts: facts).parse(text)
            intents += parsed.intents
            followUps += parsed.followUps
            outOfScope += parsed.outOfScope
            files.append(displayName)
        }
        func synonymTable(_ name: String, language: Analyzer.Language) throws -> SynonymTable {
            let path = directory.appendingPathComponent(name).path
            guard FileManager.default.fileExists(atPath: path) else { return SynonymTable() }
            let displayName = displayPath(directory: directory, name: name)
            defer { files.append(displayName) }
            do {
                // Tokens as that language's questions are split: German spelling rules ("ue" is "ü")
                // would turn the English "tuesday" into "tusday", which no English question has.
                return try SynonymTable.parse(try read(path, displayName: displayName), file: displayName,
                                              analyzer: Analyzer(language: language))
            } catch let error as TextAnalysisError {
                throw IntentFileError(file: error.file, line: error.line, error.message)
            }
        }
        let synonyms = try synonymTable(synonymsFileName, language: .german)
        let englishSynonyms = try synonymTable(englishSynonymsFileName, language: .english)
        let catalog = IntentCatalog(intents: intents, followUps: followUps, outOfScope: outOfScope, synonyms: synonyms,
                                    englishSynonyms: englishSynonyms, files: files)
        try catalog.validate()
        return catalog
    }

    private static func displayPath(directory: URL, name: String) -> String {
        "\(directory.lastPathComponent)/\(name)"
    }

    private static func read(_ path: String, displayName: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IntentFileError(file: displayName, line: nil, "ist nicht lesbar")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw IntentFileError(file: displayName, line: nil, "ist kein gültiger UTF-8-Text")
        }
        return text
    }

    /// Errors that make the set unusable: duplicate ids, sub-answers for unknown topics.
    /// Intents and follow-up topics have separate ids (the intent `termin` and the topic
    /// `termin` for "Brauche ich einen Termin?" after an answer may coexist); an
    /// `outside:` block's id is its own and no intent's.
    public func validate() throws {
        var seen: [String: Intent] = [:]
        for intent in intents {
            if let first = seen[intent.id] {
                throw IntentFileError(file: intent.file, line: intent.line, "die Intent-ID \"\(intent.id)\" ist schon vergeben in \(first.file):\(first.line)")
            }
            seen[intent.id] = intent
        }
        var topics: [String: FollowUpTopic] = [:]
        for topic in followUps {
            if let first = topics[topic.id] {
                throw IntentFileError(file: topic.file, line: topic.line, "die Nachfrage-ID \"\(topic.id)\" ist schon vergeben in \(first.file):\(first.line)")
            }
            topics[topic.id] = topic
        }
        var outside: [String: OutOfScopeTopic] = [:]
        for topic in outOfScope {
            if let first = outside[topic.id] {
                throw IntentFileError(file: topic.file, line: topic.line, "die outside-ID \"\(topic.id)\" ist schon vergeben in \(first.file):\(first.line)")
            }
            if let intent = seen[topic.id] {
                throw IntentFileError(file: topic.file, line: topic.line, "die outside-ID \"\(topic.id)\" ist schon die eines Intents (\(intent.file):\(intent.line))")
            }
            outside[topic.id] = topic
        }
        for intent in intents {
            for topic in intent.subAnswers.keys.sorted() where topics[topic] == nil {
                let known = topics.keys.sorted().joined(separator: ", ")
                throw IntentFileError(file: intent.file, line: intent.line,
                                      "\(intent.id): \"answer.\(topic)\" braucht ein Nachfragethema \"\(topic)\" (bekannt: \(known.isEmpty ? "keine" : known))")
            }
        }
    }

    /// Doubtful content worth an admin's look; `intents check` reports these.
    public func lint(minimumExamples: Int = 5) -> [IntentFileError] {
        var findings: [IntentFileError] = []
        let ids = Set(intents.map(\.id))
        var exampleOwner: [String: (intent: String, example: Intent.Example)] = [:]
        let analyzer = Analyzer(language: .german)
        // Outside and follow-up examples first: an intent example that repeats one is the
        // finding. (One that stands in a topic and in an intent pulls the model both ways: "Wie
        // bekomme ich einen Termin?", in the topic "termin" and in the appointment intent, fell
        // back after unrelated examples were added elsewhere.)
        let owned = outOfScope.map { ($0.id, "outside:" + $0.id, $0.examples) } + followUps.map { ($0.id, "followup:" + $0.id, $0.examples) }
        for (id, owner, examples) in owned {
            for example in examples {
                let key = example.language.rawValue + ":" + analyzer.terms(example.text).joined(separator: " ")
                if let first = exampleOwner[key] {
                    findings.append(IntentFileError(file: example.file, line: example.line,
                                                    "\(id): Beispiel wiederholt \(first.example.file):\(first.example.line): \"\(example.text)\""))
                } else {
                    exampleOwner[key] = (owner, example)
                }
            }
        }
        for topic in followUps {
            for id in topic.standalone where !ids.contains(id) {
                findings.append(IntentFileError(file: topic.file, line: topic.line, "\(topic.id): Intent \"\(id)\" unter \"standalone:\" gibt es nicht"))
            }
        }
        for intent in intents {
            let german = intent.examples.filter { $0.language == .german }.count
            if german < minimumExamples {
                findings.append(IntentFileError(file: intent.file, line: intent.line,
                                                "\(intent.id): zu wenige deutsche Beispiele (\(german), empfohlen sind mindestens \(minimumExamples))"))
            }
            for related in intent.related where !ids.contains(related) {
                findings.append(IntentFileError(file: intent.file, line: intent.line, "\(intent.id): verwandtes Intent \"\(related)\" gibt es nicht"))
            }
            for example in intent.examples {
                let key = example.language.rawValue + ":" + analyzer.terms(example.text).joined(separator: " ")
                if let owner = exampleOwner[key] {
                    let message = owner.intent == intent.id
                        ? "\(intent.id): Beispiel wiederholt Zeile \(owner.example.line): \"\(example.text)\""
                        : "Beispiel \"\(example.text)\" steht auch in \(owner.intent) (\(owner.example.file):\(owner.example.line))"
                    findings.append(IntentFileError(file: example.file, line: example.line, message))
                } else {
                    exampleOwner[key] = (intent.id, example)
                }
            }
        }
        return findings
    }
}
