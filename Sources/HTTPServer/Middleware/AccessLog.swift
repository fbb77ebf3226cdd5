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
        guard logger.logLevel <= .info else { return response }
        let elapsed = ContinuousClock.now - request.receivedAt
        let microseconds = Int(elapsed.components.seconds) * 1_000_000 + Int(elapsed.components.attoseconds / 1_000_000_000_000)
        logger.info("\(request.method.rawValue) \(request.path) \(response.status.code)", metadata: [
            "listener": .string(request.listener),
            "remote": .string(request.remoteAddress),
            "status": .stringConvertible(response.status.code),
            "bytes": .stringConvertible(response.body.count),
            "duration_ms": .string(Self.milliseconds(microseconds)),
            "request_id": .string(request.id),
        ])
        return response
    }

    /// "1.234" for 1234 µs, without going through `String(format:)` on the hot path.
    static func milliseconds(_ microseconds: Int) -> String {
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
