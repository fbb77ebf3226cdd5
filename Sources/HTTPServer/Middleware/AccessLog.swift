import Logging

/// One log line per request: method, path (never the query), status, bytes, duration.
/// Bodies, cookies and tokens are never logged.
public struct AccessLog: Middleware {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        let response = next(request)
        let elapsed = ContinuousClock.now - request.receivedAt
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        logger.info("\(request.method.rawValue) \(request.path) \(response.status.code)", metadata: [
            "listener": .string(request.listener),
            "remote": .string(request.remoteAddress),
            "status": .stringConvertible(response.status.code),
            "bytes": .stringConvertible(response.body.count),
            "duration_ms": .string(String(format: "%.3f", Double(microseconds) / 1000)),
            "request_id": .string(request.id),
        ])
        return response
    }
}
