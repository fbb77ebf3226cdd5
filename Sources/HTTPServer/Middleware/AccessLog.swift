import Logging

/// One request as the access log records it: never the query, a body, a cookie or a token.
public struct AccessRecord: Sendable {
    public let method: String
    public let path: String
    public let status: Int
    public let bytes: Int
    public let microseconds: Int
    public let listener: String
    public let remoteAddress: String
    public let requestID: String

    public init(method: String, path: String, status: Int, bytes: Int, microseconds: Int, listener: String,
                remoteAddress: String, requestID: String) {
        self.method = method
        self.path = path
        self.status = status
        self.bytes = bytes
        self.microseconds = microseconds
        self.listener = listener
        self.remoteAddress = remoteAddress
        self.requestID = requestID
    }

    /// "1.234" for 1234 µs, without going through `String(format:)` on the hot path.
    public var milliseconds: String {
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}

/// One access-log line per request: method, path, status, bytes, duration, listener, client
/// and request id. By default through swift-log; the daemon plugs in a sink that writes the
/// line straight to its log stream, as the access log is the one line every request writes.
///
/// ```swift
/// AccessLog(logger: logger)                       // metadata through swift-log
/// AccessLog { record in writer.write(record) }    // a dedicated sink
/// ```
public struct AccessLog: Middleware {
    public typealias Sink = @Sendable (AccessRecord) -> Void
    let sink: Sink

    public init(sink: @escaping Sink) {
        self.sink = sink
    }

    public init(logger: Logger) {
        self.sink = { record in
            logger.info("\(record.method) \(record.path) \(record.status)", metadata: [
                "listener": .string(record.listener),
                "remote": .string(record.remoteAddress),
                "status": .stringConvertible(record.status),
                "bytes": .stringConvertible(record.bytes),
                "duration_ms": .string(record.milliseconds),
                "request_id": .string(record.requestID),
            ])
        }
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        let response = next(request)
        // `components` divides a 128-bit count each time it is read: once here.
        let (seconds, attoseconds) = (ContinuousClock.now - request.receivedAt).components
        sink(AccessRecord(
            method: request.method.rawValue, path: request.path, status: response.status.code, bytes: response.body.count,
            microseconds: Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000),
            listener: request.listener, remoteAddress: request.remoteAddress, requestID: request.id))
        return response
    }
}
