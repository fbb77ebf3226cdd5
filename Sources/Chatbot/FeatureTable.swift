/// Feature keys (64-bit hashes) to model feature ids: an open-addressing table with linear
/// probing, built once per model. A question looks up some hundred keys per model; through
/// `Dictionary` each lookup ran SipHash, a tenth of a distinct question's time. The keys are
/// already hashes, so one multiplication spreads them.
struct FeatureTable: Sendable {
    private var keys: [UInt64]
    private var ids: [Int32]
    private let shift: UInt64
    private let mask: Int
    /// Key 0 marks an empty slot; a real key 0 (possible, if unlikely) is kept aside.
    private var zeroID: Int32?
    private(set) var count = 0

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        ids = [Int32](repeating: -1, count: size)
        mask = size - 1
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    subscript(key: UInt64) -> Int32? {
        if key == 0 { return zeroID }
        var position = slot(key)
        while true {
            let stored = keys[position]
            if stored == key { return ids[position] }
            if stored == 0 { return nil }
            position = (position + 1) & mask
        }
    }

    /// Adds `key` with `id`; the table must have been made with room for every key.
    mutating func insert(_ key: UInt64, _ id: Int32) {
        if key == 0 {
            if zeroID == nil { count += 1 }
            zeroID = id
            return
        }
        precondition(count < keys.count / 2, "FeatureTable made too small")
        var position = slot(key)
        while keys[position] != 0 && keys[position] != key { position = (position + 1) & mask }
        if keys[position] == 0 { count += 1 }
        keys[position] = key
        ids[position] = id
    }
}
