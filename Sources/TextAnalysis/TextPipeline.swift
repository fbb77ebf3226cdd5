import Synchronization

/// The whole analysis for one language against one corpus: tokens, synonyms, stems, then,
/// for words the corpus does not know, compound splitting and typo correction.
///
/// ```swift
/// let pipeline = TextPipeline(analyzer: Analyzer(language: .german), synonyms: table, corpus: examples)
/// pipeline.analyze("Wo bekomme ich einen neuen Lappen?").terms.map(\.stem)
/// // ["wo", "bekomm", "ich", "ein", "neu", "fuhrerschein"]
/// ```
public struct TextPipeline: Sendable {
    public let analyzer: Analyzer
    public let synonyms: SynonymTable
    public let vocabulary: Vocabulary
    /// Words of the language that are no typos, whether or not the corpus uses them.
    public let lexicon: Lexicon?
    private let cache = TermCache()
    /// The stems of one-word synonym variants and their canonical stems: a variant the
    /// analysis reads off a word (a compound's part or head, a correction) stands for its
    /// canonical word, as a variant standing alone does ("Jagdgewehre" is a "Waffe", as
    /// "Gewehr" is). A stem two variants with different canonical words share is left out.
    private let canonicalStems: [String: [String]]

    /// - Parameters:
    ///   - knownOnly: texts whose words are known, but never what a misspelt word is
    ///     corrected to (see `Vocabulary.init`).
    ///   - lexicon: the language's words: an unknown word found there is left as it is, not
    ///     corrected to the nearest word of the corpus.
    public init(analyzer: Analyzer, synonyms: SynonymTable = SynonymTable(), corpus: some Sequence<String>,
                knownOnly: some Sequence<String> = [String](), lexicon: Lexicon? = nil) {
        self.analyzer = analyzer
        self.synonyms = synonyms
        self.lexicon = lexicon
        var tokens: [String] = []
        for text in corpus { tokens += synonyms.apply(analyzer.tokens(text)) }
        tokens += synonyms.words.subtracting(tokens)
        var other: [String] = []
        for text in knownOnly { other += synonyms.apply(analyzer.tokens(text)) }
        vocabulary = Vocabulary(tokens: tokens, knownOnly: other, analyzer: analyzer)
        var canonicalStems: [String: [String]] = [:], ambiguous = Set<String>()
        for (variant, canonical) in synonyms.wordVariants {
            let stem = analyzer.stem(variant), target = canonical.map { analyzer.stem($0) }
            if let earlier = canonicalStems[stem], earlier != target { ambiguous.insert(stem) }
            canonicalStems[stem] = target
        }
        for stem in ambiguous { canonicalStems[stem] = nil }
        self.canonicalStems = canonicalStems
    }

    /// Analyses `text`. Known compounds also yield their known parts, so that a question with
    /// the parts meets an example with the compound and the other way round.
    public func analyze(_ text: String) -> AnalyzedText {
        var tokens: [String]
        // Where each clause's tokens start (German: a text with one clause has one).
        var clauseStarts: [Int] = [0]
        // Tokens a synonym's canonical phrase added ("Biotonne" is "organic waste bin" in English).
        var added = 0
        func applySynonyms(_ words: [String]) -> [String] {
            let replaced = synonyms.apply(words)
            added += max(0, replaced.count - words.count)
            return replaced
        }
        if analyzer.language == .german {
            // Per clause: the particle ends the clause, not always the text.
            tokens = []
            clauseStarts = []
            // Split on bytes: splitting a String by Characters showed up in profiles, and so
            // did the generic split's array of slices; a text with no clause end at all is
            // analysed as it is, without a copy.
            let bytes = text.utf8
            var start = bytes.startIndex
            while start < bytes.endIndex {
                let end = bytes[start...].firstIndex(where: Self.isClauseEnd) ?? bytes.endIndex
                if end > start {
                    let clause = start == bytes.startIndex && end == bytes.endIndex ? text : String(Substring(bytes[start..<end]))
                    let clauseTokens = joiningSeparableVerb(applySynonyms(analyzer.tokens(clause)))
                    if !clauseTokens.isEmpty { clauseStarts.append(tokens.count) }
                    tokens += clauseTokens
                }
                start = end < bytes.endIndex ? bytes.index(after: end) : end
            }
        } else {
            tokens = applySynonyms(analyzer.tokens(text))
        }
        var terms: [AnalyzedTerm] = []
        terms.reserveCapacity(tokens.count + 4)
        var clauseTermStarts: [Int] = []
        clauseTermStarts.reserveCapacity(clauseStarts.count)
        var nextClause = 0
        var inQuantity = false
        for (position, token) in tokens.enumerated() {
            if nextClause < clauseStarts.count, clauseStarts[nextClause] == position {
                clauseTermStarts.append(terms.count)
                nextClause += 1
            }
            // A unit after a number belongs to the quantity, not to what is asked: "27 km/h"
            // is a number and two units, where "km" and "h" had counted as unknown words and
            // made the question look half understood.
            if inQuantity, Self.units.contains(token) {
                terms.append(AnalyzedTerm(stem: token, source: token, kind: .other))
                continue
            }
            inQuantity = token.utf8.first.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false
            // What a word becomes depends only on the word and this corpus: worth keeping,
            // since citizens use a small vocabulary (stems, splits and corrections showed
            // up as half of a question's analysis).
            if let known = cache.terms(token) {
                terms += known
                continue
            }
            let analysed = canonical(analyze(token: token))
            cache.store(analysed, for: token)
            terms += analysed
        }
        var analyzed = AnalyzedText(terms: terms)
        analyzed.addedBySynonyms = added
        analyzed.clauseStarts = clauseTermStarts
        return analyzed
    }

    /// Units of measure, as tokens come out of the analyzer (folded: "m²" is "m2"), that count
    /// as part of a quantity when they follow a number ("27 km/h", "3,5 t", "80 qm").
    static let units: Set<String> = ["km", "h", "kmh", "m", "m2", "m3", "qm", "cm", "mm", "kg", "g", "t", "l", "ha",
                                     "std", "min", "ps", "kw", "ccm", "mph", "mi", "ft", "lbs"]

    private static func isClauseEnd(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"): true
        default: false
        }
    }

    /// Particles that German moves to the end of the clause when the verb comes second.
    static let separableParticles: Set<String> = ["ab", "an", "auf", "aus", "ein", "mit", "nach", "um", "vor", "weg", "zu", "zuruck"]

    /// "Wie melde ich mein Auto ab?" means "abmelden" and must not meet "Wie melde ich mein
    /// Auto an?". When the clause ends in a separable particle and joining it to one of the
    /// clause's words (the first that gives one) gives a verb the corpus knows, that verb is
    /// added and the particle dropped. Any word, not only the first few: without a comma
    /// the clause starts earlier ("Gebrauchtwagen gekauft wie melde ich den an").
    private func joiningSeparableVerb(_ tokens: [String]) -> [String] {
        guard tokens.count >= 3, let particle = tokens.last, Self.separableParticles.contains(particle) else { return tokens }
        for position in tokens.indices.dropLast() where !Stopwords.contains(tokens[position], language: .german) {
            let verb = tokens[position]
            if let joined = knownSeparableVerb(particle + verb) {
                // The verb stays too, when the corpus knows it: "Wie melde ich mein Auto an,
                // was brauche ich?" ends elsewhere, and its "melde" should still meet the
                // example's. A form it does not know ("holt") is no more than the joined verb.
                var joinedTokens = tokens
                joinedTokens.removeLast()
                if knows(verb) {
                    joinedTokens.insert(joined, at: position + 1)
                } else {
                    joinedTokens[position] = joined
                }
                return joinedTokens
            }
        }
        return tokens
    }

    /// Whether the corpus knows `word` as written or by its stem (through another form).
    private func knows(_ word: String) -> Bool {
        vocabulary.contains(token: word) || vocabulary.contains(stem: analyzer.stem(word))
    }

    /// Finite verb endings the stemmer keeps ("meldet", "holt", "meldest"), longest first.
    private static let finiteEndings = ["est", "et", "st", "t"]

    /// The particle joined to the verb as the corpus knows it: as it stands ("abmelde"), or,
    /// for a finite form the stemmer leaves whole, as the infinitive ("Wie meldet man ein Auto
    /// ab?" is "abmelden", "Wer holt den Kühlschrank ab?" is "abholen"); nil when the corpus
    /// knows neither form.
    private func knownSeparableVerb(_ joined: String) -> String? {
        if knows(joined) { return joined }
        for ending in Self.finiteEndings where joined.hasSuffix(ending) && joined.count >= ending.count + 5 {
            let infinitive = String(joined.dropLast(ending.count)) + "en"
            // Known as written, or by its stem through another form: "Bildet der Landkreis
            // auch Informatiker aus?" is "ausbilden", whose stem is "Ausbildung"'s.
            if knows(infinitive) { return infinitive }
        }
        return nil
    }

    /// "anzumelden" is "anmelden" with the infinitive's "zu" inside: the verb, when the
    /// corpus knows it.
    private func withoutInfinitiveZu(_ token: String) -> String? {
        for particle in Self.separableParticles where token.hasPrefix(particle + "zu") && token.count > particle.count + 4 {
            let verb = particle + token.dropFirst(particle.count + 2)
            if knows(verb) { return verb }
        }
        return nil
    }

    /// A participle the stemmer leaves whole, read as the infinitive when the corpus knows
    /// that: "gemacht", "abgemeldet", "gefahren" and, through the stem, "abgemeldetes".
    /// Citizens tell what happened ("Ich habe den Jagdschein woanders gemacht"), where the
    /// examples ask what to do. Not finite forms: "heißt" read as the corpus's "heißen" (of
    /// "im heißen Auto") answered "Wie heißt du?" with animal welfare, and the question
    /// sets lost more than they won. (A separable verb's finite form is joined with its
    /// particle, `knownSeparableVerb`: the particle makes it a verb.)
    /// The "ge" may follow any first part, not only a particle of the pipeline's:
    /// "stillgelegt" is "stilllegen", "freigeschaltet" is "freischalten".
    private func infinitive(ofVerbForm token: String, stem: String) -> String? {
        var candidates: [String] = []
        for form in token == stem ? [token] : [token, stem] {
            let letters = Array(form.utf8)
            for position in 0..<max(0, letters.count - 1) where letters[position] == UInt8(ascii: "g")
                && letters[position + 1] == UInt8(ascii: "e") && (position == 0 || position >= 2) {
                let lead = String(decoding: letters[0..<position], as: UTF8.self)
                let rest = String(decoding: letters[(position + 2)...], as: UTF8.self)
                guard rest.utf8.count >= 4 else { continue }
                if rest.hasSuffix("en") { candidates.append(lead + rest) }
                for ending in ["et", "t"] where rest.hasSuffix(ending) && rest.utf8.count >= ending.utf8.count + 3 {
                    candidates.append(lead + rest.dropLast(ending.count) + "en")
                }
            }
        }
        return candidates.first(where: knows)
    }

    /// Whether `token` may be read as `corrected`: always when it is no word of the language.
    /// When it is one, only if the two differ in the ending ("einbürgern" is read as the
    /// corpus's "einbürgerung", "built" as "build") or `token` is `corrected` with a prefix
    /// ("umgetauscht" as "getauscht"), not in the word itself ("passiert" is no "passwort",
    /// "gestorben" no "gestohlen", "koche" no "Küche", "hiring" no "fire"). The prefix is one
    /// of a verb's: "wandern" is no "ändern" with a "w" (it answered "Wo kann man hier gut
    /// wandern?" with the change of a car's keeper).
    private func isTypo(_ token: String, of corrected: String) -> Bool {
        guard let lexicon, lexicon.contains(token) else { return true }
        let shared = zip(token.utf8, corrected.utf8).prefix { $0 == $1 }.count
        if shared >= max(4, min(token.utf8.count, corrected.utf8.count) - 3) {
            // In German, what differs must be endings: "geholt" is no "gehört".
            guard analyzer.language == .german else { return true }
            return Self.germanEndings.contains(String(decoding: token.utf8.dropFirst(shared), as: UTF8.self))
                && Self.germanEndings.contains(String(decoding: corrected.utf8.dropFirst(shared), as: UTF8.self))
        }
        guard corrected.utf8.count >= 6, token.hasSuffix(corrected) else { return false }
        return Self.verbPrefixes.contains(String(token.dropLast(corrected.count)))
    }

    /// Inflection and derivation endings, by which a German word of the language may differ
    /// from the corpus's and still be read as it ("einbürgern" as "Einbürgerung").
    static let germanEndings: Set<String> = ["", "e", "em", "en", "end", "er", "ern", "es", "et", "n", "ns", "s", "st",
                                             "t", "te", "ten", "ung", "ungen", "in", "innen", "nen"]

    /// The prefixes by which a word of the language may differ from the corpus's and still be
    /// read as it (typo tolerance reaches two letters).
    static let verbPrefixes: Set<String> = ["ab", "an", "be", "er", "ge", "um", "zu", "re", "un", "de"]

    /// German verbs and their nouns in "-ung" mean the same thing to a question, but the
    /// stemmer keeps a short word's "-ung" (a long one's it drops: "Anmeldung" and "anmelden"
    /// already meet): "impfen" is "impf", "Impfung" is "impfung". An unknown stem whose
    /// counterpart the vocabulary knows is read as that counterpart ("Wo kann ich mich impfen
    /// lassen?" against examples that say "Impfung"; "Zahlung" against "zahlen").
    private func verbOrNoun(of stem: String) -> String? {
        if stem.hasSuffix("ung") {
            let verb = String(stem.dropLast(3))
            return verb.count >= 3 && vocabulary.contains(stem: verb) ? verb : nil
        }
        guard stem.count >= 3 else { return nil }
        let noun = stem + "ung"
        return vocabulary.contains(stem: noun) ? noun : nil
    }

    /// Terms read off a word (compound parts and heads, corrections, derived forms) that are
    /// synonym variants, as their canonical words; a known word stays itself, as synonyms
    /// have already replaced the variants that stand alone.
    private func canonical(_ terms: [AnalyzedTerm]) -> [AnalyzedTerm] {
        func readOff(_ term: AnalyzedTerm) -> [String]? {
            switch term.kind {
            case .compoundPart, .compoundHead, .unfamiliarHead, .corrected, .derived: canonicalStems[term.stem]
            case .known, .stopword, .other, .unknown: nil
            }
        }
        guard !canonicalStems.isEmpty, terms.contains(where: { readOff($0) != nil }) else { return terms }
        var result: [AnalyzedTerm] = []
        for term in terms {
            guard let stems = readOff(term) else {
                result.append(term)
                continue
            }
            for stem in stems where !result.contains(where: { $0.stem == stem && $0.kind == term.kind }) {
                result.append(AnalyzedTerm(stem: stem, source: term.source, kind: term.kind))
            }
        }
        return result
    }

    private func analyze(token: String) -> [AnalyzedTerm] {
        let isWord = token.unicodeScalars.contains { $0.properties.isAlphabetic }
        if !isWord { return [AnalyzedTerm(stem: token, source: token, kind: .other)] }
        if Stopwords.contains(token, language: analyzer.language) {
            return [AnalyzedTerm(stem: analyzer.stem(token), source: token, kind: .stopword)]
        }
        let stem = analyzer.stem(token)
        if analyzer.language == .german, !vocabulary.contains(token: token), !vocabulary.contains(stem: stem),
           let verb = withoutInfinitiveZu(token) {
            return [AnalyzedTerm(stem: analyzer.stem(verb), source: token, kind: .known)]
        }
        if vocabulary.contains(token: token) || vocabulary.contains(stem: stem) {
            var terms = [AnalyzedTerm(stem: stem, source: token, kind: .known)]
            if token.count >= 10, let parts = vocabulary.compoundParts(of: token) {
                terms += parts.map { AnalyzedTerm(stem: $0, source: token, kind: .compoundPart) }
            }
            return terms
        }
        if let parts = vocabulary.compoundParts(of: token) {
            return parts.map { AnalyzedTerm(stem: $0, source: token, kind: .compoundPart) }
        }
        if analyzer.language == .german, let verb = infinitive(ofVerbForm: token, stem: stem) {
            // A synonym's variant stands for its canonical word: "stillgelegt" is "stilllegen",
            // which is "abmelden".
            let verbStem = analyzer.stem(verb)
            return (canonicalStems[verbStem] ?? [verbStem]).map { AnalyzedTerm(stem: $0, source: token, kind: .known) }
        }
        if analyzer.language == .german, let counterpart = verbOrNoun(of: stem) {
            return [AnalyzedTerm(stem: counterpart, source: token, kind: .derived)]
        }
        if let corrected = vocabulary.correction(for: token), isTypo(token, of: corrected) {
            return [AnalyzedTerm(stem: analyzer.stem(corrected), source: token, kind: .corrected)]
        }
        if let head = vocabulary.compoundHead(of: token) {
            return [AnalyzedTerm(stem: head.stem, source: token, kind: head.modifierKnown ? .compoundHead : .unfamiliarHead)]
        }
        return [AnalyzedTerm(stem: stem, source: token, kind: .unknown)]
    }
}

/// Token -> terms, bounded: cleared when full rather than grown.
final class TermCache: Sendable {
    private let entries = Mutex<[String: [AnalyzedTerm]]>([:])
    static let capacity = 50_000

    func terms(_ token: String) -> [AnalyzedTerm]? {
        entries.withLock { $0[token] }
    }

    func store(_ terms: [AnalyzedTerm], for token: String) {
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = terms
        }
    }
}

/// One term of an analysed text and how it was reached.
public struct AnalyzedTerm: Sendable, Equatable {
    public enum Kind: Sendable, Hashable {
        /// A word the corpus uses.
        case known
        /// A known part of a compound word.
        case compoundPart
        /// An unknown word replaced by the nearest known one.
        case corrected
        /// The known last part of an otherwise unknown compound ("tonne" in "Biotonne").
        case compoundHead
        /// The same, where the corpus has nothing of the compound's modifier ("schule" in
        /// "Musikschule"): a reader that knows how many topics the head speaks for decides
        /// whether it stands for the compound (`resolvingHead`).
        case unfamiliarHead
        /// An unknown verb read as its known noun, or the other way round ("impfen" as
        /// "Impfung", "Zahlung" as "zahlen").
        case derived
        /// A content word the corpus does not know.
        case unknown
        /// A function word ("und", "the").
        case stopword
        /// Numbers and other non-words.
        case other

        /// How much a content word of this kind counts as understood: a correction or a
        /// compound's head alone counts for less, it is a guess.
        public var understood: Double {
            switch self {
            case .known, .compoundPart, .derived: 1
            case .corrected: 0.6
            case .compoundHead, .unfamiliarHead: 0.5
            case .unknown, .stopword, .other: 0
            }
        }
    }

    /// An unfamiliar head read as the compound's head (`specific`: the head speaks for one
    /// topic alone, "Masernimpfung" is an "Impfung") or as the unknown word it is ("Musikschule",
    /// "Baumfällgenehmigung": "Schule" and "Genehmigung" speak for several); other terms as
    /// they are.
    public func resolvingHead(specific: Bool, analyzer: Analyzer) -> AnalyzedTerm {
        guard kind == .unfamiliarHead else { return self }
        return specific ? AnalyzedTerm(stem: stem, source: source, kind: .compoundHead)
            : AnalyzedTerm(stem: analyzer.stem(source), source: source, kind: .unknown)
    }

    /// Not a function word or a number: what `AnalyzedText.contentWords` counts.
    public var isContentWord: Bool { kind != .stopword && kind != .other }

    public var stem: String
    /// The token it came from.
    public var source: String
    public var kind: Kind

    public init(stem: String, source: String, kind: Kind) {
        self.stem = stem
        self.source = source
        self.kind = kind
    }
}

/// The terms of a text, with how much of its content the vocabulary understood.
public struct AnalyzedText: Sendable, Equatable {
    public let terms: [AnalyzedTerm]
    /// Content words (not stopwords or numbers), counting a split compound once.
    public let contentWords: Int
    /// The share of content words that were known, split or corrected (a correction or a
    /// compound's head alone counts for less: it is a guess); 0 when there are no content words.
    public let coverage: Double
    /// How many tokens synonyms added to the question's own (a canonical phrase of several
    /// words for one): the language that explains a question better is not the one whose
    /// synonyms made more words of it.
    public var addedBySynonyms = 0
    /// Where each clause's terms start (German texts are analysed clause by clause: a
    /// comma, full stop, question or exclamation mark, semicolon or colon ends one).
    public var clauseStarts: [Int] = []

    /// The terms of each clause, as texts of their own.
    public var clauses: [AnalyzedText] {
        guard clauseStarts.count > 1 else { return [self] }
        return clauseStarts.indices.map { position in
            let end = position + 1 < clauseStarts.count ? clauseStarts[position + 1] : terms.count
            return AnalyzedText(terms: Array(terms[clauseStarts[position]..<end]))
        }
    }

    /// Both figures are worked out once here: a question asks for them several times, and
    /// each time cost a dictionary of its words.
    public init(terms: [AnalyzedTerm]) {
        self.terms = terms
        let understood = Self.perContentWord(terms) { $0.kind.understood }
        contentWords = understood.words
        coverage = understood.mean
    }

    /// `value` per content word (a split compound counts once, with its best term), averaged
    /// over the content words; mean 0 when there are none. `coverage` is this with
    /// `Kind.understood`.
    public static func perContentWord(_ terms: [AnalyzedTerm], _ value: (AnalyzedTerm) -> Double) -> (words: Int, mean: Double) {
        // A question has a handful of words (at most some hundred: messages are capped at
        // 500 characters): a linear search beats hashing each source.
        var sources: [String] = []
        var best: [Double] = []
        sources.reserveCapacity(terms.count)  // one allocation each, not one per doubling
        best.reserveCapacity(terms.count)
        for term in terms where term.isContentWord {
            let termValue = value(term)
            if let position = sources.firstIndex(of: term.source) {
                best[position] = max(best[position], termValue)
            } else {
                sources.append(term.source)
                best.append(max(0, termValue))
            }
        }
        return (sources.count, sources.isEmpty ? 0 : best.reduce(0, +) / Double(sources.count))
    }
}
