import Foundation

/// The facts of one installation that answers refer to as `{{key}}`: office phone numbers,
/// addresses, opening hours, links. Kept in `Config/`, so one curated set of intents serves
/// any district.
///
/// ```swift
/// let facts = InstallationFacts(["zulassung.phone": "07000 1234-0"])
/// try facts.fill("Telefon {{zulassung.phone}}", file: "x.intent", line: 3)   // "Telefon 07000 1234-0"
/// ```
public struct InstallationFacts: Sendable, Equatable {
    public private(set) var values: [String: String]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(key: String) -> String? { values[key] }

    /// Replaces every `{{key}}`; an unknown key is an error at its line.
    public func fill(_ text: String, file: String, line: Int) throws -> String {
        guard text.contains("{{") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw IntentFileError(file: file, line: line, "\"{{\" ohne \"}}\"")
            }
            let key = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[key] else {
                let known = values.keys.filter { $0.hasPrefix(key.split(separator: ".").first.map { "\($0)." } ?? key) }.sorted().prefix(8)
                let hint = known.isEmpty ? "" : " (hier bekannt: \(known.joined(separator: ", ")))"
                throw IntentFileError(file: file, line: line, "unbekannte Installationsangabe {{\(key)}}\(hint); die Angaben stehen in Config/")
            }
            result += value
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
