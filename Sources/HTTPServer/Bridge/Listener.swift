import CMicroHTTPD
import Foundation
import HTTPTypes
import Logging
import Synchronization

/// A listening socket served by libmicrohttpd's thread pool (epoll), answering with an
/// `HTTPApplication`. Bodies are read under the route's limit (413 past it) into memory or,
/// for upload routes, into a temporary file.
///
/// ```swift
/// let listener = Listener(configuration: .init(name: "intranet", port: 8080), application: app, logger: logger)
/// try listener.start()
/// ...
/// listener.shutdown(grace: .seconds(30))   // stop accepting, let requests finish, stop
/// ```
public final class Listener: @unchecked Sendable {
    // @unchecked: `daemon` is only touched under `state`'s lock; everything else is immutable
    // or atomic. MHD calls back on its own threads.
    public let configuration: ListenerConfiguration
    let application: HTTPApplication
    let logger: Logger
    let metrics: HTTPMetrics?
    private let state = Mutex<DaemonHandle?>(nil)
    private let inFlight = Atomic<Int>(0)
    private let boundPort = Atomic<Int>(0)

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    private struct DaemonHandle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    public init(configuration: ListenerConfiguration, application: HTTPApplication, logger: Logger, metrics: HTTPMetrics? = nil) {
        self.configuration = configuration
        self.application = application
        self.logger = logger
        self.metrics = metrics
    }

    /// The bound port (differs from the configured one when that was 0).
    public var port: Int { boundPort.load(ordering: .acquiring) }

    /// Requests that have started and not yet completed.
    public var requestsInFlight: Int { inFlight.load(ordering: .acquiring) }

    public func start() throws {
        try state.withLock { handle in
            guard handle == nil else { return }
            let context = Unmanaged.passUnretained(self).toOpaque()
            let daemon: OpaquePointer? = configuration.host.withCString { host in
                var options = kh_daemon_options(
                    bind_address: host,
                    port: UInt16(clamping: configuration.port),
                    thread_pool_size: UInt32(max(1, configuration.threads)),
                    connection_limit: UInt32(max(1, configuration.connectionLimit)),
                    per_ip_connection_limit: UInt32(max(1, configuration.connectionsPerIP)),
                    connection_timeout: UInt32(max(1, configuration.idleTimeoutSeconds)),
                    connection_memory_limit: max(8192, configuration.maxHeaderBytes),
                    listen_backlog: 511)
                return kh_start_daemon(&options, accessHandler, context, requestCompleted, context,
                                       connectionNotified, context, logForwarder, context)
            }
            guard let daemon else {
                let reason = String(cString: strerror(errno))
                throw StartError(description: "cannot listen on \(configuration.host):\(configuration.port) for \(configuration.name): \(reason)")
            }
            handle = DaemonHandle(pointer: daemon)
            boundPort.store(Int(kh_daemon_port(daemon)), ordering: .releasing)
        }
        logger.info("listening", metadata: ["listener": .string(configuration.name), "address": .string("\(configuration.host):\(port)")])
    }

    /// Stops accepting connections, waits up to `grace` for requests in flight, then stops.
    /// Returns whether every request finished in time.
    @discardableResult
    public func shutdown(grace: Duration) -> Bool {
        guard let handle = state.withLock({ handle in defer { handle = nil }; return handle }) else { return true }
        let listenSocket = MHD_quiesce_daemon(handle.pointer)
        let deadline = ContinuousClock.now + grace
        while inFlight.load(ordering: .acquiring) > 0 && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let finished = inFlight.load(ordering: .acquiring) == 0
        if !finished {
            logger.warning("shutdown grace period over; cancelling requests", metadata: [
                "listener": .string(configuration.name), "in_flight": .stringConvertible(inFlight.load(ordering: .acquiring)),
            ])
        }
        MHD_stop_daemon(handle.pointer)
        if listenSocket >= 0 { close(listenSocket) }
        return finished
    }

    // MARK: - Callbacks from MHD

    fileprivate func handle(
        connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>,
        uploadData: UnsafePointer<CChar>?, uploadDataSize: UnsafeMutablePointer<Int>,
        context: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let existing = context.pointee else {
            // First call: the headers are in, the body (if any) is not.
            let exchange = begin(connection: connection, url: url, method: method)
            context.pointee = Unmanaged.passRetained(exchange).toOpaque()
            inFlight.add(1, ordering: .acquiringAndReleasing)
            if let failure = exchange.headerFailure {
                // Answer before the body arrives (bad path, declared body too large).
                exchange.responded = true
                return queue(errorResponse(failure, exchange), requestID: exchange.id, on: connection, keep: false)
            }
            return .YES
        }
        let exchange = Unmanaged<Exchange>.fromOpaque(existing).takeUnretainedValue()
        let size = uploadDataSize.pointee
        if size > 0 {
            uploadDataSize.pointee = 0
            guard !exchange.responded, let uploadData else { return .YES }
            // MHD cannot answer in the middle of a body, so a body that breaks its limit is
            // read on and dropped, then answered with 413 at its end; past a hard cap the
            // connection is cut instead.
            if !exchange.append(UnsafeRawBufferPointer(start: uploadData, count: size)) {
                return .NO
            }
            return .YES
        }
        guard !exchange.responded else { return .YES }
        exchange.responded = true
        let response: Response
        do {
            response = application.respond(to: try exchange.makeRequest(listener: configuration.name), resolution: exchange.resolution)
        } catch let error as HTTPError {
            response = errorResponse(error, exchange)
        } catch {
            logger.error("cannot complete request", metadata: ["error": .string("\(error)"), "request_id": .string(exchange.id)])
            response = errorResponse(HTTPError(.internalServerError, code: "internal_error", message: "Interner Fehler."), exchange)
        }
        // Only answers to GET and HEAD are kept for the connection's next request: they repeat
        // (health checks, polls, assets); answers to POST and the like hardly ever do.
        return queue(response, requestID: exchange.id, on: connection, keep: exchange.method == .get || exchange.method == .head)
    }

    private func begin(connection: OpaquePointer, url: UnsafePointer<CChar>, method: UnsafePointer<CChar>) -> Exchange {
        let remote = kh_socket_context(connection).map { Unmanaged<Peer>.fromOpaque($0).takeUnretainedValue().address }
            ?? Peer.address(of: connection)
        let collector = FieldCollector()
        let collectorPointer = Unmanaged.passUnretained(collector).toOpaque()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, collectHeader, collectorPointer)
        collector.collectingQuery = true
        _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, collectHeader, collectorPointer)

        let exchange = Exchange(
            method: commonMethod(method) ?? HTTPRequest.Method(String(cString: method)), rawPath: String(cString: url), remoteAddress: remote,
            headerFields: collector.fields, rawQuery: collector.query)
        exchange.prepare(application: application, configuration: configuration)
        return exchange
    }

    /// The answer to a request that failed before its body was read: through the middleware
    /// (access log, metrics, security headers, ...) but not the route; the connection closes,
    /// as the body was not read.
    private func errorResponse(_ error: HTTPError, _ exchange: Exchange) -> Response {
        // A path that cannot be decoded is kept as it came (the access log shows it, and it
        // still decides between a JSON error and a page).
        var request = Request(method: exchange.method ?? .get, path: exchange.decodedPath ?? exchange.rawPath,
                              remoteAddress: exchange.remoteAddress, listener: configuration.name, id: exchange.id)
        request.headerFields = exchange.headerFields
        var response = application.respond(to: request, failure: error)
        response.headerFields[.connection] = "close"
        return response
    }

    /// Hands `response` to MHD. With `keep`, the response object stays with the connection (see
    /// `Peer.last`), and a response that would send exactly what the last one kept did reuses it.
    private func queue(_ response: Response, requestID: String, on connection: OpaquePointer, keep: Bool) -> MHD_Result {
        let status = UInt32(response.status.code)
        let peer = keep ? kh_socket_context(connection).map { Unmanaged<Peer>.fromOpaque($0).takeUnretainedValue() } : nil
        if let peer, let last = peer.last, last.sends(response) {
            // The same response as last time on this connection: only the request id changes.
            let replaced = last.requestID.withCString { old in MHD_del_response_header(last.pointer, "X-Request-ID", old) } == .YES
                && requestID.withCString { id in MHD_add_response_header(last.pointer, "X-Request-ID", id) } == .YES
            if replaced {
                last.requestID = requestID
                return MHD_queue_response(connection, status, last.pointer)
            }
            peer.forgetLast()
        }
        let mhdResponse: OpaquePointer? = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
        guard let mhdResponse else { return .NO }
        requestID.withCString { id in _ = MHD_add_response_header(mhdResponse, "X-Request-ID", id) }
        response.headerBlock?.withCStrings { name, value in _ = MHD_add_response_header(mhdResponse, name, value) }
        for field in response.headerFields where field.name != .contentLength && field.name != .requestID {
            // Explicit withCString: the implicit conversion copies short strings into a new
            // heap array each time, twice per header.
            field.name.rawName.withCString { name in
                field.value.withCString { value in _ = MHD_add_response_header(mhdResponse, name, value) }
            }
        }
        guard let peer, response.body.count <= SentResponse.maximumBody else {
            defer { MHD_destroy_response(mhdResponse) }
            return MHD_queue_response(connection, status, mhdResponse)
        }
        // Kept (our reference instead of destroying it) for the next request on the connection.
        peer.forgetLast()
        peer.last = SentResponse(pointer: mhdResponse, response: response, requestID: requestID)
        return MHD_queue_response(connection, status, mhdResponse)
    }

    fileprivate func completed(context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let context, let pointer = context.pointee else { return }
        Unmanaged<Exchange>.fromOpaque(pointer).release()
        context.pointee = nil
        inFlight.subtract(1, ordering: .acquiringAndReleasing)
    }

    fileprivate func connection(_ connection: OpaquePointer?, opened: Bool, context: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        if let context {
            if opened, let connection {
                // The peer's address, found once per connection rather than once per request.
                context.pointee = Unmanaged.passRetained(Peer(address: Peer.address(of: connection))).toOpaque()
            } else if !opened, let peer = context.pointee {
                Unmanaged<Peer>.fromOpaque(peer).release()
                context.pointee = nil
            }
        }
        guard let metrics else { return }
        if opened { metrics.connectionOpened(listener: configuration.name) } else { metrics.connectionClosed(listener: configuration.name) }
    }

    fileprivate func log(_ message: String) {
        logger.notice("\(message)", metadata: ["listener": .string(configuration.name), "source": "libmicrohttpd"])
    }
}

/// Collects header fields and raw query arguments during `MHD_get_connection_values`.
private final class FieldCollector {
    var fields = HTTPFields()
    var query: [(String, String?)] = []
    var collectingQuery = false
}

private let collectHeader: MHD_KeyValueIterator = { context, _, key, value in
    guard let context, let key else { return .YES }
    let collector = Unmanaged<FieldCollector>.fromOpaque(context).takeUnretainedValue()
    if collector.collectingQuery {
        collector.query.append((String(cString: key), value.map { String(cString: $0) }))
    } else if let name = commonHeaderName(key) ?? HTTPField.Name(String(cString: key)) {
        collector.fields.append(HTTPField(name: name, value: value.map { String(cString: $0) } ?? ""))
    }
    return .YES
}

/// The names of header fields that nearly every request carries (`HTTPField.Name.host` is
/// marked unavailable, as HTTP/2 calls it `:authority`; HTTP/1.1 clients send it always), with
/// their canonical (lower-case) bytes, grouped by length.
private let commonHeaderNames: [[(bytes: [UInt8], name: HTTPField.Name)]] = {
    let names: [HTTPField.Name] = [
        HTTPField.Name("Host")!, .accept, .cookie, .origin, .referer, .userAgent, .connection, .contentType, .authorization,
        .cacheControl, .ifNoneMatch, .contentLength, .acceptEncoding, .acceptLanguage,
    ]
    var byLength = [[(bytes: [UInt8], name: HTTPField.Name)]](repeating: [], count: 16)
    for name in names {
        let bytes = Array(name.canonicalName.utf8)
        byLength[bytes.count].append((bytes, name))
    }
    return byLength
}()

/// One of `commonHeaderNames`, found on the C string: no String, and not
/// `HTTPField.Name(_:)`'s validation and lower-casing, which cost some 600 instructions a
/// field (a browser sends a dozen). Others take that way.
func commonHeaderName(_ key: UnsafePointer<CChar>) -> HTTPField.Name? {
    let length = strlen(key)
    guard length < commonHeaderNames.count else { return nil }
    candidates: for candidate in commonHeaderNames[length] {
        for (offset, expected) in candidate.bytes.enumerated() {
            var byte = UInt8(bitPattern: key[offset])
            if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
            if byte != expected { continue candidates }
        }
        return candidate.name
    }
    return nil
}

/// GET, HEAD and POST, found on the C string: no String in between, and not
/// `HTTPRequest.Method(_:)`'s token validation. Others take that way.
func commonMethod(_ method: UnsafePointer<CChar>) -> HTTPRequest.Method? {
    func equals(_ expected: StaticString) -> Bool {
        expected.withUTF8Buffer { bytes in
            for (offset, byte) in bytes.enumerated() where UInt8(bitPattern: method[offset]) != byte { return false }
            return method[bytes.count] == 0
        }
    }
    switch UInt8(bitPattern: method[0]) {
    case UInt8(ascii: "G"): return equals("GET") ? .get : nil
    case UInt8(ascii: "H"): return equals("HEAD") ? .head : nil
    case UInt8(ascii: "P"): return equals("POST") ? .post : nil
    default: return nil
    }
}

private let accessHandler: MHD_AccessHandlerCallback = { context, connection, url, method, _, uploadData, uploadDataSize, connectionContext in
    guard let context, let connection, let url, let method, let uploadDataSize, let connectionContext else { return .NO }
    let listener = Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue()
    return listener.handle(connection: connection, url: url, method: method, uploadData: uploadData,
                           uploadDataSize: uploadDataSize, context: connectionContext)
}

private let requestCompleted: MHD_RequestCompletedCallback = { context, _, connectionContext, _ in
    guard let context else { return }
    Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue().completed(context: connectionContext)
}

private let connectionNotified: MHD_NotifyConnectionCallback = { context, connection, socketContext, code in
    guard let context else { return }
    Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue()
        .connection(connection, opened: code == .CONNECTION_NOTIFY_STARTED, context: socketContext)
}

/// What is known about the other end of one connection, and the response it was sent last.
///
/// Only the connection's pool thread touches a `Peer` (MHD serves one request of a connection
/// at a time, always on the same thread), and MHD has released the last response by the time
/// the next request arrives, so it may be changed and queued again.
private final class Peer {
    let address: String
    /// The last answer to a GET or HEAD, kept so that the next request on the connection can
    /// be answered with the same libmicrohttpd response when it would send the same status,
    /// fields and body: a health check, a poll, a small asset. Only its `X-Request-ID` is
    /// replaced; building a response copies every header field with `strdup` (about a third of
    /// `/healthz`'s own work). An answer that names its request in the body never matches.
    var last: SentResponse?

    init(address: String) {
        self.address = address
    }

    deinit {
        forgetLast()
    }

    func forgetLast() {
        if let last { MHD_destroy_response(last.pointer) }
        last = nil
    }

    static func address(of connection: OpaquePointer) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        guard kh_client_address(connection, &buffer, buffer.count) == 0 else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A libmicrohttpd response we hold a reference to, with what it sends.
private final class SentResponse {
    /// Larger bodies are not kept: an idle connection should not hold a page.
    static let maximumBody = 4096

    let pointer: OpaquePointer
    let status: HTTPResponse.Status
    let headerFields: HTTPFields
    let headerBlock: HeaderBlock?
    /// The body's bytes, as an array: reading a `Data` costs exclusivity checks in Foundation.
    let body: [UInt8]
    /// The `X-Request-ID` it carries now.
    var requestID: String

    init(pointer: OpaquePointer, response: Response, requestID: String) {
        self.pointer = pointer
        status = response.status
        headerFields = response.headerFields
        headerBlock = response.headerBlock
        body = Array(response.body)
        self.requestID = requestID
    }

    /// Whether `response` would go out exactly as this one (apart from the request id).
    func sends(_ response: Response) -> Bool {
        guard response.status == status, response.headerBlock === headerBlock, response.body.count == body.count else { return false }
        // The bytes compared with memcmp: `Data.==` costs several times as much for a short body.
        let sameBody = body.withUnsafeBytes { old in
            response.body.withUnsafeBytes { new in new.count == 0 || memcmp(new.baseAddress!, old.baseAddress!, new.count) == 0 }
        }
        return sameBody && response.headerFields == headerFields
    }
}

private let logForwarder: kh_log_callback = { context, message in
    guard let context, let message else { return }
    Unmanaged<Listener>.fromOpaque(context).takeUnretainedValue().log(String(cString: message))
}
