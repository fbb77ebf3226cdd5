import HTTPTypes

/// An error with a status, a stable machine-readable code and a message a user can act on
/// (German). Thrown by handlers and middleware; rendered as
/// `{"error": {"code": "...", "message": "..."}}` under `/api` and as a page elsewhere.
///
/// ```swift
/// throw HTTPError(.conflict, code: "overlap", message: "Der Raum ist in dieser Zeit bereits gebucht.")
/// ```
public struct HTTPError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    /// Extra headers for the error response (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public var headerFields: HTTPFields

    public init(_ status: HTTPResponse.Status, code: String, message: String, headerFields: HTTPFields = HTTPFields()) {
        self.status = status
        self.code = code
        self.message = message
        self.headerFields = headerFields
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> HTTPError {
        HTTPError(.badRequest, code: code, message: message)
    }

    public static let notFound = HTTPError(.notFound, code: "not_found", message: "Die angeforderte Seite oder Ressource gibt es nicht.")

    public static let unauthorized = HTTPError(
        .unauthorized, code: "unauthorized", message: "Bitte melden Sie sich an.",
        headerFields: [.wwwAuthenticate: "Bearer realm=\"kreishaus\""])

    public static let forbidden = HTTPError(.forbidden, code: "forbidden", message: "Dafür fehlt Ihnen die Berechtigung.")

    public static func payloadTooLarge(limit: Int) -> HTTPError {
        HTTPError(.contentTooLarge, code: "payload_too_large",
                  message: "Die Anfrage ist zu groß (höchstens \(ByteCount.describe(limit))).",
                  headerFields: [.connection: "close"])
    }

    public static func methodNotAllowed(allowed: [HTTPRequest.Method]) -> HTTPError {
        HTTPError(.methodNotAllowed, code: "method_not_allowed",
                  message: "Diese Methode ist hier nicht erlaubt.",
                  headerFields: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
    }
}

/// Human-readable byte counts for messages ("1 MiB").
public enum ByteCount {
    public static func describe(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) Bytes"
    }
}
