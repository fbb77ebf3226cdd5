/// Appending a string's UTF-8 straight from its own storage: one copy of a contiguous run.
/// The generic `append(contentsOf: text.utf8)` walks the sequence protocol first, about two
/// hundred instructions for a short string; an access-log line appends several.
extension Array where Element == UInt8 {
    @inline(__always)
    public mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in append(contentsOf: utf8) }
    }

    /// Appends `text` for a line-oriented log: control characters (a newline in a decoded
    /// path, say) become `\n`, `\r`, `\t` or `\u00XX`, so that no input can start a line of
    /// its own. Text without them, nearly all, is copied at once after an eight-bytes-at-a-
    /// time scan.
    public mutating func appendUTF8EscapingControls(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            guard Self.containsControl(utf8) else {
                append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\n"): append(UInt8(ascii: "\\")); append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): append(UInt8(ascii: "\\")); append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): append(UInt8(ascii: "\\")); append(UInt8(ascii: "t"))
                case 0..<0x20, 0x7F:
                    append(contentsOf: Array("\\u00".utf8))
                    append(Hex.digits[Int(byte >> 4)]); append(Hex.digits[Int(byte & 0xF)])
                default: append(byte)
                }
            }
        }
    }

    private static func containsControl(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if let base = utf8.baseAddress {
            while index + 8 <= utf8.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if (ByteWord.below(word, 0x20) | ByteWord.equal(word, 0x7F)) != 0 { return true }
                index += 8
            }
        }
        while index < utf8.count {
            let byte = utf8[index]
            if byte < 0x20 || byte == 0x7F { return true }
            index += 1
        }
        return false
    }
}
