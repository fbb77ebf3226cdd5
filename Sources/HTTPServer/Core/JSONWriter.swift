import Foundation

/// Builds JSON text by hand, for the few hot responses and log lines where Foundation's
/// encoder showed up in profiles. Strings are escaped per RFC 8259; everything else is the
/// caller's structure.
///
/// ```swift
/// var json = JSONWriter()
/// json.raw("{\"kind\":"); json.string("answer"); json.raw("}")
/// let body = json.data   // {"kind":"answer"}
/// ```
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public var data: Data { Data(bytes) }

    /// Appends `text` as it is (structure: braces, keys, commas).
    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a JSON string literal. Runs of bytes that need no escape are copied at once,
    /// straight from the string's own UTF-8 storage (a copy into an array per string, and
    /// slices of a UTF-8 view copied byte by byte, both showed up in profiles of the chat
    /// API's answers).
    public mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in append(escaping: utf8) }
    }

    private mutating func append(escaping utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        let count = utf8.count
        while index < count {
            // Eight bytes at a time while none needs an escape (answers are kilobytes of
            // plain text; a byte-by-byte scan was the chat API's largest single cost).
            if index + 8 <= count, let base = utf8.baseAddress,
               !Self.needsEscape(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                index += 8
                continue
            }
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let position = index - 1
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<position]))
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
            default:
                bytes.append(UInt8(ascii: "u")); bytes.append(UInt8(ascii: "0")); bytes.append(UInt8(ascii: "0"))
                bytes.append(Hex.digits[Int(byte >> 4)]); bytes.append(Hex.digits[Int(byte & 0xF)])
            }
            runStart = index
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any of the eight bytes is a control character, a quote or a backslash (the
    /// classic "has a byte less than n" and "has a zero byte" word tests; exact for whether,
    /// not for where).
    @inline(__always)
    public static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- ones &* 0x20) & ~word & highs
        return (control | hasZero(word ^ (ones &* 0x22)) | hasZero(word ^ (ones &* 0x5C))) != 0
    }

    public mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    public mutating func number(_ value: Double) {
        bytes += Array((value.isFinite ? "\(value)" : "null").utf8)
    }

    /// The JSON string literal of `text`, as a String (for log lines).
    public static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
