/// Lower-case hexadecimal digits, for identifiers and JSON escapes.
///
/// ```swift
/// var bytes: [UInt8] = []
/// Hex.append(0xBEEF, to: &bytes)   // "000000000000beef"
/// ```
public enum Hex {
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the 16 digits of `value`, most significant first.
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        // Worked out rather than looked up in `digits` (a global's access and an index check
        // per digit: 1.5k instructions per 128-bit id).
        for shift in stride(from: 60, through: 0, by: -4) {
            let nibble = UInt8(truncatingIfNeeded: value >> UInt64(shift)) & 0xF
            bytes.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble)
        }
    }
}
