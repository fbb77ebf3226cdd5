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
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends a JSON string literal.
    public mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes += [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
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
