/// The byte-level part of `JSONWriter.string`: scanning a string's UTF-8 in place, eight
/// bytes at a time while none needs an escape. Kept here with the other pointer work
/// (answers are kilobytes of plain text; a copy per string and a byte-by-byte scan were the
/// chat API's largest single costs).
extension JSONWriter {
    mutating func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in appendEscaped(utf8) }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        appendRaw(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            if index + 8 <= count, let base = utf8.baseAddress,
               !Self.needsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            appendRaw(UnsafeBufferPointer(rebasing: utf8[runStart..<index - 1]))
            appendRaw(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): appendRaw(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): appendRaw(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): appendRaw(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): appendRaw(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): appendRaw(UInt8(ascii: "t"))
            default:
                appendRaw(UInt8(ascii: "u")); appendRaw(UInt8(ascii: "0")); appendRaw(UInt8(ascii: "0"))
                appendRaw(Hex.digits[Int(byte >> 4)]); appendRaw(Hex.digits[Int(byte & 0xF)])
            }
            runStart = index
        }
        appendRaw(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        appendRaw(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is a control character, a quote or a backslash (the
    /// classic "has a byte less than n" and "has a zero byte" word tests; exact for whether,
    /// not for where).
    @inline(__always)
    public static func needsEscape(_ word: UInt64) -> Bool {
        (ByteWord.below(word, 0x20) | ByteWord.equal(word, UInt8(ascii: "\"")) | ByteWord.equal(word, UInt8(ascii: "\\"))) != 0
    }
}
