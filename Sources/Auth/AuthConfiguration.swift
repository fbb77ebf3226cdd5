/// How people and scripts sign in.
public struct AuthConfiguration: Sendable, Equatable {
    public enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Local accounts with passwords.
        case local
        /// A reverse proxy authenticates and names the user in a header; local accounts still work.
        case proxy
    }

    public var mode: Mode
    /// Sessions end after this long without a request.
    public var sessionIdleTimeout: Duration
    /// Sessions end this long after sign-in, whatever happens.
    public var sessionLifetime: Duration
    /// Mark cookies `Secure` (when the site is served over HTTPS).
    public var secureCookies: Bool
    /// The header the proxy sets (e.g. `X-Remote-User`).
    public var proxyHeader: String
    /// Addresses of proxies whose header is believed.
    public var trustedProxies: [String]
    /// Roles for users that first appear through the proxy.
    public var proxyDefaultRoles: [String]
    public var throttle: LoginThrottle.Limits
    /// scrypt cost (log2 N).
    public var passwordHashCost: Int
    /// Department ids from the configuration, for `department:<id>` roles.
    public var departments: Set<String>

    public init(
        mode: Mode = .local,
        sessionIdleTimeout: Duration = .seconds(60 * 60),
        sessionLifetime: Duration = .seconds(12 * 60 * 60),
        secureCookies: Bool = false,
        proxyHeader: String = "X-Remote-User",
        trustedProxies: [String] = [],
        proxyDefaultRoles: [String] = [Role.employee],
        throttle: LoginThrottle.Limits = LoginThrottle.Limits(),
        passwordHashCost: Int = 15,
        departments: Set<String> = []
    ) {
        self.mode = mode
        self.sessionIdleTimeout = sessionIdleTimeout
        self.sessionLifetime = sessionLifetime
        self.secureCookies = secureCookies
        self.proxyHeader = proxyHeader
        self.trustedProxies = trustedProxies
        self.proxyDefaultRoles = proxyDefaultRoles
        self.throttle = throttle
        self.passwordHashCost = passwordHashCost
        self.departments = departments
    }
}
