import Foundation

/// A multi-class linear classifier over sparse features, trained at load time with the
/// averaged passive-aggressive algorithm (a large-margin method close to a linear SVM).
///
/// Weights exist only where a feature occurs in a class's own examples. That keeps the model
/// small and scoring fast (a question touches only the classes that share a feature with
/// it), and loses little: a class can still lose weight on a shared feature when it is
/// confused with another.
struct LinearModel: Sendable {
    let classCount: Int
    /// Hashed feature -> feature id.
    let featureIDs: FeatureTable
    /// Feature id -> hashed feature.
    let featureKeys: [UInt64]
    let inverseDocumentFrequency: [Float]
    /// CSR postings: for feature f, classes[offsets[f]..<offsets[f+1]] with their weights.
    let offsets: [Int32]
    let classes: [Int32]
    let weights: [Float]
    /// The median score training examples give their own class: the scale of this model's
    /// scores, so that temperatures and strengths do not depend on how training went.
    let referenceScore: Float

    struct Example {
        var features: Features.Hashed
        var label: Int
    }

    /// Trains on `examples` (labels 0..<classCount). Deterministic for the same input.
    /// Five epochs: measured on 500 synthetic intents, more add build time (about 90 ms
    /// each there) without accuracy; fewer lose a few points on the shipped set.
    ///
    /// `denseRows: false` scores every feature through its postings (see `train`): the same
    /// weights, slower; for tests.
    init(examples: [Example], classCount: Int, epochs: Int = 5, aggressiveness: Float = 0.5, denseRows: Bool = true) {
        self.classCount = classCount
        // Feature ids and document frequencies.
        var ids: [UInt64: Int32] = [:]
        var documentFrequency: [Int32] = []
        var encoded: [(ids: [Int32], values: [Float], label: Int)] = []
        encoded.reserveCapacity(examples.count)
        for example in examples {
            var merged: [Int32: Float] = [:]
            for (key, weight) in zip(example.features.keys, example.features.weights) {
                let id: Int32
                if let known = ids[key] {
                    id = known
                } else {
                    id = Int32(ids.count)
                    ids[key] = id
                    documentFrequency.append(0)
                }
                merged[id, default: 0] += weight
            }
            for id in merged.keys { documentFrequency[Int(id)] += 1 }
            let sorted = merged.sorted { $0.key < $1.key }
            encoded.append((sorted.map(\.key), sorted.map(\.value), example.label))
        }
        let documents = Float(max(examples.count, 1))
        let idf = documentFrequency.map { logf((documents + 1) / (Float($0) + 1)) + 1 }
        var table = FeatureTable(capacity: ids.count)
        var keys = [UInt64](repeating: 0, count: ids.count)
        for (key, id) in ids {
            table.insert(key, id)
            keys[Int(id)] = key
        }
        featureIDs = table
        featureKeys = keys
        inverseDocumentFrequency = idf
        for index in encoded.indices {
            var values = encoded[index].values
            for position in values.indices { values[position] *= idf[Int(encoded[index].ids[position])] }
            Self.normalize(&values)
            encoded[index].values = values
        }

        // Support: which classes each feature has weights for.
        var support = [[Int32]](repeating: [], count: ids.count)
        var seen = Set<Int64>()
        for example in encoded {
            for id in example.ids where seen.insert(Int64(id) << 32 | Int64(example.label)).inserted {
                support[Int(id)].append(Int32(example.label))
            }
        }
        var offsets = [Int32](repeating: 0, count: ids.count + 1)
        var classes: [Int32] = []
        for feature in support.indices {
            let sortedClasses = support[feature].sorted()
            classes += sortedClasses
            offsets[feature + 1] = Int32(classes.count)
        }
        self.offsets = offsets
        self.classes = classes

        // Averaged passive-aggressive training (PA-I), each epoch in an order the examples'
        // features decide (`orderKey`).
        let orderKeys = examples.map(Self.orderKey)
        let trained = Self.train(encoded, orderKeys: orderKeys, classCount: classCount, offsets: offsets,
                                 classes: classes, epochs: epochs, aggressiveness: aggressiveness, denseRows: denseRows)
        weights = trained
        var own: [Float] = []
        var scores = [Float](repeating: 0, count: classCount)
        // About 2,000 examples, chosen by their features, not their position.
        let sampling = UInt64(max(1, encoded.count / 2000))
        for index in encoded.indices where SplitMix64.mix(orderKeys[index]) % sampling == 0 {
            Self.score(ids: encoded[index].ids, values: encoded[index].values, offsets: offsets, classes: classes, weights: trained, into: &scores)
            own.append(scores[encoded[index].label])
        }
        own.sort()
        referenceScore = own.isEmpty ? 1 : max(0.05, own[own.count / 2])
    }

    /// Where an example goes in the training order: a hash of its features, so that the order
    /// does not depend on where the example or its intent stands in the files. A shuffle of
    /// the positions reordered every example whenever one was added or moved, and moved
    /// answers to questions about other intents.
    private static func orderKey(_ example: Example) -> UInt64 {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for key in example.features.keys { value = (value ^ key) &* 0x100_0000_01b3 }
        return value
    }

    /// The training loop: it runs epochs × examples × postings times, on buffers (no bounds
    /// or uniqueness checks in the loops: those were a third of a 500-intent reload).
    ///
    /// Features that many classes share ("ich", common letter n-grams: nine tenths of the
    /// postings visited at 500 intents) are scored from dense rows, a copy of their weights
    /// for every class (0 where a class has none), with one vectorised pass per feature
    /// instead of a scattered one per posting. Which classes an example touches is kept as
    /// bits, and a tie for the strongest rival is broken in the order the postings first
    /// touch the classes, as the scattered loop did: the weights come out bit for bit the same.
    private static func train(_ encoded: [(ids: [Int32], values: [Float], label: Int)], orderKeys: [UInt64], classCount: Int,
                              offsets: [Int32], classes: [Int32], epochs: Int, aggressiveness: Float, denseRows: Bool) -> [Float] {
        var current = [Float](repeating: 0, count: classes.count)
        var accumulated = [Float](repeating: 0, count: classes.count)
        var scores = [Float](repeating: 0, count: classCount)
        let words = (classCount + 63) / 64
        var touched = [UInt64](repeating: 0, count: words)
        // Dense rows: a feature whose postings cover an eighth of the classes or more.
        let featureCount = offsets.count - 1
        var denseRow = [Int32](repeating: -1, count: max(0, featureCount))
        var rows = 0
        for feature in 0..<max(0, featureCount) {
            let length = Int(offsets[feature + 1] - offsets[feature])
            if denseRows && length >= 16 && length * 8 >= classCount {
                denseRow[feature] = Int32(rows)
                rows += 1
            }
        }
        var dense = [Float](repeating: 0, count: rows * classCount)  // mirrors `current`
        var denseSupport = [UInt64](repeating: 0, count: rows * words)
        for feature in 0..<max(0, featureCount) where denseRow[feature] >= 0 {
            let row = Int(denseRow[feature])
            for slot in Int(offsets[feature])..<Int(offsets[feature + 1]) {
                let owner = Int(classes[slot])
                denseSupport[row * words + owner >> 6] |= 1 << UInt64(owner & 63)
            }
        }
        // Per example at most one label slot and one rival slot per feature (and, for a
        // dense feature, where its weight is mirrored; -1 otherwise).
        let longest = encoded.lazy.map(\.ids.count).max() ?? 0
        var labelSlots = [(slot: Int, value: Float, mirror: Int)](repeating: (0, 0, -1), count: longest)
        var rivalSlots = [(slot: Int, value: Float, mirror: Int)](repeating: (0, 0, -1), count: longest)
        var step: Float = 1
        offsets.withUnsafeBufferPointer { offsets in
        classes.withUnsafeBufferPointer { classes in
        current.withUnsafeMutableBufferPointer { current in
        accumulated.withUnsafeMutableBufferPointer { accumulated in
        scores.withUnsafeMutableBufferPointer { scores in
        touched.withUnsafeMutableBufferPointer { touched in
        denseRow.withUnsafeBufferPointer { denseRow in
        dense.withUnsafeMutableBufferPointer { dense in
        denseSupport.withUnsafeBufferPointer { denseSupport in
        labelSlots.withUnsafeMutableBufferPointer { labelSlots in
        rivalSlots.withUnsafeMutableBufferPointer { rivalSlots in
            for epoch in 0..<epochs {
                // Each epoch in another order, each a function of the examples alone (equal
                // examples keep their file order).
                let salt = SplitMix64.mix(UInt64(epoch) &+ 0x4b72_6569_7368_6175)
                let keys = orderKeys.map { SplitMix64.mix($0 ^ salt) }
                let order = encoded.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
                var updates = 0
                for index in order {
                    let example = encoded[index]
                    let label = example.label
                    example.ids.withUnsafeBufferPointer { ids in
                    example.values.withUnsafeBufferPointer { values in
                        // Scores of the classes sharing a feature with the example.
                        var anyDense = false
                        for position in 0..<ids.count {
                            let id = Int(ids[position])
                            let value = values[position]
                            let row = Int(denseRow[id])
                            if row >= 0 {
                                anyDense = true
                                // Through raw pointers, so that the loop has no overflow
                                // checks and vectorises.
                                let weights = UnsafePointer(dense.baseAddress!) + row &* classCount
                                let sums = scores.baseAddress!
                                for owner in 0..<classCount { sums[owner] += weights[owner] * value }
                                let support = denseSupport.baseAddress! + row &* words
                                for word in 0..<words { touched[word] |= support[word] }
                            } else {
                                for slot in Int(offsets[id])..<Int(offsets[id + 1]) {
                                    let owner = Int(classes[slot])
                                    touched[owner >> 6] |= 1 << UInt64(owner & 63)
                                    scores[owner] += current[slot] * value
                                }
                            }
                        }
                        var rival = -1
                        var rivalScore = -Float.infinity
                        var touchedRivals = 0
                        var tied = 0
                        for word in 0..<words {
                            var bits = touched[word]
                            while bits != 0 {
                                let candidate = word << 6 | bits.trailingZeroBitCount
                                bits &= bits &- 1
                                guard candidate != label else { continue }
                                touchedRivals += 1
                                if scores[candidate] > rivalScore {
                                    rival = candidate
                                    rivalScore = scores[candidate]
                                    tied = 1
                                } else if scores[candidate] == rivalScore {
                                    tied += 1
                                }
                            }
                        }
                        // Of equally strong rivals, the one the postings touch first.
                        if tied > 1 {
                            rival = -1
                            search: for position in 0..<ids.count {
                                let id = Int(ids[position])
                                let row = Int(denseRow[id])
                                if row >= 0 {
                                    for word in 0..<words {
                                        var bits = denseSupport[row * words + word]
                                        while bits != 0 {
                                            let candidate = word << 6 | bits.trailingZeroBitCount
                                            bits &= bits &- 1
                                            if candidate != label && scores[candidate] == rivalScore {
                                                rival = candidate
                                                break search
                                            }
                                        }
                                    }
                                } else {
                                    for slot in Int(offsets[id])..<Int(offsets[id + 1]) {
                                        let candidate = Int(classes[slot])
                                        if candidate != label && scores[candidate] == rivalScore {
                                            rival = candidate
                                            break search
                                        }
                                    }
                                }
                            }
                        }
                        // Classes sharing no feature with the example score 0: when one of
                        // them is the strongest rival, only the label's weights can move.
                        if touchedRivals < classCount - 1 && rivalScore < 0 {
                            rival = -1
                            rivalScore = 0
                        }
                        let loss = classCount < 2 ? 0 : max(0, 1 - (scores[label] - rivalScore))
                        if anyDense {
                            for owner in 0..<classCount { scores[owner] = 0 }
                        } else {
                            for word in 0..<words {
                                var bits = touched[word]
                                while bits != 0 {
                                    scores[word << 6 | bits.trailingZeroBitCount] = 0
                                    bits &= bits &- 1
                                }
                            }
                        }
                        for word in 0..<words { touched[word] = 0 }
                        guard loss > 0 else { return }
                        var labelCount = 0, rivalCount = 0
                        var norm: Float = 0
                        for position in 0..<ids.count {
                            let id = Int(ids[position])
                            let value = values[position]
                            let range = Int(offsets[id])..<Int(offsets[id + 1])
                            let row = Int(denseRow[id])
                            // Postings are sorted by class: binary search, not a scan.
                            if let slot = find(Int32(label), in: classes, range) {
                                labelSlots[labelCount] = (slot, value, row >= 0 ? row * classCount + label : -1)
                                labelCount += 1
                                norm += value * value
                            }
                            if let slot = find(Int32(rival), in: classes, range) {
                                rivalSlots[rivalCount] = (slot, value, row >= 0 ? row * classCount + rival : -1)
                                rivalCount += 1
                                norm += value * value
                            }
                        }
                        guard norm > 0 else { return }
                        updates += 1
                        let tau = min(aggressiveness, loss / norm)
                        for position in 0..<labelCount {
                            let (slot, value, mirror) = labelSlots[position]
                            current[slot] += tau * value
                            accumulated[slot] += step * tau * value
                            if mirror >= 0 { dense[mirror] = current[slot] }
                        }
                        for position in 0..<rivalCount {
                            let (slot, value, mirror) = rivalSlots[position]
                            current[slot] -= tau * value
                            accumulated[slot] -= step * tau * value
                            if mirror >= 0 { dense[mirror] = current[slot] }
                        }
                    }
                    }
                    step += 1
                }
                if updates == 0 { break }
            }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        }
        return zip(current, accumulated).map { $0 - $1 / step }
    }

    /// The position of `owner` in a feature's postings (`range` of `classes`, sorted), if any.
    @inline(__always)
    private static func find<Classes: RandomAccessCollection>(_ owner: Int32, in classes: Classes, _ range: Range<Int>) -> Int?
        where Classes.Element == Int32, Classes.Index == Int {
        let position = lowerBound(Int(owner), in: classes, range)
        return position < range.upperBound && classes[position] == owner ? position : nil
    }

    /// The first position in `range` of `classes` (sorted) whose class is `owner` or later;
    /// the range's end when there is none.
    @inline(__always)
    private static func lowerBound<Classes: RandomAccessCollection>(_ owner: Int, in classes: Classes, _ range: Range<Int>) -> Int
        where Classes.Element == Int32, Classes.Index == Int {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let middle = (low + high) >> 1
            if Int(classes[middle]) < owner { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A question's features merged per feature id of a model (weights summed, before
    /// inverse document frequency), and how much the features it does not know weigh: they
    /// still count towards the norm (`vector(_:)`), so that a question full of words no
    /// example uses scores low everywhere.
    struct MergedFeatures {
        var ids: [Int32] = []
        var values: [Float] = []
        var unknownSquare: Float = 0
    }

    /// One hashed feature with its id in this model (-1: unknown to it).
    struct Feature: Sendable {
        var key: UInt64
        var id: Int32
        var value: Float
    }

    /// A term's own features (`Features.termFeatures`) with their ids, repeated ones summed,
    /// in the order they first occur (the stem first): what a question's terms are merged
    /// from, kept per term so that a question does not hash and look up each n-gram again.
    func termFeatures(_ features: Features.Hashed) -> [Feature] {
        var result: [Feature] = []
        result.reserveCapacity(features.keys.count)
        for (key, weight) in zip(features.keys, features.weights) {
            // A stem has a few dozen n-grams: a linear search, once per term and model.
            if let position = result.firstIndex(where: { $0.key == key }) {
                result[position].value += weight
            } else {
                result.append(Feature(key: key, id: featureIDs[key] ?? -1, value: weight))
            }
        }
        return result
    }

    /// Unknown features are weighted like the rarest known ones.
    var rareIDF: Float { logf(Float(max(inverseDocumentFrequency.count, 1)) + 1) + 1 }

    /// Sums repeated features (an n-gram two words share) through small open-addressing
    /// tables of positions, in the order they first occur: sorting the features to merge them
    /// was a third of this.
    struct Merger {
        private var merged = MergedFeatures()
        private var unknownKeys: [UInt64] = []
        private var unknownValues: [Float] = []
        private var knownSlots: [Int32]
        private var unknownSlots: [Int32]
        private let mask: Int

        /// `capacity`: how many features will be added (at most).
        init(capacity: Int) {
            var size = 16
            while size < capacity * 2 { size <<= 1 }
            mask = size - 1
            knownSlots = [Int32](repeating: -1, count: size)
            unknownSlots = []  // made at the first unknown feature: many questions have none
            merged.ids.reserveCapacity(capacity)
            merged.values.reserveCapacity(capacity)
        }

        @inline(__always)
        mutating func add(_ feature: Feature) {
            if feature.id >= 0 {
                var slot = Int(truncatingIfNeeded: (UInt64(UInt32(bitPattern: feature.id)) &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
                while true {
                    let position = Int(knownSlots[slot])
                    if position < 0 {
                        knownSlots[slot] = Int32(merged.ids.count)
                        merged.ids.append(feature.id)
                        merged.values.append(feature.value)
                        return
                    }
                    if merged.ids[position] == feature.id {
                        merged.values[position] += feature.value
                        return
                    }
                    slot = (slot + 1) & mask
                }
            }
            if unknownSlots.isEmpty {
                unknownSlots = [Int32](repeating: -1, count: mask + 1)
                unknownKeys.reserveCapacity(merged.ids.capacity)
                unknownValues.reserveCapacity(merged.ids.capacity)
            }
            var slot = Int(truncatingIfNeeded: (feature.key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
            while true {
                let position = Int(unknownSlots[slot])
                if position < 0 {
                    unknownSlots[slot] = Int32(unknownKeys.count)
                    unknownKeys.append(feature.key)
                    unknownValues.append(feature.value)
                    return
                }
                if unknownKeys[position] == feature.key {
                    unknownValues[position] += feature.value
                    return
                }
                slot = (slot + 1) & mask
            }
        }

        func result(rareIDF: Float) -> MergedFeatures {
            var result = merged
            for value in unknownValues { result.unknownSquare += (value * rareIDF) * (value * rareIDF) }
            return result
        }
    }

    /// For a model trained on a subset of `parent`'s examples (so on a subset of its
    /// features): the parent's feature id -> this model's (-1 where it has none).
    func featureMap(from parent: LinearModel) -> [Int32] {
        var map = [Int32](repeating: -1, count: parent.featureKeys.count)
        for (id, key) in featureKeys.enumerated() {
            if let parentID = parent.featureIDs[key] { map[Int(parentID)] = Int32(id) }
        }
        return map
    }

    /// The parent model's merged features read as this model's, through `featureMap(from:)`:
    /// only the features this model knows (no second lookup of every hashed feature).
    func merged(fromParent parent: MergedFeatures, map: [Int32]) -> MergedFeatures {
        var merged = MergedFeatures()
        merged.ids.reserveCapacity(parent.ids.count)
        merged.values.reserveCapacity(parent.ids.count)
        for (id, value) in zip(parent.ids, parent.values) where map[Int(id)] >= 0 {
            merged.ids.append(map[Int(id)])
            merged.values.append(value)
        }
        return merged
    }

    /// The sparse, normalised vector of merged features, weighted by inverse document
    /// frequency.
    func vector(_ merged: MergedFeatures) -> SparseVector {
        var vector = SparseVector()
        vector.indices = merged.ids
        vector.values = merged.values
        var square = merged.unknownSquare
        for position in vector.values.indices {
            let weighted = vector.values[position] * inverseDocumentFrequency[Int(vector.indices[position])]
            vector.values[position] = weighted
            square += weighted * weighted
        }
        if square > 0 {
            let scale = 1 / square.squareRoot()
            for index in vector.values.indices { vector.values[index] *= scale }
        }
        return vector
    }

    /// A feature's id, nil when the model does not know the feature.
    func featureID(of key: UInt64) -> Int32? { featureIDs[key] }

    /// The weight of a feature for one class (0 when the class has no weight for it).
    func weight(ofFeature id: Int32, forClass owner: Int) -> Float {
        Self.find(Int32(owner), in: classes, postings(id)).map { weights[$0] } ?? 0
    }

    /// Whether one of `owners` has a positive weight for a feature (one search for the first
    /// of them, then a scan).
    func hasPositiveWeight(ofFeature id: Int32, forAnyOf owners: Range<Int>) -> Bool {
        let range = postings(id)
        var position = Self.lowerBound(owners.lowerBound, in: classes, range)
        while position < range.upperBound && Int(classes[position]) < owners.upperBound {
            if weights[position] > 0 { return true }
            position += 1
        }
        return false
    }

    /// How many of the classes below `limit` have weights for a feature (the classes whose
    /// examples contain it).
    func classFrequency(ofFeature id: Int32, below limit: Int) -> Int {
        let range = postings(id)
        return Self.lowerBound(limit, in: classes, range) - range.lowerBound
    }

    private func postings(_ id: Int32) -> Range<Int> {
        Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])
    }

    /// Scores of every class for `vector` (0 for classes sharing no feature with it).
    func scores(_ vector: SparseVector, into scores: inout [Float]) {
        precondition(scores.count == classCount, "one score per class")  // the loop writes unchecked
        Self.score(ids: vector.indices, values: vector.values, offsets: offsets, classes: classes, weights: weights, into: &scores)
    }

    /// On buffers, as training is: every question runs this loop over its features' postings.
    private static func score(ids: [Int32], values: [Float], offsets: [Int32], classes: [Int32], weights: [Float], into scores: inout [Float]) {
        scores.withUnsafeMutableBufferPointer { scores in
            scores.update(repeating: 0)
            ids.withUnsafeBufferPointer { ids in
            values.withUnsafeBufferPointer { values in
            offsets.withUnsafeBufferPointer { offsets in
            classes.withUnsafeBufferPointer { classes in
            weights.withUnsafeBufferPointer { weights in
                for position in 0..<min(ids.count, values.count) {
                    let id = Int(ids[position])
                    let value = values[position]
                    for slot in Int(offsets[id])..<Int(offsets[id + 1]) {
                        scores[Int(classes[slot])] += weights[slot] * value
                    }
                }
            }
            }
            }
            }
            }
        }
    }

    private static func normalize(_ values: inout [Float]) {
        let square = values.reduce(0) { $0 + $1 * $1 }
        guard square > 0 else { return }
        let scale = 1 / square.squareRoot()
        for index in values.indices { values[index] *= scale }
    }
}

/// SplitMix64's finaliser: the training order's and the reference sample's scrambling.
enum SplitMix64 {
    /// A bijection that scatters nearby values.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
