/// Escapes text for HTML element content and attribute values.
///
/// Works on the UTF-8 bytes, not on Characters: a quote followed by a combining mark
/// (`"\u{301}`) is one Character, which a Character-wise escaper compares unequal to `"` and
/// copies raw, so the text leaves an attribute value. Byte by byte, every `&`, `<`, `>`, `"`
/// and `'` is replaced, whatever follows it.
///
/// ```swift
/// HTMLEscaping.escape("\"\u{301} onfocus=x")   // "&quot;\u{301} onfocus=x"
/// ```
public enum HTMLEscaping {
    public static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: needsEscape) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 16)
        append(text.utf8, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `text` (UTF-8) to `bytes`, escaped.
    public static func append(_ text: some Sequence<UInt8>, to bytes: inout [UInt8]) {
        for byte in text {
            switch byte {
            case UInt8(ascii: "&"): bytes.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): bytes.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): bytes.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): bytes.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): bytes.append(contentsOf: "&#39;".utf8)
            default: bytes.append(byte)
            }
        }
    }

    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
