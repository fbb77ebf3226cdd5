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

    private struct State {
        var buckets: [String: Bucket] = [:]
        var prunedAt: ContinuousClock.Instant?
        var prunes = 0
    }

    let rate: Double
    let burst: Double
    private let state = Mutex(State())
    /// Above this many tracked addresses, full buckets are dropped, at most once a second: when
    /// more addresses than this are all active (many clients, or an attack from many), a
    /// sweep per request would cost every request a walk over all of them.
    let pruneThreshold: Int

    public convenience init(requestsPerSecond rate: Double, burst: Int) {
        self.init(requestsPerSecond: rate, burst: burst, pruneThreshold: 10_000)
    }

    init(requestsPerSecond rate: Double, burst: Int, pruneThreshold: Int) {
        self.rate = max(rate, 0.001)
        self.burst = Double(max(burst, 1))
        self.pruneThreshold = pruneThreshold
    }

    /// Addresses tracked and sweeps done (for tests).
    var tracked: (addresses: Int, prunes: Int) { state.withLock { ($0.buckets.count, $0.prunes) } }

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
        state.withLock { state in
            var bucket = state.buckets[address] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let (whole, attoseconds) = elapsed.components
            let seconds = Double(whole) + Double(attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer {
                if state.buckets.count > pruneThreshold, state.prunedAt.map({ now - $0 >= .seconds(1) }) ?? true {
                    state.prunedAt = now
                    state.prunes += 1
                    prune(&state.buckets, now: now)
                }
            }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                state.buckets[address] = bucket
                return nil
            }
            state.buckets[address] = bucket
            return (1 - bucket.tokens) / rate
        }
    }

    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let refill = Duration.seconds(burst / rate)
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
