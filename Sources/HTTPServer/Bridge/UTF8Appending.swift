/// Appending a string's UTF-8 straight from its own storage: one copy of a contiguous run.
/// The generic `append(contentsOf: text.utf8)` walks the sequence protocol first, about two
/// hundred instructions for a short string; an access-log line appends a dozen of them.
extension Array where Element == UInt8 {
    @inline(__always)
    public mutating func appendUTF8(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in append(contentsOf: utf8) }
    }
}
