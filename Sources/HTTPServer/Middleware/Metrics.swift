import Foundation
import HTTPTypes
import Prometheus
import Synchronization

/// The daemon's Prometheus metrics: requests by route and status, a latency histogram and
/// open connections per listener. Rendered in the text format by `/metrics`.
public final class HTTPMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    private static let buckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    private static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
        metricName: "http_requests", unitName: "total", helpText: "HTTP requests by route pattern, method and status")
    }
    private static var latency: MetricNameDescriptor {
        MetricNameDescriptor(
        metricName: "http_request_duration", unitName: "seconds", helpText: "Time from request headers to response")
    }
    private static var connections: MetricNameDescriptor {
        MetricNameDescriptor(
        metricName: "http_open", unitName: "connections", helpText: "Open client connections")
    }

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    private struct Key: Hashable {
        let route: String
        let method: String
        let status: Int
    }

    /// The registry looks instruments up by their rendered labels; remembering them per label
    /// set keeps that work off the request path.
    private let instruments = Mutex<[Key: (Counter, DurationHistogram)]>([:])

    func record(route: String, method: String, status: Int, duration: Duration) {
        let key = Key(route: route, method: method, status: status)
        let (counter, histogram) = instruments.withLock { instruments in
            if let known = instruments[key] { return known }
            let made = (
                registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("status", String(status))]),
                registry.makeDurationHistogram(descriptor: Self.latency, labels: [("route", route)], buckets: Self.buckets))
            instruments[key] = made
            return made
        }
        counter.increment()
        histogram.record(duration)
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
        registry.emitToString()
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
        metrics.record(route: request.route?.path ?? "unmatched", method: request.method.rawValue,
                       status: response.status.code, duration: .now - request.receivedAt)
        return response
    }
}
