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
            let weight: Float
            switch term.kind {
            case .known, .compoundPart, .unknown: weight = 1
            case .corrected: weight = 0.8
            case .compoundHead: weight = 0.7
            case .stopword: weight = 0.4
            case .other: weight = 0.5
            }
            features.add(hash(tag: 1, term.stem), weight)
            if term.kind != .compoundPart {
                if let previous { features.add(hash(tag: 2, previous, term.stem), 0.5) }
                previous = term.stem
            }
            guard term.kind != .stopword, term.kind != .other else { continue }
            bytes.removeAll(keepingCapacity: true)
            bytes.append(UInt8(ascii: "<"))
            bytes.append(contentsOf: term.stem.utf8)
            bytes.append(UInt8(ascii: ">"))
            for size in gramSizes where bytes.count >= size {
                for start in 0...(bytes.count - size) {
                    features.add(hash(tag: UInt8(size), bytes, start..<start + size), 0.25 * weight)
                }
            }
        }
        return features
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
