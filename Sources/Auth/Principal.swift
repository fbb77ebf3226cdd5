import HTTPServer

/// Who is calling, once authenticated: a user (by session, including proxy single sign-on)
/// or an API token. Attached to the request by `AuthMiddleware`.
public struct Principal: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case user(id: Int64, username: String)
        case token(id: Int64, name: String)
    }

    public enum Credential: Sendable, Equatable {
        /// A browser session; unsafe requests must carry its CSRF token.
        case session(csrfToken: String)
        /// A Bearer token: no cookie rides along, so no CSRF check.
        case bearer
    }

    public var kind: Kind
    public var displayName: String
    public var roles: Set<String>
    public var credential: Credential

    public init(kind: Kind, displayName: String, roles: Set<String>, credential: Credential) {
        self.kind = kind
        self.displayName = displayName
        self.roles = roles
        self.credential = credential
    }

    /// Admin holds every role.
    public func hasAnyRole(_ required: [String]) -> Bool {
        roles.contains(Role.admin) || required.contains { roles.contains($0) }
    }

    /// How the audit log names this principal ("mueller", "token:scanstation").
    public var auditName: String {
        switch kind {
        case .user(_, let username): username
        case .token(_, let name): "token:\(name)"
        }
    }

    public var userID: Int64? {
        if case .user(let id, _) = kind { return id }
        return nil
    }
}

public enum PrincipalKey: RequestAttributeKey {
    public typealias Value = Principal
}

extension Request {
    /// The authenticated caller, if any.
    public var principal: Principal? { attributes[PrincipalKey.self] }

    /// The authenticated caller; 401 when there is none.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HTTPError.unauthorized }
        return principal
    }
}
