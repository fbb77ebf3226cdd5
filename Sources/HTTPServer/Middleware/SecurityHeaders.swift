import HTTPTypes

/// Security headers on every response: a CSP without 'unsafe-inline', nosniff,
/// Referrer-Policy, frame-ancestors; and `Cache-Control: no-store` unless a route set one.
public struct SecurityHeaders: Middleware {
    public static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    private let defaults: [HTTPField]
    private let block: HeaderBlock
    /// A bit per length of the defaults' names (`lengthBit`).
    private let defaultNameLengths: UInt64

    private static func lengthBit(_ name: HTTPField.Name) -> UInt64 {
        1 << UInt64(min(name.canonicalName.utf8.count, 63))
    }

    /// - Parameter strictTransportSecurity: send HSTS (when the site is served over HTTPS).
    public init(strictTransportSecurity: Bool = false) {
        defaults = Self.baseDefaults + (strictTransportSecurity ? [HTTPField(name: .strictTransportSecurity, value: "max-age=31536000")] : [])
        block = HeaderBlock(HTTPFields(defaults))
        defaultNameLengths = defaults.reduce(0) { $0 | Self.lengthBit($1.name) }
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        var response = next(request)
        // Usually the route set none of these: then the response carries the prebuilt block,
        // which the listener writes without converting a field, instead of seven fields more.
        var present: UInt16 = 0
        for field in response.headerFields where defaultNameLengths & Self.lengthBit(field.name) != 0 {
            // Only a field whose name is as long as one of the defaults' is compared by name.
            for (index, candidate) in defaults.enumerated() where candidate.name == field.name {
                present |= 1 << index
            }
        }
        if present == 0 && response.headerBlock == nil {
            response.headerBlock = block
        } else {
            for (index, field) in defaults.enumerated() where present & (1 << index) == 0 {
                response.headerFields.append(field)
            }
        }
        return response
    }

    private static let baseDefaults: [HTTPField] = [
        HTTPField(name: .contentSecurityPolicy, value: contentSecurityPolicy),
        HTTPField(name: .xContentTypeOptions, value: "nosniff"),
        HTTPField(name: .referrerPolicy, value: "strict-origin-when-cross-origin"),
        HTTPField(name: .xFrameOptions, value: "DENY"),
        HTTPField(name: .crossOriginOpenerPolicy, value: "same-origin"),
        HTTPField(name: .permissionsPolicy, value: "camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        HTTPField(name: .cacheControl, value: "no-store"),
    ]
}

extension HTTPField.Name {
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    public static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    public static let crossOriginOpenerPolicy = HTTPField.Name("Cross-Origin-Opener-Policy")!
    public static let permissionsPolicy = HTTPField.Name("Permissions-Policy")!
}
