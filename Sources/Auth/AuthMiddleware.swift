import Foundation
import HTTPServer
import HTTPTypes
import Logging
import WebUI

/// The one place where callers are identified and routes' access requirements are enforced:
/// Bearer token, trusted-proxy header, or session cookie; then the route's roles; then the
/// CSRF token for every unsafe request that rides on a session.
///
/// Routes open to anyone (`.anyone`) get no CSRF check here: they act for no signed-in user
/// (the login form carries its own token).
public struct AuthMiddleware: Middleware {
    let auth: AuthService
    let logger: Logger
    private let proxyHeader: HTTPField.Name?
    private let trustedProxies: Set<String>

    public init(auth: AuthService, logger: Logger) {
        self.auth = auth
        self.logger = logger
        self.proxyHeader = auth.configuration.mode == .proxy ? HTTPField.Name(auth.configuration.proxyHeader) : nil
        // As the listener writes peers ("2001:DB8::1" is "2001:db8::1"), like RateLimit's proxies.
        self.trustedProxies = Set(auth.configuration.trustedProxies.compactMap { IPAddress.canonical($0) })
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        var newSessionID: String?
        let principal: Principal?

        let needsPrincipal = request.route.map { $0.access != .anyone } ?? false
        if let authorization = request.headerFields[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                principal = try auth.principal(forToken: String(parts[1].trimmingSpacesAndTabs()))
            } else {
                principal = nil
            }
            // A bad token is an error where a sign-in is needed; open routes ignore it.
            if principal == nil && needsPrincipal {
                throw HTTPError(.unauthorized, code: "invalid_token", message: "Das Token ist ungültig oder wurde widerrufen.",
                                headerFields: [.wwwAuthenticate: "Bearer realm=\"kreishaus\", error=\"invalid_token\""])
            }
        } else if let proxyHeader, let username = request.headerFields[proxyHeader], !username.isEmpty {
            if trustedProxies.contains(request.remoteAddress) {
                let resolved = try auth.principal(forProxyUser: username, existingSession: request.cookie(AuthService.sessionCookie),
                                                  remoteAddress: request.remoteAddress)
                principal = resolved?.0
                newSessionID = resolved?.newSessionID
            } else {
                logger.warning("ignoring single sign-on header from an untrusted address", metadata: ["remote": .string(request.remoteAddress)])
                principal = try sessionPrincipal(request)
            }
        } else {
            principal = try sessionPrincipal(request)
        }

        var checksCSRF = false
        if let route = request.route, route.access != .anyone {
            guard let principal else {
                // Browsers are sent to the login page; scripts and scrapers get a 401.
                let acceptsHTML = request.headerFields[.accept]?.contains("text/html") ?? false
                if !request.isAPI && acceptsHTML && (request.method == .get || request.method == .head) {
                    return .redirect(to: "/login?next=" + FormDecoding.encode(request.pathAndQuery))
                }
                throw HTTPError.unauthorized
            }
            if case .anyRole(let roles) = route.access, !principal.hasAnyRole(roles) {
                throw HTTPError.forbidden
            }
            if case .session = principal.credential, !Self.isSafe(request.method) {
                checksCSRF = true
            }
        }

        // Anonymous requests (health checks, the public chatbot) go on as they came: copying
        // a request to attach nothing was 1.1k of a `/healthz` request's 26k instructions.
        var response: Response
        if let principal {
            var authenticated = request
            authenticated.attributes[PrincipalKey.self] = principal
            if case .session(let csrfToken) = principal.credential {
                authenticated.attributes[ViewerKey.self] = Viewer(displayName: principal.displayName, csrfToken: csrfToken,
                                                                  roles: principal.roles)
                if checksCSRF { try checkCSRF(&authenticated, expected: csrfToken) }
            }
            response = next(authenticated)
        } else {
            response = next(request)
        }
        if let newSessionID {
            response.setCookie(AuthRoutes.sessionCookie(newSessionID, configuration: auth.configuration))
        }
        return response
    }

    private func sessionPrincipal(_ request: Request) throws -> Principal? {
        guard let sessionID = request.cookie(AuthService.sessionCookie), !sessionID.isEmpty, sessionID.count < 200 else { return nil }
        return try auth.principal(forSession: sessionID)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head || method == .options || method == .trace
    }

    private func checkCSRF(_ request: inout Request, expected: String) throws {
        var presented = request.headerFields[.csrfToken]
        if presented == nil, request.isFormSubmission {
            presented = try request.form()["_csrf"]
        }
        guard let presented, Secrets.constantTimeEquals(presented, expected) else {
            throw HTTPError(.forbidden, code: "csrf_token_invalid",
                            message: "Das Sicherheits-Token (CSRF) fehlt oder ist ungültig. Bitte laden Sie die Seite neu und versuchen Sie es erneut.")
        }
    }
}
