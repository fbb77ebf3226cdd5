/// Lower-case hexadecimal digits, for identifiers and JSON escapes (`Hex.string`, in
/// `Bridge/HexStrings.swift`, writes them straight into a string).
///
/// ```swift
/// Hex.string(0xBEEF)   // "000000000000beef"
/// ```
public enum Hex {
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)
}
