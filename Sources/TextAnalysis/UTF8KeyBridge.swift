import Foundation

/// A dictionary key for text taken as it arrived: equal when the UTF-8 bytes are equal,
/// hashed in one pass over them. `String` keys hash and compare through Unicode
/// normalisation (a fifth of the chat analytics' flush for German questions) and `[UInt8]`
/// keys hash byte by byte and cost a copy; this key does neither. Canonically equivalent but
/// differently encoded texts are different keys, which suits caches and counting. A bridge
/// file: it reads a string's UTF-8 storage in place.
public struct UTF8Key: Hashable, Sendable {
    public let text: String

    public init(_ text: String) {
        self.text = text
    }

    public func hash(into hasher: inout Hasher) {
        // Read in place: `withUTF8` needs a `var` copy of the string, which retains its storage.
        if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            var text = text
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    public static func == (lhs: UTF8Key, rhs: UTF8Key) -> Bool {
        let inPlace = lhs.text.utf8.withContiguousStorageIfAvailable { a in
            rhs.text.utf8.withContiguousStorageIfAvailable { b in
                a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
            }
        }
        if let inPlace, let equal = inPlace { return equal }
        return lhs.text.utf8.elementsEqual(rhs.text.utf8)
    }
}
