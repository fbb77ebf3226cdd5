import Foundation

/// The decoded query of a request, in order; a name may occur more than once.
///
/// ```swift
/// let query = try QueryParameters(parsing: "q=K%C3%BCche&tag=a&tag=b")
/// query["q"]            // "Küche"
/// query.values("tag")   // ["a", "b"]
/// ```
public struct QueryParameters: Sendable, Equatable {
    public private(set) var items: [(name: String, value: String)]

    public init(_ items: [(name: String, value: String)] = []) {
        self.items = items
    }

    /// Parses an `application/x-www-form-urlencoded` string ('+' is a space).
    /// Throws a 400 error for malformed percent-encoding or bytes that are not UTF-8.
    public init(parsing encoded: String) throws {
        var items: [(String, String)] = []
        for pair in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = try FormDecoding.decode(parts[0])
            let value = parts.count > 1 ? try FormDecoding.decode(parts[1]) : ""
            items.append((name, value))
        }
        self.items = items
    }

    /// The first value for the name.
    public subscript(name: String) -> String? {
        items.first { $0.name == name }?.value
    }

    public func values(_ name: String) -> [String] {
        items.filter { $0.name == name }.map(\.value)
    }

    public var isEmpty: Bool { items.isEmpty }

    public mutating func append(_ name: String, _ value: String) {
        items.append((name, value))
    }

    public static func == (lhs: QueryParameters, rhs: QueryParameters) -> Bool {
        lhs.items.elementsEqual(rhs.items) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Percent-decoding for paths and form values.
public enum FormDecoding {
    /// Decodes `%XX` escapes and '+' as space (form encoding).
    public static func decode(_ text: Substring) throws -> String {
        try percentDecode(text, plusIsSpace: true)
    }

    /// Decodes `%XX` escapes; throws a 400 error for a malformed escape, invalid UTF-8 or NUL.
    /// A request path: `+` stays `+`; without a `%` the path itself, not a copy.
    public static func percentDecode(_ path: String) throws -> String {
        guard path.utf8.contains(UInt8(ascii: "%")) else { return path }
        return try percentDecode(Substring(path), plusIsSpace: false)
    }

    public static func percentDecode(_ text: Substring, plusIsSpace: Bool) throws -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw HTTPError(.badRequest, code: "bad_encoding", message: "Die Adresse enthält eine ungültige Prozent-Kodierung.")
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        guard !bytes.contains(0) else {
            throw HTTPError(.badRequest, code: "bad_encoding", message: "Die Adresse enthält ein Nullzeichen (%00); das ist nicht erlaubt.")
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw HTTPError(.badRequest, code: "bad_encoding", message: "Die Adresse enthält Zeichen, die kein gültiges UTF-8 sind.")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Encodes a value for use in a query string or form body.
    public static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
