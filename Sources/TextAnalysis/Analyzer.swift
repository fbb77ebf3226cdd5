/// Analyses text into comparable terms, the same way for what citizens type and for what the
/// knowledge base says: ICU folding (NFKC, full case folding, diacritics removed), German
/// umlaut spellings made to meet, ICU word boundaries, then Snowball stemming.
///
/// ```swift
/// let analyzer = Analyzer(language: .german)
/// analyzer.tokens("KFZ-Zulassung")        // ["kfz", "zulassung"]
/// analyzer.terms("Führerscheine")         // ["fuhrerschein"]
/// ```
///
/// Decompounding, synonyms and typo tolerance build on these terms (chatbot issue).
public struct Analyzer: Sendable {
    public enum Language: String, Sendable, CaseIterable {
        case german = "de"
        case english = "en"

        var snowballAlgorithm: String {
            switch self {
            case .german: "german"
            case .english: "english"
            }
        }
    }

    public let language: Language
    private let stemmer: SnowballStemmer?

    public init(language: Language = .german) {
        self.language = language
        self.stemmer = Self.stemmers[language] ?? nil
    }

    private static let stemmers: [Language: SnowballStemmer?] = Dictionary(
        uniqueKeysWithValues: Language.allCases.map { ($0, SnowballStemmer(algorithm: $0.snowballAlgorithm)) })

    /// Folded word tokens, before stemming.
    public func tokens(_ text: String) -> [String] {
        guard let (units, bounds) = ICUBridge.foldedWords(text) else {
            let words = text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
            return language == .german ? words.map(GermanSpelling.normalize) : words
        }
        var words: [String] = []
        words.reserveCapacity(bounds.count / 2)
        for pair in stride(from: 0, to: bounds.count, by: 2) {
            let word = units[Int(bounds[pair])..<Int(bounds[pair + 1])]
            words.append(language == .german ? GermanSpelling.normalize(word) : ICUBridge.makeString(word))
        }
        return words
    }

    /// Stemmed terms: what indexes store and queries are compared by.
    public func terms(_ text: String) -> [String] {
        tokens(text).map(stem)
    }

    /// The Snowball stem of one token (numbers and other non-words stay as they are).
    public func stem(_ token: String) -> String {
        guard let stemmer, token.unicodeScalars.contains(where: { $0.properties.isAlphabetic }) else { return token }
        return stemmer.stem(token)
    }
}
