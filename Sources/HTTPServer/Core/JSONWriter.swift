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

    /// Appends a JSON string literal. Runs of bytes that need no escape are copied at once
    /// (from an array: slices of a String's UTF-8 view copy byte by byte, which showed up in
    /// profiles of the chat API's answers).
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        let utf8 = Array(text.utf8)
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            bytes.append(contentsOf: utf8[runStart..<index])
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
            runStart = index + 1
        }
        bytes.append(contentsOf: utf8[runStart...])
        bytes.append(UInt8(ascii: "\""))
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
