import TextAnalysis

/// Turns analysed text into hashed sparse features: stems, stem bigrams and character
/// 3–5-grams of content stems (which carry partial evidence across inflections and the
/// typos that correction leaves). Feature values are weighted by kind here and by inverse
/// document frequency in the model.
enum Features {
    struct Hashed {
        var keys: [UInt64] = []
        var weights: [Float] = []

        mutating func add(_ key: UInt64, _ weight: Float) {
            keys.append(key)
            weights.append(weight)
        }
    }

    /// Character n-gram sizes (measured: 3–5 beat 4 alone or 3+5 slightly on held-out questions).
    static let gramSizes = 3...5

    static func extract(_ text: AnalyzedText) -> Hashed {
        var features = Hashed()
        features.keys.reserveCapacity(text.terms.count * 16)
        features.weights.reserveCapacity(text.terms.count * 16)
        var previous: String?
        var bytes: [UInt8] = []  // "<stem>", reused for every term
        bytes.reserveCapacity(32)
        for term in text.terms {
            let own = termFeatures(term, buffer: &bytes)
            features.add(own.keys[0], own.weights[0])
            if let key = bigramKey(after: &previous, term) { features.add(key, bigramWeight) }
            features.keys += own.keys.dropFirst()
            features.weights += own.weights.dropFirst()
        }
        return features
    }

    /// The weight of a stem bigram.
    static let bigramWeight: Float = 0.5

    /// The bigram of the previous stem and `term`'s, nil for the first; updates `previous`.
    /// A compound's parts are no words of their own: they neither make nor end a bigram.
    static func bigramKey(after previous: inout String?, _ term: AnalyzedTerm) -> UInt64? {
        guard term.kind != .compoundPart else { return nil }
        defer { previous = term.stem }
        return previous.map { hash(tag: 2, $0, term.stem) }
    }

    /// A term's own features, which depend only on its stem and kind: the stem (always
    /// first), then the character n-grams of a content word's stem. `buffer` is scratch space.
    static func termFeatures(_ term: AnalyzedTerm, buffer bytes: inout [UInt8]) -> Hashed {
        var features = Hashed()
        let weight = weight(of: term.kind)
        features.add(hash(tag: 1, term.stem), weight)
        guard term.kind != .stopword, term.kind != .other else { return features }
        bytes.removeAll(keepingCapacity: true)
        bytes.append(UInt8(ascii: "<"))
        bytes.append(contentsOf: term.stem.utf8)
        bytes.append(UInt8(ascii: ">"))
        features.keys.reserveCapacity(1 + 3 * bytes.count)
        features.weights.reserveCapacity(1 + 3 * bytes.count)
        for size in gramSizes where bytes.count >= size {
            for start in 0...(bytes.count - size) {
                features.add(hash(tag: UInt8(size), bytes, start..<start + size), 0.25 * weight)
            }
        }
        return features
    }

    static func weight(of kind: AnalyzedTerm.Kind) -> Float {
        switch kind {
        case .known, .compoundPart, .derived, .unknown: 1
        case .corrected: 0.8
        case .compoundHead, .unfamiliarHead: 0.7
        case .stopword: 0.4
        case .other: 0.5
        }
    }

    /// The key of a stem's unigram feature.
    static func unigramKey(_ stem: String) -> UInt64 { hash(tag: 1, stem) }

    private static func hash(tag: UInt8, _ text: String) -> UInt64 {
        var value = mix(0xcbf2_9ce4_8422_2325, tag)
        for byte in text.utf8 { value = mix(value, byte) }
        return value
    }

    private static func hash(tag: UInt8, _ first: String, _ second: String) -> UInt64 {
        var value = mix(0xcbf2_9ce4_8422_2325, tag)
        for byte in first.utf8 { value = mix(value, byte) }
        value = mix(value, 0)
        for byte in second.utf8 { value = mix(value, byte) }
        return value
    }

    private static func hash(tag: UInt8, _ bytes: [UInt8], _ range: Range<Int>) -> UInt64 {
        var value = mix(0xcbf2_9ce4_8422_2325, tag)
        for index in range { value = mix(value, bytes[index]) }
        return value
    }

    @inline(__always)
    private static func mix(_ value: UInt64, _ byte: UInt8) -> UInt64 {
        (value ^ UInt64(byte)) &* 0x100_0000_01b3
    }
}

/// A feature vector over a model's feature ids, L2-normalised.
struct SparseVector: Sendable {
    var indices: [Int32] = []
    var values: [Float] = []
}
