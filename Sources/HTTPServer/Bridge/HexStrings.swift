/// Hexadecimal identifiers written straight into a string's own storage (a bridge file: it
/// writes through the buffer `String(unsafeUninitializedCapacity:)` hands out). Appending
/// digit by digit to an array and decoding it was 1,400 instructions per 128-bit id, and a
/// chat reply makes two; every request makes a request id.
extension Hex {
    /// The 16 digits of `value`, most significant first.
    public static func string(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            write(value, into: buffer, at: 0)
            return 16
        }
    }

    /// The 32 digits of a 128-bit value, most significant first.
    public static func string(high: UInt64, low: UInt64) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            write(high, into: buffer, at: 0)
            write(low, into: buffer, at: 16)
            return 32
        }
    }

    @inline(__always)
    private static func write(_ value: UInt64, into buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        var rest = value
        for index in stride(from: start + 15, through: start, by: -1) {
            // Worked out rather than looked up in `digits` (a global's access and an index check per digit).
            let nibble = UInt8(truncatingIfNeeded: rest) & 0xF
            buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble
            rest >>= 4
        }
    }
}
