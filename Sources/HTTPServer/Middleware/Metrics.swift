import Foundation
import HTTPTypes
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics: requests by route and status, a latency histogram and
/// open connections per listener. Rendered in the text format by `/metrics`.
///
/// Requests are tallied per thread stripe (`ThreadStripe`) and summed when rendered: every
/// request records one, and a shared lock (swift-prometheus' histogram takes one per
/// observation) was a point where the request threads queued behind each other. The
/// registry keeps the gauges and anything recorded less often.
public final class HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Upper bounds of the latency buckets ("le"), in order; +Inf follows.
    static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]
    /// The buckets' "le" labels: their bounds in seconds, then +Inf.
    private static let bucketLabels = buckets.map { bound in
        let (seconds, attoseconds) = bound.components
        return String(Double(seconds) + Double(attoseconds) / 1e18)
    } + ["+Inf"]

    private static var connections: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "http_open", unitName: "connections", helpText: "Open client connections")
    }

    /// The route by identity (nil: no route matched), the method (its place in
    /// `methodNames`: hashing the name was a tenth of recording) and the status.
    private struct Key: Hashable {
        let route: ObjectIdentifier?
        let method: UInt8
        let status: Int
    }

    /// Methods labelled by name; any other becomes "other", so that clients inventing method
    /// names cannot grow the label sets without end.
    static let methodNames = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE", "other"]

    /// A method's place in `methodNames`, by comparison with literals (no shared array is
    /// touched on the request path).
    static func methodCode(_ method: String) -> UInt8 {
        switch method {
        case "GET": 0
        case "HEAD": 1
        case "POST": 2
        case "PUT": 3
        case "DELETE": 4
        case "PATCH": 5
        case "OPTIONS": 6
        case "CONNECT": 7
        case "TRACE": 8
        default: 9
        }
    }

    /// Requests with one key, counted by the latency bucket they fell in (not cumulative).
    /// Holds its route, so that the route's identity in the key cannot pass to another.
    private struct Tally {
        let route: Route?
        var inBucket = [Int](repeating: 0, count: HTTPMetrics.buckets.count + 1)
        var total: Duration = .zero

        mutating func add(_ bucket: Int, _ duration: Duration) {
            inBucket[bucket] += 1
            total += duration
        }
    }

    private let tallies = ThreadStriped<[Key: Tally]> { [:] }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func record(route: Route?, method: String, status: Int, duration: Duration) {
        let key = Key(route: route.map(ObjectIdentifier.init), method: Self.methodCode(method), status: status)
        var bucket = 0
        while bucket < Self.buckets.count && duration > Self.buckets[bucket] { bucket += 1 }
        tallies.withLock(at: ThreadStripe.current) { tallies in
            tallies[key, default: Tally(route: route)].add(bucket, duration)
        }
    }

    func connectionOpened(listener: String) {
        openConnections(listener).increment()
    }

    func connectionClosed(listener: String) {
        openConnections(listener).decrement()
    }

    private func openConnections(_ listener: String) -> Gauge {
        registry.makeGauge(descriptor: Self.connections, labels: [("listener", listener)])
    }

    /// The Prometheus text exposition.
    public func render() -> String {
        // Sum the stripes: requests by route, method and status; latency by route.
        struct Requests: Hashable { let route: String, method: String, status: Int }
        var requests: [Requests: Int] = [:]
        var latency: [String: (inBucket: [Int], total: Duration)] = [:]
        for stripe in tallies.indices {
            tallies.withLock(at: stripe) { tallies in
                for (key, tally) in tallies {
                    let path = tally.route?.path ?? "unmatched"
                    requests[Requests(route: path, method: Self.methodNames[Int(key.method)], status: key.status), default: 0] += tally.inBucket.reduce(0, +)
                    var route = latency[path] ?? ([Int](repeating: 0, count: Self.buckets.count + 1), .zero)
                    for index in route.inBucket.indices { route.inBucket[index] += tally.inBucket[index] }
                    route.total += tally.total
                    latency[path] = route
                }
            }
        }
        var text = ""
        if !requests.isEmpty {
            text += "# HELP http_requests_total HTTP requests by route pattern, method and status\n# TYPE http_requests_total counter\n"
            for key in requests.keys.sorted(by: { ($0.route, $0.method, $0.status) < ($1.route, $1.method, $1.status) }) {
                text += "http_requests_total{route=\"\(Self.label(key.route))\",method=\"\(Self.label(key.method))\",status=\"\(key.status)\"} \(requests[key]!)\n"
            }
        }
        if !latency.isEmpty {
            text += "# HELP http_request_duration_seconds Time from request headers to response\n# TYPE http_request_duration_seconds histogram\n"
            for route in latency.keys.sorted() {
                let (inBucket, total) = latency[route]!
                let label = Self.label(route)
                var cumulative = 0
                for (index, count) in inBucket.enumerated() {
                    cumulative += count
                    text += "http_request_duration_seconds_bucket{route=\"\(label)\",le=\"\(Self.bucketLabels[index])\"} \(cumulative)\n"
                }
                let (seconds, attoseconds) = total.components
                text += "http_request_duration_seconds_sum{route=\"\(label)\"} \(Double(seconds) + Double(attoseconds) / 1e18)\n"
                text += "http_request_duration_seconds_count{route=\"\(label)\"} \(cumulative)\n"
            }
        }
        return text + registry.emitToString()
    }

    /// A label value as the text format wants it: backslash, quote and newline escaped.
    static func label(_ value: String) -> String {
        guard value.contains(where: { $0 == "\\" || $0 == "\"" || $0 == "\n" }) else { return value }
        return value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// Records every request in `HTTPMetrics`, labelled by route pattern (never the raw path).
public struct RequestMetrics: Middleware {
    let metrics: HTTPMetrics

    public init(_ metrics: HTTPMetrics) {
        self.metrics = metrics
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        let response = next(request)
        metrics.record(route: request.route, method: request.method.rawValue, status: response.status.code, duration: .now - request.receivedAt)
        return response
    }
}
