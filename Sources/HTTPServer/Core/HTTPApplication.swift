import Foundation
import HTTPTypes
import Logging

/// Turns a request into a response, never throwing: a stage that receives a request may
/// throw; its caller then sees that error rendered as a response.
public typealias Responder = @Sendable (Request) -> Response

/// A stage around the router: sees every request on its way in and every response on its
/// way out. Errors it throws are rendered as responses for the stages outside it.
public protocol Middleware: Sendable {
    func respond(to request: Request, next: Responder) throws -> Response
}

/// Renders an error as an HTML page for paths outside `/api` (WebUI provides the real one).
public protocol ErrorPageRenderer: Sendable {
    func errorPage(for error: HTTPError, request: Request) -> Response
}

/// A plain page, used until a nicer renderer is wired in.
public struct PlainErrorPages: ErrorPageRenderer {
    public init() {}
    public func errorPage(for error: HTTPError, request: Request) -> Response {
        let message = HTMLEscaping.escape(error.message)
        return .html("<!doctype html><html lang=\"de\"><title>\(error.status.code)</title><h1>\(error.status.code)</h1><p>\(message)</p></html>",
                     status: error.status)
    }
}

/// The routes and middleware one listener serves, composed once into a single responder.
///
/// ```swift
/// let app = try HTTPApplication(routes: routes, middleware: [AccessLog(logger: logger)], logger: logger)
/// let response = app.respond(to: Request(method: .get, path: "/healthz"))
/// ```
public final class HTTPApplication: Sendable {
    public let router: Router
    private let responder: Responder
    private let renderer: ErrorRenderer

    /// Answers for errors that are not `HTTPError` but still no fault of the code: a full disk
    /// is a 503, not a 500. Returns nil for errors it does not know.
    public typealias ErrorTranslator = @Sendable (any Error) -> HTTPError?

    public init(
        routes: [Route],
        middleware: [any Middleware],
        errorPages: any ErrorPageRenderer = PlainErrorPages(),
        translateErrors: @escaping ErrorTranslator = { _ in nil },
        logger: Logger
    ) throws {
        let router = try Router(routes)
        self.router = router
        let renderer = ErrorRenderer(pages: errorPages, translate: translateErrors, logger: logger)
        self.renderer = renderer

        var next: Responder = { request in
            renderer.guarded(request) { try Self.dispatch(request, router: router) }
        }
        for stage in middleware.reversed() {
            let inner = next
            next = { request in renderer.guarded(request) { try stage.respond(to: request, next: inner) } }
        }
        self.responder = next
    }

    /// Routes and answers one request.
    public func respond(to request: Request) -> Response {
        respond(to: request, resolution: router.resolve(request.method, request.path))
    }

    /// Answers a request whose route was already resolved (the listener resolves it once,
    /// before the body arrives, to pick the body limit).
    public func respond(to request: consuming Request, resolution: Router.Resolution) -> Response {
        // Consumed: the listener's request is moved in and given its route, not copied.
        var request = request
        if case .matched(let route, let parameters) = resolution {
            request.route = route
            request.pathParameters = parameters
        }
        // The transport adds `X-Request-ID` (the listener writes it straight to the wire).
        return responder(request)
    }

    /// Answers an error decided before the body arrived (by the listener: bad path, body
    /// too large, unknown method) through the whole middleware chain instead of the route, so
    /// that it is logged, counted, limited and given the same headers as every other answer.
    public func respond(to request: Request, failure: HTTPError) -> Response {
        var request = request
        request.route = nil
        request.earlyFailure = Request.EarlyFailure(failure)
        return responder(request)
    }


    private static func dispatch(_ request: Request, router: Router) throws -> Response {
        if let early = request.earlyFailure { throw early.error }
        guard let route = request.route else {
            let allowed = router.allowedMethods(request.path)
            if allowed.isEmpty { throw HTTPError.notFound }
            if request.method == .options {
                return Response(status: .noContent, headerFields: [.allow: allowed.map(\.rawValue).joined(separator: ", ")])
            }
            throw HTTPError.methodNotAllowed(allowed: allowed)
        }
        return try route.handler(request)
    }
}

/// Renders thrown errors: `HTTPError` as JSON or a page; errors the translator knows as
/// the `HTTPError` it gives (logged); anything else as a 500 that names the request id and is
/// logged, its internals never shown.
struct ErrorRenderer: Sendable {
    let pages: any ErrorPageRenderer
    let translate: HTTPApplication.ErrorTranslator
    let logger: Logger

    func guarded(_ request: Request, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch let error as HTTPError {
            return render(error, for: request)
        } catch {
            if let translated = translate(error) {
                logger.error("request failed", metadata: [
                    "request_id": .string(request.id), "path": .string(request.path), "status": .stringConvertible(translated.status.code),
                    "error": .string(String(describing: type(of: error))), "detail": .string(String(describing: error)),
                ])
                return render(translated, for: request)
            }
            logger.error("unhandled error", metadata: [
                "request_id": .string(request.id), "path": .string(request.path),
                "error": .string(String(describing: type(of: error))), "detail": .string(String(describing: error)),
            ])
            let failure = HTTPError(
                .internalServerError, code: "internal_error",
                message: "Ein interner Fehler ist aufgetreten. Bitte nennen Sie bei Rückfragen die Kennung \(request.id).")
            return render(failure, for: request)
        }
    }

    func render(_ error: HTTPError, for request: Request) -> Response {
        var response: Response
        if !request.isAPI {
            response = pages.errorPage(for: error, request: request)
        } else {
            let body = ErrorBody(error: .init(code: error.code, message: error.message, requestID: request.id))
            response = (try? Response.json(body, status: error.status)) ?? Response(status: error.status)
        }
        response.status = error.status
        for field in error.headerFields {
            response.headerFields[field.name] = field.value
        }
        return response
    }

    struct ErrorBody: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let requestID: String
            enum CodingKeys: String, CodingKey { case code, message, requestID = "request_id" }
        }
        let error: Detail
    }
}

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-ID")!
    public static let csrfToken = HTTPField.Name("X-CSRF-Token")!
}
