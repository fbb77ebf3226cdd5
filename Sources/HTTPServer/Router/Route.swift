import HTTPTypes

/// Handles one matched request. Runs on one of the listener's threads; may block on the
/// database, never on another request.
public typealias Handler = @Sendable (Request) throws -> Response

/// Which listeners serve a route. The public listener serves only `.public` and
/// `.publicOnly` routes; the intranet listener serves every route but `.publicOnly` ones.
public enum Exposure: Sendable, Equatable {
    case intranet
    case `public`
    /// Only on the public listener (its demo start page, where the intranet has its own `/`).
    case publicOnly

    public var onPublicListener: Bool { self != .intranet }
    public var onIntranetListener: Bool { self != .publicOnly }
}

/// What a route needs from the caller; checked in one place (the auth middleware).
public enum AccessRequirement: Sendable, Equatable {
    /// Anyone, signed in or not.
    case anyone
    /// Any signed-in user or valid token.
    case authenticated
    /// A principal holding at least one of these roles (admin holds every role).
    case anyRole([String])

    public static func role(_ role: String) -> AccessRequirement { .anyRole([role]) }
}

/// One endpoint: method, path pattern (`/api/users/:id`), who may call it, how much body it
/// takes, its API documentation and its handler.
///
/// ```swift
/// Route(.get, "/api/audit", access: .role("admin"),
///       operation: OpenAPIOperation(summary: "Audit log", tags: ["Auth"])) { request in
///     try .json(auditLog.recent())
/// }
/// ```
///
/// A class, not a struct: every request carries its route through each middleware stage, and
/// a reference is one retain where a struct copy would retain each of its fields.
public final class Route: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    public let exposure: Exposure
    public let access: AccessRequirement
    public let body: BodyLimit
    /// The OpenAPI description; every `/api` route must have one (a test checks).
    public let operation: OpenAPIOperation?
    public let handler: Handler

    public init(
        _ method: HTTPRequest.Method,
        _ path: String,
        exposure: Exposure = .intranet,
        access: AccessRequirement,
        body: BodyLimit = .standard,
        operation: OpenAPIOperation? = nil,
        handler: @escaping Handler
    ) {
        self.method = method
        self.path = path
        self.exposure = exposure
        self.access = access
        self.body = body
        self.operation = operation
        self.handler = handler
    }

    /// The names of the `:name` segments, in order.
    public var parameterNames: [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }
}
