import Foundation
import HTTPServer
import HTTPTypes
import WebUI

/// Sign-in pages and the auth API: login/logout, the caller's identity, users, tokens, audit.
public struct AuthRoutes: Sendable {
    static let loginCookie = "kh_login"
    let auth: AuthService
    let audit: AuditLog
    let pages: PageRenderer

    public init(auth: AuthService, audit: AuditLog, pages: PageRenderer) {
        self.auth = auth
        self.audit = audit
        self.pages = pages
    }

    static func sessionCookie(_ sessionID: String, configuration: AuthConfiguration) -> Cookie {
        Cookie(name: AuthService.sessionCookie, value: sessionID, maxAge: Int(configuration.sessionLifetime.components.seconds),
               secure: configuration.secureCookies)
    }

    /// Every role that may be granted here: the fixed ones and one per configured department.
    private var roleNames: [String] {
        Role.fixed + auth.configuration.departments.sorted().map(Role.department)
    }

    public var routes: [Route] {
        [
            Route(.get, "/login", access: .anyone, handler: loginPage),
            Route(.post, "/login", access: .anyone, handler: loginForm),
            Route(.post, "/logout", access: .authenticated, handler: logout),
            Route(.get, "/api/me", access: .authenticated, operation: OpenAPIOperation(
                summary: "Wer bin ich: angemeldeter Benutzer oder Token, Rollen, CSRF-Token der Sitzung", tags: ["Anmeldung"],
                responseSchemas: [200: Schemas.me]), handler: me),
            Route(.post, "/api/session", access: .anyone, operation: OpenAPIOperation(
                summary: "Anmelden mit Benutzername und Passwort; setzt das Sitzungs-Cookie", tags: ["Anmeldung"],
                requestBody: Schemas.login, responses: [200: "Angemeldet", 401: "Benutzername oder Passwort falsch"],
                responseSchemas: [200: Schemas.me]), handler: apiLogin),
            Route(.delete, "/api/session", access: .authenticated, operation: OpenAPIOperation(
                summary: "Abmelden (beendet die Sitzung)", tags: ["Anmeldung"], responses: [204: "Abgemeldet"]), handler: apiLogout),
            Route(.get, "/api/audit", access: .role(Role.admin), operation: OpenAPIOperation(
                summary: "Audit-Protokoll, neueste zuerst", tags: ["Verwaltung"],
                queryParameters: ["limit": ["type": "integer", "minimum": 1, "maximum": 1000], "before": ["type": "integer", "minimum": 1, "maximum": 9_007_199_254_740_991],
                                  "action": ["type": "string"], "actor": ["type": "string"]],
                responseSchemas: [200: Schemas.auditList]), handler: auditEvents),
            Route(.get, "/api/users", access: .role(Role.admin), operation: OpenAPIOperation(
                summary: "Benutzer mit Rollen", tags: ["Verwaltung"], responseSchemas: [200: Schemas.userList]), handler: listUsers),
            Route(.post, "/api/users", access: .role(Role.admin), operation: OpenAPIOperation(
                summary: "Benutzer anlegen; ohne Passwort wird eines erzeugt und einmal zurückgegeben", tags: ["Verwaltung"],
                requestBody: Schemas.newUser(roles: roleNames), responses: [201: "Angelegt"]), handler: createUser),
            Route(.get, "/api/tokens", access: .role(Role.admin), operation: OpenAPIOperation(
                summary: "API-Tokens (ohne Geheimnis)", tags: ["Verwaltung"], responseSchemas: [200: Schemas.tokenList]), handler: listTokens),
            Route(.post, "/api/tokens", access: .role(Role.admin), operation: OpenAPIOperation(
                summary: "API-Token anlegen; das Geheimnis wird nur einmal gezeigt", tags: ["Verwaltung"],
                requestBody: Schemas.newToken(roles: roleNames), responses: [201: "Angelegt"]), handler: createToken),
            Route(.delete, "/api/tokens/:id", access: .role(Role.admin), operation: OpenAPIOperation(
                summary: "API-Token widerrufen", tags: ["Verwaltung"], pathParameters: ["id": ["type": "integer", "minimum": 1]],
                responses: [204: "Widerrufen"]), handler: revokeToken),
        ]
    }

    // MARK: Pages

    private func loginPage(_ request: Request) throws -> Response {
        if request.principal != nil, case .session = request.principal!.credential {
            return .redirect(to: Self.safeNext(request.query["next"]))
        }
        return renderLogin(request, username: "", failure: nil, status: .ok)
    }

    private func renderLogin(_ request: Request, username: String, failure: String?, status: HTTPResponse.Status,
                             extraHeaders: HTTPFields = HTTPFields()) -> Response {
        let token = Secrets.random()
        var context: [String: Any] = [
            "loginToken": token, "next": Self.safeNext(request.query["next"] ?? (try? request.parsedForm()["next"]) ?? nil),
            "username": username,
        ]
        // Only present values: Mustache would print an absent Optional as "nil".
        if let failure { context["failure"] = failure }
        var response = pages.render("login", title: "Anmelden", context: context, for: request, status: status)
        response.setCookie(Cookie(name: Self.loginCookie, value: token, maxAge: 3600, secure: auth.configuration.secureCookies))
        for field in extraHeaders { response.headerFields[field.name] = field.value }
        return response
    }

    private func loginForm(_ request: Request) throws -> Response {
        var request = request
        let form = try request.form()
        let username = (form["username"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let presented = form["_csrf"], let expected = request.cookie(Self.loginCookie),
              Secrets.constantTimeEquals(presented, expected) else {
            return renderLogin(request, username: username, failure: "Das Formular ist abgelaufen. Bitte melden Sie sich erneut an.", status: .forbidden)
        }
        guard !username.isEmpty, let password = form["password"], !password.isEmpty else {
            return renderLogin(request, username: username, failure: "Bitte geben Sie Benutzername und Passwort ein.", status: .badRequest)
        }
        switch try auth.login(username: username, password: password, remoteAddress: request.remoteAddress) {
        case .success(let sessionID, _):
            var response = Response.redirect(to: Self.safeNext(form["next"]))
            response.setCookie(Self.sessionCookie(sessionID, configuration: auth.configuration))
            response.setCookie(.expired(Self.loginCookie, secure: auth.configuration.secureCookies))
            return response
        case .rejected:
            return renderLogin(request, username: username, failure: "Benutzername oder Passwort sind falsch.", status: .unauthorized)
        case .throttled(let seconds):
            return renderLogin(request, username: username,
                               failure: "Zu viele fehlgeschlagene Versuche. Bitte warten Sie \(Self.minutes(seconds)), bevor Sie es erneut versuchen.",
                               status: .tooManyRequests, extraHeaders: [.retryAfter: String(seconds)])
        }
    }

    private func logout(_ request: Request) throws -> Response {
        if let sessionID = request.cookie(AuthService.sessionCookie) {
            try auth.logout(sessionID: sessionID, remoteAddress: request.remoteAddress)
        }
        var response = Response.redirect(to: "/login")
        response.setCookie(.expired(AuthService.sessionCookie, secure: auth.configuration.secureCookies))
        return response
    }

    static func safeNext(_ next: String?) -> String {
        // Browsers drop tabs and newlines from a URL and read a backslash as "/": a tab after
        // the first slash would make "//evil.example", another site. So no control character.
        // Decided on bytes (`SitePath`): Character-wise, "//\u{301}evil.example" passed.
        guard let next, SitePath.isLocal(next), !next.utf8.contains(UInt8(ascii: "\\")), !SitePath.hasPrefix(next, "/login"),
              !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return "/" }
        return next
    }

    static func minutes(_ seconds: Int) -> String {
        seconds < 90 ? "\(seconds) Sekunden" : "\((seconds + 59) / 60) Minuten"
    }

    // MARK: API

    struct MeBody: Encodable {
        let kind: String
        let name: String
        let displayName: String
        let roles: [String]
        let csrfToken: String?
    }

    private func me(_ request: Request) throws -> Response {
        let principal = try request.requirePrincipal()
        var csrf: String?
        if case .session(let token) = principal.credential { csrf = token }
        let kind: String, name: String
        switch principal.kind {
        case .user(_, let username): (kind, name) = ("user", username)
        case .token(_, let tokenName): (kind, name) = ("token", tokenName)
        }
        return try .json(MeBody(kind: kind, name: name, displayName: principal.displayName, roles: principal.roles.sorted(), csrfToken: csrf))
    }

    private func apiLogin(_ request: Request) throws -> Response {
        struct Credentials: Decodable { let username: String; let password: String }
        let credentials = try request.decodeJSON(Credentials.self)
        switch try auth.login(username: credentials.username, password: credentials.password, remoteAddress: request.remoteAddress) {
        case .success(let sessionID, let user):
            guard let principal = try auth.principal(forSession: sessionID), case .session(let csrf) = principal.credential else {
                throw HTTPError.unauthorized
            }
            var response = try Response.json(MeBody(kind: "user", name: user.username, displayName: user.displayName,
                                                    roles: principal.roles.sorted(), csrfToken: csrf))
            response.setCookie(Self.sessionCookie(sessionID, configuration: auth.configuration))
            return response
        case .rejected:
            throw HTTPError(.unauthorized, code: "login_failed", message: "Benutzername oder Passwort sind falsch.")
        case .throttled(let seconds):
            throw HTTPError(.tooManyRequests, code: "login_throttled",
                            message: "Zu viele fehlgeschlagene Versuche. Bitte warten Sie \(Self.minutes(seconds)).",
                            headerFields: [.retryAfter: String(seconds)])
        }
    }

    private func apiLogout(_ request: Request) throws -> Response {
        if let sessionID = request.cookie(AuthService.sessionCookie) {
            try auth.logout(sessionID: sessionID, remoteAddress: request.remoteAddress)
        }
        var response = Response.noContent
        response.setCookie(.expired(AuthService.sessionCookie, secure: auth.configuration.secureCookies))
        return response
    }

    private func auditEvents(_ request: Request) throws -> Response {
        func integer(_ name: String) throws -> Int? {
            guard let text = request.query[name] else { return nil }
            guard let value = Int(text) else { throw HTTPError.badRequest("Der Parameter „\(name)“ muss eine ganze Zahl sein.", code: "invalid_parameter") }
            return value
        }
        let limit = try integer("limit") ?? 100
        guard (1...1000).contains(limit) else { throw HTTPError.badRequest("„limit“ muss zwischen 1 und 1000 liegen.", code: "invalid_parameter") }
        // An event id: positive, and at most 2^53 - 1 (the largest integer a JSON number holds
        // exactly, which the API description can state).
        let before = try integer("before")
        if let before, !(1...9_007_199_254_740_991).contains(before) {
            throw HTTPError.badRequest("„before“ muss eine Ereignisnummer zwischen 1 und 9007199254740991 sein.", code: "invalid_parameter")
        }
        let events = try audit.events(limit: limit, before: before.map(Int64.init), action: request.query["action"], actor: request.query["actor"])
        return try .json(["events": events])
    }

    private func listUsers(_ request: Request) throws -> Response {
        struct Item: Encodable { let id: Int64; let username: String; let displayName: String; let roles: [String]; let disabled: Bool; let lastLoginAt: Date? }
        let users = try auth.users().map { Item(id: $0.user.id!, username: $0.user.username, displayName: $0.user.displayName,
                                                roles: $0.roles, disabled: $0.user.disabled, lastLoginAt: $0.user.lastLoginAt) }
        return try .json(["users": users])
    }

    private func createUser(_ request: Request) throws -> Response {
        struct NewUser: Decodable { let username: String; let displayName: String?; let roles: [String]; let password: String? }
        let input = try request.decodeJSON(NewUser.self)
        let actor = try request.requirePrincipal().auditName
        do {
            let (user, generated) = try auth.createUser(username: input.username, displayName: input.displayName, password: input.password,
                                                        roles: input.roles, actor: actor)
            struct Created: Encodable { let id: Int64; let username: String; let password: String? }
            return try .json(Created(id: user.id!, username: user.username, password: generated), status: .created)
        } catch let error as AuthError {
            throw error.httpError
        }
    }

    private func listTokens(_ request: Request) throws -> Response {
        struct Item: Encodable { let id: Int64; let name: String; let roles: [String]; let createdAt: Date; let createdBy: String; let lastUsedAt: Date?; let revokedAt: Date? }
        let tokens = try auth.tokens().map { Item(id: $0.id!, name: $0.name, roles: $0.roleSet.sorted(), createdAt: $0.createdAt,
                                                  createdBy: $0.createdBy, lastUsedAt: $0.lastUsedAt, revokedAt: $0.revokedAt) }
        return try .json(["tokens": tokens])
    }

    private func createToken(_ request: Request) throws -> Response {
        struct NewToken: Decodable { let name: String; let roles: [String] }
        let input = try request.decodeJSON(NewToken.self)
        do {
            let (token, secret) = try auth.createToken(name: input.name, roles: input.roles, actor: try request.requirePrincipal().auditName)
            struct Created: Encodable { let id: Int64; let name: String; let roles: [String]; let token: String }
            return try .json(Created(id: token.id!, name: token.name, roles: token.roleSet.sorted(), token: secret), status: .created)
        } catch let error as AuthError {
            throw error.httpError
        }
    }

    private func revokeToken(_ request: Request) throws -> Response {
        let id = try request.parameter("id")
        guard Int64(id) != nil else { throw HTTPError.badRequest("Die Token-Kennung muss eine Zahl sein.", code: "invalid_parameter") }
        do {
            try auth.revokeToken(id, actor: try request.requirePrincipal().auditName)
            return .noContent
        } catch let error as AuthError {
            throw error.httpError
        }
    }
}

extension AuthError {
    /// The HTTP form of the error, for the API.
    var httpError: HTTPError {
        switch kind {
        case .invalid: HTTPError(.unprocessableContent, code: "invalid", message: description)
        case .notFound: HTTPError(.notFound, code: "not_found", message: description)
        case .conflict: HTTPError(.conflict, code: "conflict", message: description)
        }
    }
}

/// JSON schemas of the auth API, for the OpenAPI document.
enum Schemas {
    static let me: JSONValue = ["type": "object", "properties": [
        "kind": ["type": "string", "enum": ["user", "token"]], "name": ["type": "string"], "displayName": ["type": "string"],
        "roles": ["type": "array", "items": ["type": "string"]], "csrfToken": ["type": ["string", "null"]],
    ]]
    static let login: JSONValue = ["type": "object", "required": ["username", "password"], "properties": [
        "username": ["type": "string"], "password": ["type": "string"],
    ]]
    static let auditList: JSONValue = ["type": "object", "properties": ["events": ["type": "array", "items": ["type": "object"]]]]
    static let userList: JSONValue = ["type": "object", "properties": ["users": ["type": "array", "items": ["type": "object"]]]]
    static let tokenList: JSONValue = ["type": "object", "properties": ["tokens": ["type": "array", "items": ["type": "object"]]]]
    static func newUser(roles: [String]) -> JSONValue {
        ["type": "object", "required": ["username", "roles"], "properties": [
            "username": ["type": "string", "pattern": "^[A-Za-z0-9._@-]{1,64}$"],
            "displayName": ["type": ["string", "null"], "maxLength": 200],
            "roles": ["type": "array", "items": ["type": "string", "enum": .array(roles.map { .string($0) })]],
            "password": ["type": ["string", "null"], "minLength": 10, "maxLength": 256, "description": "null or missing: one is generated and returned once"],
        ]]
    }

    static func newToken(roles: [String]) -> JSONValue {
        ["type": "object", "required": ["name", "roles"], "properties": [
            "name": ["type": "string", "minLength": 1, "maxLength": 100, "pattern": "\\S"],
            "roles": ["type": "array", "minItems": 1, "items": ["type": "string", "enum": .array(roles.map { .string($0) })]],
        ]]
    }
}
