import Foundation

/// A fast path for the commonest JSON body: one flat object whose values are strings without
/// escapes, or null (`{"message": "Wie melde ich mein Auto an?"}`). Anything else, or
/// anything unusual (escapes, numbers, nesting, duplicate keys, trailing bytes), is nil, and
/// the caller decodes with `decodeJSON`, which also explains what is wrong. Foundation's
/// decoder was a tenth of the chat API's time under load.
///
/// ```swift
/// FlatJSONObject.pairs(Array(#"{"a": "x", "b": null}"#.utf8))  // [("a", "x"), ("b", nil)]
/// FlatJSONObject.pairs(Array(#"{"a": "say \"hi\""}"#.utf8))     // nil (an escape)
/// ```
public enum FlatJSONObject {
    /// The fields in the order they stand (an object that repeats a key is nil). Invalid UTF-8
    /// inside a string is nil; outside strings only ASCII structure is accepted. A list, not a
    /// dictionary: a request reads its three or four fields faster by looking through them
    /// than by hashing each name.
    public static func pairs(_ bytes: [UInt8]) -> [(key: String, value: String?)]? {
        var position = 0
        func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }
        func take(_ byte: UInt8) -> Bool {
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }
        /// A string literal without escapes or control characters, after its opening quote.
        func plainString() -> String? {
            let start = position
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    defer { position += 1 }
                    return String(validating: bytes[start..<position], as: UTF8.self)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
                position += 1
            }
            return nil
        }

        var fields: [(key: String, value: String?)] = []
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return nil }
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            while true {
                guard take(UInt8(ascii: "\"")), let key = plainString(), !fields.contains(where: { $0.key == key }) else { return nil }
                skipWhitespace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipWhitespace()
                if take(UInt8(ascii: "\"")) {
                    guard let value = plainString() else { return nil }
                    fields.append((key, value))
                } else if bytes[position...].starts(with: "null".utf8) {
                    position += 4
                    fields.append((key, nil))
                } else {
                    return nil
                }
                skipWhitespace()
                if take(UInt8(ascii: ",")) {
                    skipWhitespace()
                    continue
                }
                guard take(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        skipWhitespace()
        return position == bytes.count ? fields : nil
    }
}

extension Request {
    /// The body as a flat object of plain strings and nulls, its fields in their order (see
    /// `FlatJSONObject.pairs`), or nil when it is something else: then use `decodeJSON`.
    /// Content type and encoding are checked as `decodeJSON` checks them.
    public func flatJSONFields() throws -> [(key: String, value: String?)]? {
        guard hasJSONContentType else { return nil }
        return FlatJSONObject.pairs(Array(try body.data()))
    }
}
