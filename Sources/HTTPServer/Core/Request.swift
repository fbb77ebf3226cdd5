import Foundation
import HTTPTypes
import Synchronization

/// One HTTP request as middleware and handlers see it: the percent-decoded path, the query,
/// the header fields in swift-http-types vocabulary, the client address and the body.
///
/// ```swift
/// let page = request.query["page"].flatMap(Int.init) ?? 1
/// let id = try request.parameter("id")
/// ```
public struct Request: Sendable {
    public var method: HTTPRequest.Method
    /// The percent-decoded path, without the query.
    public var path: String
    public var query: QueryParameters
    public var headerFields: HTTPFields
    /// The peer's IP address as text ("127.0.0.1", "::1").
    public var remoteAddress: String
    public var body: RequestBody
    /// A random id that ties the access log, error logs and the `X-Request-ID` header together.
    public var id: String
    /// The name of the listener that accepted the request ("intranet", "public").
    public var listener: String
    /// Values taken from the path by the matched route's `:name` segments.
    public var pathParameters: [String: String]
    /// The route the router matched, if any.
    public var route: Route?
    /// Values that middleware attaches for later stages (the authenticated principal, ...).
    public var attributes: RequestAttributes
    /// When the request's headers had arrived.
    public let receivedAt: ContinuousClock.Instant
    /// An error decided before the body was read (bad path, body too large): the route is
    /// not run, the middleware answers it like any other error. Boxed to keep requests small.
    var earlyFailure: EarlyFailure?

    /// The path and the query, each value encoded again: where to send the client back to
    /// (`/login?next=` takes it, encoded once more).
    public var pathAndQuery: String {
        query.isEmpty ? path : path + "?" + query.items.map { "\(FormDecoding.encode($0.name))=\(FormDecoding.encode($0.value))" }.joined(separator: "&")
    }

    final class EarlyFailure: Sendable {
        let error: HTTPError
        init(_ error: HTTPError) { self.error = error }
    }

    public init(
        method: HTTPRequest.Method,
        path: String,
        query: QueryParameters = QueryParameters(),
        headerFields: HTTPFields = HTTPFields(),
        remoteAddress: String = "127.0.0.1",
        body: RequestBody = .empty,
        listener: String = "intranet",
        id: String = RequestID.make()
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headerFields = headerFields
        self.remoteAddress = remoteAddress
        self.body = body
        self.id = id
        self.listener = listener
        self.pathParameters = [:]
        self.route = nil
        self.attributes = RequestAttributes()
        self.receivedAt = .now
    }

    /// A path parameter the route declared; a missing one is a programming error reported as 404.
    public func parameter(_ name: String) throws -> String {
        guard let value = pathParameters[name] else {
            throw HTTPError(.notFound, code: "not_found", message: "Die angeforderte Seite gibt es nicht.")
        }
        return value
    }

    /// Whether the path is under `/api`, where errors are JSON rather than HTML pages.
    public var isAPI: Bool { path == "/api" || SitePath.hasPrefix(path, "/api/") }

    /// Cookie value by name, from the `Cookie` header. Read on the header's UTF-8 (the
    /// separators are ASCII): splitting it into `Character`s and trimming through Foundation
    /// cost more than the rest of an intranet request.
    public func cookie(_ name: String) -> String? {
        func isSpace(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        for header in headerFields[values: .cookie] {
            let bytes = header.utf8
            var pairStart = bytes.startIndex
            while pairStart < bytes.endIndex {
                let pairEnd = bytes[pairStart...].firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex
                var start = pairStart
                while start < pairEnd && isSpace(bytes[start]) { start = bytes.index(after: start) }
                if let equals = bytes[start..<pairEnd].firstIndex(of: UInt8(ascii: "=")),
                   bytes[start..<equals].elementsEqual(name.utf8) {
                    let valueStart = bytes.index(after: equals)
                    var end = pairEnd
                    while end > valueStart && isSpace(bytes[bytes.index(before: end)]) { end = bytes.index(before: end) }
                    return String(decoding: bytes[valueStart..<end], as: UTF8.self)
                }
                pairStart = pairEnd < bytes.endIndex ? bytes.index(after: pairEnd) : bytes.endIndex
            }
        }
        return nil
    }
}

/// Typed storage on a request for values that middleware hands to later stages.
public struct RequestAttributes: Sendable {
    private var values: [ObjectIdentifier: any Sendable] = [:]

    public init() {}

    public subscript<Key: RequestAttributeKey>(key: Key.Type) -> Key.Value? {
        get { values[ObjectIdentifier(key)] as? Key.Value }
        set { values[ObjectIdentifier(key)] = newValue }
    }
}

/// A key into `RequestAttributes`; declare an empty enum conforming to it.
public protocol RequestAttributeKey {
    associatedtype Value: Sendable
}

/// Makes request ids: 16 hex digits, unique within a process and unlikely to repeat across
/// restarts (a random start per process). Not secret, and not meant to be: they name a
/// request in logs and error pages. Cheaper than asking the kernel for randomness each time.
public enum RequestID {
    private static let start: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()
    private static let counter = Atomic<UInt64>(0)

    public static func make() -> String {
        let sequence = counter.wrappingAdd(1, ordering: .relaxed).newValue
        // An odd multiplier permutes the 64-bit space: no two sequence numbers collide.
        return Hex.string(start &+ sequence &* 0x9E37_79B9_7F4A_7C15)
    }
}
