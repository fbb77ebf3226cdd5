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

    /// A writer that goes on after `written` (JSON made earlier), with room for `extra` bytes more.
    public init(continuing written: [UInt8], reserving extra: Int) {
        // One copy: appending to an empty array would adopt `written`'s buffer (without the
        // room asked for) and copy it at the next append.
        bytes = written
        bytes.reserveCapacity(written.count + extra)
    }

    public var data: Data { Data(bytes) }

    /// Appends `text` as it is (structure: braces, keys, commas).
    public mutating func raw(_ text: String) {
        bytes.appendUTF8(text)
    }

    /// Appends a JSON string literal. Runs of bytes that need no escape are copied at once,
    /// straight from the string's own UTF-8 storage, eight bytes at a time (see
    /// `Bridge/JSONEscaping.swift`: a copy into an array per string, and a byte-by-byte scan,
    /// both showed up in profiles of the chat API's answers).
    public mutating func string(_ text: String) {
        appendEscaped(text)
    }

    /// Appends bytes as they are (for `JSONEscaping`).
    @inline(__always)
    mutating func appendRaw(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func appendRaw(_ run: some Collection<UInt8>) {
        bytes.append(contentsOf: run)
    }

    public mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    public mutating func number(_ value: Double) {
        bytes += Array((value.isFinite ? "\(value)" : "null").utf8)
    }

    /// `value` rounded to `decimals` places (0...6), written as `number` writes the rounded
    /// Double: shortest digits, at least one after the point ("1.0", "0.05", "0.857"). In
    /// integers: the Double's description was a twelfth of a chat reply's JSON.
    public mutating func number(_ value: Double, decimals: Int) {
        guard (0...6).contains(decimals), value.isFinite, abs(value) < 1e12 else {
            number(value)
            return
        }
        var scale = 1
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int((value * Double(scale)).rounded())
        if scaled < 0 || (scaled == 0 && value.sign == .minus) { bytes.append(UInt8(ascii: "-")) }
        bytes.appendDecimal(abs(scaled) / scale)
        bytes.append(UInt8(ascii: "."))
        var fraction = abs(scaled) % scale, width = decimals
        if fraction == 0 {
            bytes.append(UInt8(ascii: "0"))
            return
        }
        while fraction % 10 == 0 {
            fraction /= 10
            width -= 1
        }
        bytes.appendDecimal(fraction, minimumWidth: width)
    }

    /// Appends a string literal escaped once beforehand (answers sent again and again).
    public mutating func literal(_ literal: JSONLiteral) {
        bytes += literal.bytes
    }

    /// The JSON string literal of `text`, as a String (for log lines).
    public static func quoted(_ text: String) -> String {
        var writer = JSONWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// A JSON string literal, escaped once: for text that goes out in many responses (a chat
/// answer and its HTML are a kilobyte or two; escaping them per reply was about a twentieth
/// of handling a repeated question).
public struct JSONLiteral: Sendable, Equatable {
    public let bytes: [UInt8]

    public init(_ text: String) {
        var writer = JSONWriter(capacity: text.utf8.count + 16)
        writer.string(text)
        bytes = writer.bytes
    }
}
