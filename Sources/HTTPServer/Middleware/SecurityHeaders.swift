import HTTPTypes

/// Security headers on every response: a CSP without 'unsafe-inline', nosniff,
/// Referrer-Policy, frame-ancestors; and `Cache-Control: no-store` unless a route set one.
public struct SecurityHeaders: Middleware {
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    let strictTransportSecurity: Bool

    /// - Parameter strictTransportSecurity: send HSTS (when the site is served over HTTPS).
    public init(strictTransportSecurity: Bool = false) {
        self.strictTransportSecurity = strictTransportSecurity
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        var response = next(request)
        var fields = response.headerFields
        func setDefault(_ name: HTTPField.Name, _ value: String) {
            if fields[name] == nil { fields[name] = value }
        }
        setDefault(.contentSecurityPolicy, Self.contentSecurityPolicy)
        setDefault(.xContentTypeOptions, "nosniff")
        setDefault(.referrerPolicy, "strict-origin-when-cross-origin")
        setDefault(.xFrameOptions, "DENY")
        setDefault(.crossOriginOpenerPolicy, "same-origin")
        setDefault(.permissionsPolicy, "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        setDefault(.cacheControl, "no-store")
        if strictTransportSecurity { setDefault(.strictTransportSecurity, "max-age=31536000") }
        response.headerFields = fields
        return response
    }
}

extension HTTPField.Name {
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    public static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    public static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
}
