import Foundation
import HTTPTypes
import Synchronization

/// Per-IP rate limiting with a token bucket: `burst` requests at once, refilled at `rate`
/// per second. Past it: 429 with `Retry-After`.
public final class RateLimit: Middleware {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])
    /// Above this many tracked addresses, full buckets are dropped.
    private let pruneThreshold = 10_000

    public init(requestsPerSecond rate: Double, burst: Int) {
        self.rate = max(rate, 0.001)
        self.burst = Double(max(burst, 1))
    }

    public func respond(to request: Request, next: Responder) throws -> Response {
        if let wait = take(for: request.remoteAddress, now: .now) {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw HTTPError(.tooManyRequests, code: "rate_limited",
                            message: "Zu viele Anfragen. Bitte versuchen Sie es in \(seconds) Sekunden erneut.",
                            headerFields: [.retryAfter: String(seconds)])
        }
        return next(request)
    }

    /// Takes a token; returns nil when allowed, else the seconds until one is available.
    func take(for address: String, now: ContinuousClock.Instant) -> Double? {
        buckets.withLock { buckets in
            var bucket = buckets[address] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let (whole, attoseconds) = elapsed.components
            let seconds = Double(whole) + Double(attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer {
                if buckets.count > pruneThreshold { prune(&buckets, now: now) }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                buckets[address] = bucket
                return nil
            }
            buckets[address] = bucket
            return (1 - bucket.tokens) / rate
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let refill = Duration.seconds(burst / rate)
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
