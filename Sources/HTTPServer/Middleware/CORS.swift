import HTTPTypes

/// Cross-origin access for the origins a listener is configured to trust (the district's
/// public website for the chatbot). Other origins get no CORS headers, so browsers refuse.
public struct CORS: Middleware {
    let allowedOrigins: Set<String>
    let allowedHeaders = "Content-Type, Authorization, X-CSRF-Token"
    let maxAge = 600

    public init(allowedOrigins: [String]) {
        self.allowedOrigins = Set(allowedOrigins.map { $0.lowercased() })
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        guard let origin = request.headerFields.value(.origin), allowedOrigins.contains(origin.lowercased()) || allowedOrigins.contains("*") else {
            return next(request)
        }
        let isPreflight = request.method == .options && request.headerFields[.accessControlRequestMethod] != nil
        var response: Response
        if isPreflight {
            response = Response(status: .noContent)
            response.headerFields[.accessControlAllowMethods] = "GET, POST, OPTIONS"
            response.headerFields[.accessControlAllowHeaders] = allowedHeaders
            response.headerFields[.accessControlMaxAge] = String(maxAge)
        } else {
            response = next(request)
        }
        response.headerFields[.accessControlAllowOrigin] = allowedOrigins.contains("*") ? "*" : origin
        response.headerFields.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
