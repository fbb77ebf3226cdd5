import Foundation

/// Removes personal data from a question before it is stored: e-mail addresses, IBANs,
/// phone numbers, dates (of birth or otherwise), licence plates, file numbers and names
/// after "ich heiße" / "mein Name ist" / "my name is". Each is replaced by a marker such as
/// `[E-Mail]`, so that analytics still show what kind of thing was asked.
///
/// ```swift
/// PersonalDataScrubber.scrub("Ich heiße Max Mustermann, BC-AB 123")   // "Ich heiße [Name], [Kennzeichen]"
/// ```
public enum PersonalDataScrubber {
    private struct Rule: @unchecked Sendable {
        // NSRegularExpression is immutable after creation and documented as thread-safe.
        let expression: NSRegularExpression
        let replacement: String
        /// What a text must contain for the rule to possibly match.
        let needs: Need
    }

    private enum Need { case digit, at, namePhrase }

    private static let rules: [Rule] = [
        (#"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}"#, "[E-Mail]"),
        (#"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b"#, "[IBAN]"),
        (#"\b(?i:ich\s+hei(?:ß|ss)e|mein\s+name\s+ist|my\s+name\s+is|i\s+am\s+called)\s+(?:(?:von|van|de|der|zu)\s+)?\p{L}[\p{L}\-']*(?:\s+(?:(?:von|van|de|der|zu)\s+)?\p{Lu}[\p{L}\-']*){0,2}"#, "$NAME"),
        (#"\b\d{1,2}\s?[./\-]\s?\d{1,2}\s?[./\-]\s?(?:19|20)?\d{2}\b"#, "[Datum]"),
        (#"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"#, "[Datum]"),
        (#"(?i)\b\d{1,2}\.?\s+(?:januar|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember)\s+(?:19|20)\d{2}\b"#, "[Datum]"),
        (#"\b[A-ZÄÖÜ]{1,3}[\- ][A-Z]{1,2}[\- ]?\d{1,4}[EH]?\b"#, "[Kennzeichen]"),
        (#"(?i)\b(?:az|aktenzeichen|akz|kassenzeichen|vorgangsnummer|file\s+number|reference)\.?:?\s*[A-Z0-9][A-Z0-9./\-]{2,}"#, "[Aktenzeichen]"),
        (#"(?:\+|\b0)\d[\d /\-()]{5,}\d\b"#, "[Telefon]"),
        (#"\b[A-Z0-9]{0,6}[0-9]{2,}[/\-.][0-9A-Z/\-.]{3,}\b"#, "[Aktenzeichen]"),
        (#"\b\d{6,}\b"#, "[Nummer]"),
    ].map { pattern, replacement in
        let needs: Need = replacement == "[E-Mail]" ? .at : replacement == "$NAME" ? .namePhrase : .digit
        return Rule(expression: try! NSRegularExpression(pattern: pattern), replacement: replacement, needs: needs)
    }

    /// The text with personal data replaced by markers (`[E-Mail]`, `[Name]`, …), for storage.
    public static func scrub(_ text: String) -> String {
        replace(text, markers: true)
    }

    /// The text with personal data removed, for matching: a name or an e-mail address says
    /// nothing about what the citizen asks.
    public static func strip(_ text: String) -> String {
        replace(text, markers: false)
    }

    private static func replace(_ text: String, markers: Bool) -> String {
        // Every rule needs a digit, an "@" or a name phrase: most questions have none, and
        // then no regular expression runs at all (they cost more than matching).
        let bytes = Array(text.utf8)
        let hasDigit = bytes.contains { $0 >= 0x30 && $0 <= 0x39 }
        let hasAt = bytes.contains(0x40)
        // "heiße", not "hei": that is in "Führerschein" and ran every rule for it.
        let hasNamePhrase = containsNameWord(bytes)
        guard hasDigit || hasAt || hasNamePhrase else { return text }
        var result = text
        for rule in rules {
            switch rule.needs {
            case .digit where !hasDigit, .at where !hasAt, .namePhrase where !hasNamePhrase: continue
            default: break
            }
            let range = NSRange(result.startIndex..., in: result)
            if rule.replacement == "$NAME" {
                // Keep the phrase, drop the name.
                var output = ""
                var last = result.startIndex
                for match in rule.expression.matches(in: result, range: range) {
                    guard let matched = Range(match.range, in: result) else { continue }
                    output += result[last..<matched.lowerBound]
                    output += markers ? namePhrase(String(result[matched])) + " [Name]" : " "
                    last = matched.upperBound
                }
                result = output + result[last...]
            } else {
                result = rule.expression.stringByReplacingMatches(in: result, range: range, withTemplate: markers ? rule.replacement : " ")
            }
        }
        return result
    }

    /// The words a name phrase needs (lower case; each starts with "h", "n" or "c").
    private static let nameWords: [[UInt8]] = ["heiße", "heiẞe", "heisse", "name", "called"].map { Array($0.utf8) }

    /// Whether one of `nameWords` occurs, ignoring ASCII case: one pass, a word compared
    /// only where its first letter stands (five comparisons, cheaper than hashing the letter).
    private static func containsNameWord(_ bytes: [UInt8]) -> Bool {
        func folded(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        for start in bytes.indices {
            let first = folded(bytes[start])
            guard first == UInt8(ascii: "h") || first == UInt8(ascii: "n") || first == UInt8(ascii: "c") else { continue }
            candidate: for word in nameWords where word[0] == first && start + word.count <= bytes.count {
                for offset in 1..<word.count where folded(bytes[start + offset]) != word[offset] { continue candidate }
                return true
            }
        }
        return false
    }

    private static func namePhrase(_ match: String) -> String {
        let lower = match.lowercased()
        for phrase in ["ich heiße", "ich heisse", "mein name ist", "my name is", "i am called"] where lower.hasPrefix(phrase) {
            return String(match.prefix(phrase.count))
        }
        return ""
    }
}
