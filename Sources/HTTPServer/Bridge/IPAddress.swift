#if canImport(Glibc)
import Glibc
#endif

/// IP address literals.
public enum IPAddress {
    /// Whether `text` is an IPv4 or IPv6 address literal ("127.0.0.1", "::1").
    public static func isValid(_ text: String) -> Bool {
        canonical(text) != nil
    }

    /// The literal as the listener reports peers (`inet_ntop`): "2001:DB8:0::1" is
    /// "2001:db8::1", "::ffff:192.0.2.1" is "192.0.2.1". Nil when `text` is no address.
    public static func canonical(_ text: some StringProtocol) -> String? {
        let text = String(text)
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return format(v4) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            var mapped = in_addr()
            withUnsafeMutableBytes(of: &mapped) { $0.copyBytes(from: bytes[12..<16]) }
            return format(mapped)
        }
        return format(v6)
    }

    /// The /64 network of an IPv6 address ("2001:db8:1:2::/64"), nil for anything else: the
    /// block one line or household is given, within which it can pick any address.
    public static func network64(_ text: String) -> String? {
        guard text.utf8.contains(UInt8(ascii: ":")) else { return nil }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        withUnsafeMutableBytes(of: &v6) { bytes in
            for index in 8..<16 { bytes[index] = 0 }
        }
        return format(v6).map { $0 + "/64" }
    }

    private static func format(_ address: in_addr) -> String? {
        withUnsafeBytes(of: address) { format(AF_INET, $0) }
    }

    private static func format(_ address: in6_addr) -> String? {
        withUnsafeBytes(of: address) { format(AF_INET6, $0) }
    }

    private static func format(_ family: Int32, _ address: UnsafeRawBufferPointer) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, address.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
