/// Whether a link or redirect target stays on this site, decided on the UTF-8 bytes.
///
/// `String.hasPrefix` compares Characters: in `"//\u{301}elsewhere.example"` the second
/// slash and the combining mark are one Character, so `hasPrefix("//")` is false and a
/// Character-wise check took it for a path on this site. Browsers read the slashes.
///
/// ```swift
/// SitePath.isLocal("/termine")               // true
/// SitePath.isLocal("//elsewhere.example")    // false
/// SitePath.isLocal("/\\elsewhere.example")   // false: browsers read "\" as "/"
/// ```
public enum SitePath {
    /// One slash first, then neither a slash nor a backslash.
    public static func isLocal(_ target: String) -> Bool {
        var bytes = target.utf8.makeIterator()
        guard bytes.next() == UInt8(ascii: "/") else { return false }
        let second = bytes.next()
        return second != UInt8(ascii: "/") && second != UInt8(ascii: "\\")
    }

    /// Whether `text` starts with `prefix`, byte for byte.
    public static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.starts(with: prefix.utf8)
    }
}
