#if canImport(Glibc)
import Glibc
#endif

/// IP address literals.
public enum IPAddress {
    /// Whether `text` is an IPv4 or IPv6 address literal ("127.0.0.1", "::1").
    public static func isValid(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }
}
