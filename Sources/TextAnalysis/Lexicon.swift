import Foundation

/// The words of a language, independent of any corpus: a word list such as Debian's
/// `wngerman` (`/usr/share/dict/ngerman`, 356,000 words with their inflected forms).
///
/// Typo tolerance asks it before correcting: a word the corpus does not use but the language
/// has is not a typo. "Was passiert mit meinem Nummernschild?" had "passiert" corrected to
/// "passwort" and "laufen" became "kaufen"; with the lexicon they stay unknown words, which
/// speak for no intent rather than for the wrong one.
///
/// Held as sorted 64-bit hashes of the folded tokens (2.8 MB for German), loaded once per
/// process and shared by every index built from it.
///
/// ```swift
/// let lexicon = Lexicon(words: ["passiert", "laufen"], analyzer: Analyzer(language: .german))
/// lexicon.contains("passiert")    // true
/// lexicon.contains("fuhrerschien")    // false
/// ```
public final class Lexicon: Sendable {
    private let hashes: [UInt64]

    /// - Parameter words: any text; its tokens, folded as `analyzer` folds a question's, are
    ///   the lexicon's words.
    public init(words: some Sequence<String>, analyzer: Analyzer) {
        var hashes: [UInt64] = []
        for text in words {
            for token in analyzer.tokens(text) { hashes.append(stableHash(token)) }
        }
        hashes.sortAndRemoveDuplicates()
        self.hashes = hashes
    }

    public var count: Int { hashes.count }

    /// Whether `token`, folded as `Analyzer.tokens` returns it, is a word of the lexicon.
    public func contains(_ token: String) -> Bool {
        // With 356,000 words a token that is none of them matches one's 64-bit hash by chance
        // about twice in 10^14.
        let value = stableHash(token)
        let position = hashes.lowerBound(of: value)
        return position < hashes.count && hashes[position] == value
    }

    // MARK: The system's word lists

    /// Debian's word lists for each language (packages `wngerman`, `wbritish`, `wamerican`).
    public static let systemPaths: [Analyzer.Language: [String]] = [
        .german: ["/usr/share/dict/ngerman"],
        .english: ["/usr/share/dict/british-english", "/usr/share/dict/american-english"],
    ]

    /// The system's lexicon for `language`, read once per process; nil when no word list is
    /// installed (typo tolerance then corrects every word the corpus does not know).
    public static func system(_ language: Analyzer.Language) -> Lexicon? {
        switch language {
        case .german: german
        case .english: english
        }
    }

    private static let german = load(.german)
    private static let english = load(.english)

    private static func load(_ language: Analyzer.Language) -> Lexicon? {
        let texts = (systemPaths[language] ?? []).compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
        guard !texts.isEmpty else { return nil }
        // Through ICU 64 KB (some 5,000 words) at a time, cut at a line end: the whole list in
        // one call left the daemon 13 MB larger (all its tokens at once), and splitting it into
        // lines to join them again made start-up 0.5 s instead of 0.3 s.
        var chunks: [String] = []
        for text in texts {
            let bytes = text.utf8
            var start = bytes.startIndex
            while start < bytes.endIndex {
                var end = bytes.index(start, offsetBy: 65_536, limitedBy: bytes.endIndex) ?? bytes.endIndex
                while end < bytes.endIndex, bytes[end] != UInt8(ascii: "\n") { end = bytes.index(after: end) }
                chunks.append(String(text[start..<end]))
                start = end
            }
        }
        return Lexicon(words: chunks, analyzer: Analyzer(language: language))
    }
}
