/// The words a corpus (intent examples, answers, articles) uses, with two ways of reaching
/// them from words it does not use: German compound splitting ("Müllabfuhrtermine" ->
/// "müll", "abfuhr", "termin" when those occur) and typo tolerance (an unknown word maps to
/// the nearest known word within edit distance 1, or 2 from eight letters on; failing that, a
/// German word to the known word that sounds the same, `soundKey`).
///
/// Typo lookup uses symmetric deletes: every known word is indexed under the hashes of its
/// variants with up to its allowed number of letters deleted, so a lookup is a few binary
/// searches, not a scan of the vocabulary.
///
/// ```swift
/// let vocabulary = Vocabulary(tokens: analyzer.tokens(corpus), analyzer: analyzer)
/// vocabulary.correction(for: "fuhrerschien")    // "fuhrerschein"
/// vocabulary.compoundParts(of: "mullabfuhrtermine")    // ["mull", "abfuhr", "termin"]
/// ```
public final class Vocabulary: Sendable {
    public let analyzer: Analyzer
    /// Known tokens (folded, unstemmed) with their corpus frequency.
    private let frequencies: [String: Int]
    private let words: [[UInt8]]
    /// The stems of the known tokens.
    public let stems: Set<String>
    /// (hash << 32 | word index), sorted: the symmetric-delete index.
    private let deletes: [UInt64]
    /// German only: `soundKey` -> the most frequent correctable word with that key.
    private let soundAlikes: [[UInt8]: Int]
    /// The correctable words in byte order, and each spelt backwards in byte order: which
    /// known word starts or ends with a compound's modifier (`compoundHead`).
    private let wordsInByteOrder: [[UInt8]]
    private let reversedWords: [[UInt8]]

    /// Words shorter than this are never corrected: too many neighbours ("kurs" is one letter
    /// from "kurz", measured as false answers to out-of-scope questions).
    static let minimumCorrectableLength = 5
    /// Compound parts are at least this long ("amt" in "Ordnungsamt").
    static let minimumPartLength = 3

    /// - Parameter knownOnly: tokens that are known (and compound parts) but that no unknown
    ///   word is corrected to, unless `tokens` has them too: the chatbot's out-of-scope
    ///   examples, so that "gefunden" does not become "erfunden" of "Wer hat das Telefon erfunden?".
    public init(tokens: some Sequence<String>, knownOnly: some Sequence<String> = [String](), analyzer: Analyzer) {
        self.analyzer = analyzer
        var frequencies: [String: Int] = [:]
        for token in tokens { frequencies[token, default: 0] += 1 }
        var notCorrectedTo = Set<String>()
        for token in knownOnly where frequencies[token] == nil { notCorrectedTo.insert(token) }
        for token in notCorrectedTo { frequencies[token] = 1 }
        self.frequencies = frequencies
        stems = Set(frequencies.keys.map(analyzer.stem))
        let words = frequencies.keys.sorted()
            .filter { Self.isCorrectable($0, language: analyzer.language) && !notCorrectedTo.contains($0) }.map { Array($0.utf8) }
        self.words = words
        var deletes: [UInt64] = []
        for (index, word) in words.enumerated() {
            for hash in Self.deleteHashes(of: word, upTo: Self.allowedDistance(length: word.count)) {
                deletes.append(UInt64(hash) << 32 | UInt64(index))
            }
        }
        // The same variant hash from one word (e.g. "aab" minus either "a") is stored once.
        deletes.sortAndRemoveDuplicates()
        self.deletes = deletes
        var soundAlikes: [[UInt8]: Int] = [:]
        if analyzer.language == .german {
            for (index, word) in words.enumerated() {
                let key = Self.soundKey(word)
                // Words are sorted: among equally frequent ones the first stays.
                if let known = soundAlikes[key],
                   frequencies[String(decoding: words[known], as: UTF8.self)] ?? 0 >= frequencies[String(decoding: word, as: UTF8.self)] ?? 0 {
                    continue
                }
                soundAlikes[key] = index
            }
        }
        self.soundAlikes = soundAlikes
        wordsInByteOrder = words.sorted { $0.lexicographicallyPrecedes($1) }
        reversedWords = words.map { Array($0.reversed()) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    public var count: Int { frequencies.count }

    public func contains(token: String) -> Bool { frequencies[token] != nil }

    public func contains(stem: String) -> Bool { stems.contains(stem) }

    static func isCorrectable(_ token: String, language: Analyzer.Language) -> Bool {
        token.utf8.count >= minimumCorrectableLength && !Stopwords.contains(token, language: language)
            && token.unicodeScalars.allSatisfy { $0.properties.isAlphabetic }
    }

    /// 1 for words of four to seven letters, 2 from eight letters on.
    static func allowedDistance(length: Int) -> Int { length >= 8 ? 2 : 1 }

    // MARK: Typo tolerance

    /// The nearest known word to an unknown `token`, or nil when none is close enough or the
    /// token is itself known. Ties go to the more frequent word.
    public func correction(for token: String) -> String? {
        guard frequencies[token] == nil, Self.isCorrectable(token, language: analyzer.language) else { return nil }
        let query = Array(token.utf8)
        let allowed = Self.allowedDistance(length: query.count)
        var best: (distance: Int, frequency: Int, word: Int)?
        var seen = Set<Int>()
        var hashes = Self.deleteHashes(of: query, upTo: allowed)
        hashes.sort()
        var previous: UInt32?
        for hash in hashes {
            if hash == previous { continue }
            previous = hash
            var low = deletes.lowerBound(of: UInt64(hash) << 32)
            while low < deletes.count, deletes[low] >> 32 == UInt64(hash) {
                let candidate = Int(deletes[low] & 0xFFFF_FFFF)
                low += 1
                guard seen.insert(candidate).inserted else { continue }
                let word = words[candidate]
                guard abs(word.count - query.count) <= allowed else { continue }
                let distance = Self.editDistance(query, word, limit: allowed)
                guard distance <= allowed else { continue }
                let frequency = frequencies[String(decoding: word, as: UTF8.self)] ?? 0
                if best == nil || distance < best!.distance || (distance == best!.distance && frequency > best!.frequency) {
                    best = (distance, frequency, candidate)
                }
            }
        }
        if let best { return String(decoding: words[best.word], as: UTF8.self) }
        return soundAlikes[Self.soundKey(query)].map { String(decoding: words[$0], as: UTF8.self) }
    }

    /// A German word as it sounds, for misspellings by ear that are more letters away than
    /// typo tolerance reaches ("Baföck" for "BAföG", "Fahrzeugschein" spelt "Farzeugschain"):
    /// spellings of one sound made one ("ck", "c" and "k"; "dt", "th" and "t"; "ph", "v" and
    /// "f"; "ie", "y" and "i"; "ai" and "ei"; "tz" and "z"; "x", "chs" and "ks"), the
    /// lengthening "h" after a vowel dropped, doubled letters single, and a final "g", "d" or
    /// "b" as it is spoken ("k", "t", "p"). Works on folded tokens (no umlauts, "ß" as "ss").
    static func soundKey(_ word: [UInt8]) -> [UInt8] {
        let a = UInt8(ascii: "a"), c = UInt8(ascii: "c"), d = UInt8(ascii: "d"), e = UInt8(ascii: "e")
        let f = UInt8(ascii: "f"), h = UInt8(ascii: "h"), i = UInt8(ascii: "i"), k = UInt8(ascii: "k")
        let p = UInt8(ascii: "p"), q = UInt8(ascii: "q"), s = UInt8(ascii: "s"), t = UInt8(ascii: "t")
        let u = UInt8(ascii: "u"), v = UInt8(ascii: "v"), w = UInt8(ascii: "w"), x = UInt8(ascii: "x")
        let y = UInt8(ascii: "y"), z = UInt8(ascii: "z"), b = UInt8(ascii: "b"), g = UInt8(ascii: "g")
        func isVowel(_ letter: UInt8) -> Bool { letter == a || letter == e || letter == i || letter == UInt8(ascii: "o") || letter == u }
        var sounds: [UInt8] = []
        sounds.reserveCapacity(word.count + 2)
        var position = 0
        while position < word.count {
            let letter = word[position]
            let next: UInt8? = position + 1 < word.count ? word[position + 1] : nil
            let afterNext: UInt8? = position + 2 < word.count ? word[position + 2] : nil
            position += 1
            switch letter {
            case c where next == k: sounds.append(k); position += 1
            case c where next == h && afterNext == s: sounds += [k, s]; position += 2
            case c where next != h: sounds.append(k)
            case d where next == t, t where next == h: sounds.append(t); position += 1
            case p where next == h: sounds.append(f); position += 1
            case v: sounds.append(f)
            case q where next == u: sounds += [k, w]; position += 1
            case x: sounds += [k, s]
            case t where next == z: sounds.append(z); position += 1
            case i where next == e, y: sounds.append(i); position += letter == i ? 1 : 0
            case a where next == i: sounds += [e, i]; position += 1
            // The lengthening "h": after a vowel, before a consonant or at the end.
            case h where sounds.last.map(isVowel) == true && !(next.map(isVowel) ?? false): break
            default: sounds.append(letter)
            }
        }
        var key: [UInt8] = []
        key.reserveCapacity(sounds.count)
        for sound in sounds where sound != key.last { key.append(sound) }
        if let last = key.last {
            key[key.count - 1] = last == g ? k : last == d ? t : last == b ? p : last
        }
        return key
    }

    /// Hashes of `word` and of every variant with up to `distance` (at most 2) bytes deleted,
    /// computed without building the variants. May contain duplicates.
    static func deleteHashes(of word: [UInt8], upTo distance: Int) -> [UInt32] {
        let count = word.count
        var result: [UInt32] = [hash(word, skipping: -1, -1)]
        guard distance >= 1, count > 1 else { return result }
        result.reserveCapacity(1 + count + (distance >= 2 ? count * (count - 1) / 2 : 0))
        for first in 0..<count {
            // Deleting one of a run of equal letters gives the same variant: hash it once.
            if first > 0 && word[first] == word[first - 1] { continue }
            result.append(hash(word, skipping: first, -1))
        }
        guard distance >= 2, count > 2 else { return result }
        for first in 0..<count {
            for second in (first + 1)..<count {
                result.append(hash(word, skipping: first, second))
            }
        }
        return result
    }

    static func hash(_ bytes: [UInt8], skipping first: Int, _ second: Int) -> UInt32 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for index in bytes.indices where index != first && index != second {
            value ^= UInt64(bytes[index])
            value &*= 0x100_0000_01b3
        }
        return UInt32(truncatingIfNeeded: value ^ (value >> 32))
    }


    /// Optimal string alignment distance (Levenshtein plus adjacent transpositions), or
    /// `limit + 1` as soon as it must exceed `limit`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    // MARK: Compound splitting

    /// Separable verb particles, folded: the pipeline's, and the spoken and adverbial ones
    /// that make no verb of their own there ("draufbauen", "rausbringen").
    static let particles: Set<String> = TextPipeline.separableParticles.union([
        "drauf", "dran", "drin", "drum", "rein", "raus", "rauf", "runter", "ruber", "los", "fest",
        "her", "heim", "hoch", "fort", "weiter", "vorbei", "zusammen", "entgegen",
    ])

    /// Whether `token` (folded) is a particle verb whose verb is `head` (a stem): "beibringen"
    /// and "bring", "rausbringen" and "bring". A word read off the end of such a token is a
    /// verb of another meaning, not what the word is a kind of, as a compound noun's head is
    /// ("Herzprobleme" are "Probleme").
    public static func isParticleVerb(_ token: String, head: String) -> Bool {
        verbLeads.contains { token.hasPrefix($0) && token.dropFirst($0.count).hasPrefix(head) }
    }

    /// The particles, and prepositions and adverbs that lead particle verbs without being
    /// particles the clause moves ("beibringen", "durchführen", "wiederholen").
    private static let verbLeads = particles.union(["bei", "durch", "uber", "unter", "wieder", "hinter", "dar", "hin"])

    /// The stems of the known parts that make up `token`, or nil when it does not split into
    /// at least two known parts. German linking letters ("Ordnung-s-amt") are allowed
    /// between parts; the last part may be inflected ("...termine").
    public func compoundParts(of token: String) -> [String]? {
        let letters = Array(token.unicodeScalars)
        let count = letters.count
        guard count >= 2 * Self.minimumPartLength, letters.allSatisfy({ $0.properties.isAlphabetic }) else { return nil }
        func text(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(letters[range])) }

        // best[end]: fewest parts covering letters[0..<end], and where the last part starts.
        var best = [(parts: Int, start: Int, term: String)?](repeating: nil, count: count + 1)
        best[0] = (0, 0, "")
        for end in Self.minimumPartLength...count {
            for start in stride(from: end - Self.minimumPartLength, through: 0, by: -1) {
                guard let before = best[start], !(start == 0 && end == count) else { continue }
                guard let term = knownPart(text(start..<end), isLast: end == count) else { continue }
                if best[end] == nil || before.parts + 1 < best[end]!.parts {
                    best[end] = (before.parts + 1, start, term)
                }
            }
        }
        guard best[count] != nil else { return nil }
        var parts: [(term: String, text: String)] = []
        var end = count
        while end > 0, let step = best[end] {
            parts.append((step.term, text(step.start..<end)))
            end = step.start
        }
        // A known part may itself be a compound ("müllabfuhr" in "Müllabfuhrtermine"): its
        // parts count too, so that "Abfuhr" meets it.
        var result: [String] = []
        for part in parts.reversed() {
            result.append(part.term)
            if part.text.count >= 2 * Self.minimumPartLength, let inner = compoundParts(of: part.text) {
                result += inner.filter { !result.contains($0) }
            }
        }
        return result
    }

    /// The known head of a compound whose other parts are unknown: a German compound's last
    /// part carries its meaning ("Biotonne" is a "Tonne"). At least four letters and half the
    /// word, or five letters after a modifier the corpus attests ("Gesundheits" of
    /// "Gesundheitsbelehrung", which begins "Gesundheitsamt"); nil when there is none.
    /// `modifierKnown` says whether the rest (the modifier) begins or ends a known word: "bio"
    /// of "Biotonne" begins "Biotonne", "abfuhr" of "Abfuhrkalender" ends "Müllabfuhr". One
    /// the corpus has nothing of may make another thing of the head: "Musikschule" is no
    /// school the catalog knows of.
    public func compoundHead(of token: String) -> CompoundHead? {
        let letters = Array(token.unicodeScalars)
        let count = letters.count
        guard count >= Self.minimumPartLength + 4, letters.allSatisfy({ $0.properties.isAlphabetic }) else { return nil }
        for start in Self.minimumPartLength...(count - 4) {
            let long = count - start >= (count + 1) / 2
            guard long || count - start >= 5 else { break }
            let modifier = Array(String(String.UnicodeScalarView(letters[0..<start])).utf8)
            // An inseparable verb prefix makes another verb, not a compound: "verdienen" is
            // no kind of "dienen".
            if Self.inseparablePrefixes.contains(modifier) { continue }
            // A short head only after an attested modifier: checked first, as it is cheaper
            // than reading the head.
            let attested = long ? nil : isAttested(modifier: modifier)
            if attested == false { continue }
            if let head = knownPart(String(String.UnicodeScalarView(letters[start..<count])), isLast: true, derived: false) {
                return CompoundHead(stem: head, modifierKnown: attested ?? isAttested(modifier: modifier))
            }
        }
        return nil
    }

    /// German verb prefixes that never stand alone (the two-letter "be" and "ge" are shorter
    /// than any modifier), as UTF-8.
    static let inseparablePrefixes: Set<[UInt8]> = Set(["ver", "ent", "emp", "zer", "miss", "mis"].map { Array($0.utf8) })

    public struct CompoundHead: Sendable, Equatable {
        public var stem: String
        public var modifierKnown: Bool

        public init(stem: String, modifierKnown: Bool) {
            self.stem = stem
            self.modifierKnown = modifierKnown
        }
    }

    /// Whether a known word begins or ends with `modifier`, or, without a linking "s", "e" or
    /// "n", with what is left ("Hunde-", "Ordnungs-"); or whether it is a verb's particle
    /// ("draufbauen" is "bauen").
    private func isAttested(modifier: [UInt8]) -> Bool {
        let text = String(decoding: modifier, as: UTF8.self)
        if Self.particles.contains(text) || Stopwords.contains(text, language: analyzer.language) { return true }
        func begins(_ sorted: [[UInt8]], _ prefix: [UInt8]) -> Bool {
            var low = 0, high = sorted.count
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle].lexicographicallyPrecedes(prefix) { low = middle + 1 } else { high = middle }
            }
            return low < sorted.count && sorted[low].starts(with: prefix)
        }
        var candidates = [modifier]
        if modifier.count > Self.minimumPartLength, let last = modifier.last,
           last == UInt8(ascii: "s") || last == UInt8(ascii: "e") || last == UInt8(ascii: "n") {
            candidates.append(Array(modifier.dropLast()))
        }
        return candidates.contains { begins(wordsInByteOrder, $0) || begins(reversedWords, $0.reversed()) }
    }

    /// The stem a compound part stands for, if the vocabulary knows it. A part may carry a
    /// linking "s"; the last part may be any inflection of a known word.
    ///
    /// `derived: false` leaves out derived forms: a head read off an unknown word need not
    /// start where a part does, and "scheinigung" of "Schulbescheinigung" is no form of
    /// "Schein" (it was answered with the fishing licence).
    private func knownPart(_ part: String, isLast: Bool, derived: Bool = true) -> String? {
        if Stopwords.contains(part, language: analyzer.language) { return nil }
        if frequencies[part] != nil { return analyzer.stem(part) }
        // A part of three letters only as a word the corpus uses ("Amt", "Bus"), not as a
        // stem of a longer one: "Unterstand" is no "unt" (of "unten"), "erst" and "and" (of "andere").
        guard part.unicodeScalars.count > Self.minimumPartLength else { return nil }
        if stems.contains(part) { return analyzer.stem(part) }
        if !isLast, part.count > Self.minimumPartLength, part.hasSuffix("s") {
            let stripped = String(part.dropLast())
            if frequencies[stripped] != nil || stems.contains(stripped) { return analyzer.stem(stripped) }
        }
        // A modifier with its linking "n" or "e" ("Renten" of "Rentenantrag", "Hunde" of
        // "Hundeschule"), known by its stem; long enough not to be any word's stem by chance.
        if !isLast, part.count >= 5, part.hasSuffix("n") || part.hasSuffix("e") {
            let stem = analyzer.stem(part)
            if stem.count >= 4, stems.contains(stem), !Stopwords.contains(stem, language: analyzer.language) { return stem }
        }
        if isLast {
            let stem = analyzer.stem(part)
            // Not a function word's stem either: "seits" of "allerseits" is no "seit".
            if Stopwords.contains(stem, language: analyzer.language) { return nil }
            if stems.contains(stem) { return stem }
            guard derived else { return nil }
            // "-schaft" makes nouns of nouns: "Nachbarschaft" has no "Schaf" in it.
            if part.hasSuffix("schaft") || part.hasSuffix("schaften") { return nil }
            // A derived form of a known stem: "reservierung" after "reservieren" (stem "reservi").
            let letters = Array(part)
            for length in stride(from: letters.count - 1, through: max(5, letters.count - 5), by: -1) {
                let prefix = String(letters[0..<length])
                if stems.contains(prefix) { return prefix }
            }
        }
        return nil
    }
}

/// FNV-1a over a token's UTF-8 bytes: stable across processes (Swift's `Hasher` is seeded), for
/// sets of tokens kept as hashes (`Lexicon`) and filters in front of a dictionary (`SynonymTable`).
func stableHash(_ token: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in token.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
    return hash
}

extension [UInt64] {
    /// Sorted, each value once, in place: a set of hashes as compact as it gets, searched with
    /// `lowerBound(of:)`.
    mutating func sortAndRemoveDuplicates() {
        sort()
        var kept = 0
        for index in indices where kept == 0 || self[index] != self[kept - 1] {
            self[kept] = self[index]
            kept += 1
        }
        removeSubrange(kept...)
    }

    /// In a sorted array, the index of the first element not below `value` (`count` if none).
    func lowerBound(of value: UInt64) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
