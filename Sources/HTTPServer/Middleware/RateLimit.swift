import Foundation
import HTTPTypes
import Synchronization

/// Per-client rate limiting with a token bucket: `burst` requests at once, refilled at `rate`
/// per second. Past it: 429 with `Retry-After`. A client is its address, an IPv6 client its
/// /64; behind a reverse proxy listed in `trustedProxies`, the address the proxy names in
/// `X-Forwarded-For` (see `client(of:)`).
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
    /// Peers whose `X-Forwarded-For` is believed, as `IPAddress.canonical` writes them.
    let trustedProxies: Set<String>
    private let state = Mutex(State())
    /// Above this many tracked addresses, full buckets are dropped, at most once a second: when
    /// more addresses than this are all active (many clients, or an attack from many), a
    /// sweep per request would cost every request a walk over all of them.
    let pruneThreshold: Int

    /// `trustedProxies`: addresses of the reverse proxies in front of the listener (literals
    /// that are no address are left out; configuration checks them).
    public convenience init(requestsPerSecond rate: Double, burst: Int, trustedProxies: [String] = []) {
        self.init(requestsPerSecond: rate, burst: burst, trustedProxies: trustedProxies, pruneThreshold: 10_000)
    }

    init(requestsPerSecond rate: Double, burst: Int, trustedProxies: [String] = [], pruneThreshold: Int) {
        self.rate = max(rate, 0.001)
        self.burst = Double(max(burst, 1))
        self.trustedProxies = Set(trustedProxies.compactMap { IPAddress.canonical($0) })
        self.pruneThreshold = pruneThreshold
    }

    /// Addresses tracked and sweeps done (for tests).
    var tracked: (addresses: Int, prunes: Int) { state.withLock { ($0.buckets.count, $0.prunes) } }

    public func respond(to request: Request, next: Responder) throws -> Response {
        if let wait = take(for: client(of: request), now: .now) {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw HTTPError(.tooManyRequests, code: "rate_limited",
                            message: "Zu viele Anfragen. Bitte versuchen Sie es in \(seconds) Sekunden erneut.",
                            headerFields: [.retryAfter: String(seconds)])
        }
        return next(request)
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The key a request is counted under. Behind a reverse proxy every request comes from
    /// the proxy, and one citizen's burst would use up everyone's: when the peer is a trusted
    /// proxy, the client is the rightmost address in `X-Forwarded-For` that is not one (each
    /// proxy appends the address it was connected from; what stands left of that is the
    /// client's own word, and anyone can write anything there). An entry that is no address
    /// ends the walk at the last proxy. IPv6 clients count per /64.
    func client(of request: Request) -> String {
        var address = request.remoteAddress
        if !trustedProxies.isEmpty && trustedProxies.contains(address) {
            let hops = request.headerFields[values: Self.forwardedFor].flatMap { $0.split(separator: ",") }
            for hop in hops.reversed() {
                guard let hopAddress = Self.address(ofHop: hop) else { break }
                address = hopAddress
                if !trustedProxies.contains(hopAddress) { break }
            }
        }
        return IPAddress.network64(address) ?? address
    }

    /// The address of one `X-Forwarded-For` entry: "192.0.2.1", "2001:db8::1", also with a
    /// port as some proxies write it ("192.0.2.1:4711", "[2001:db8::1]:4711").
    static func address(ofHop hop: Substring) -> String? {
        var text = hop.trimmingCharacters(in: .whitespaces)[...]
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.firstIndex(of: ":"), text.lastIndex(of: ":") == colon, text.contains(".") {
            text = text[..<colon]
        }
        return IPAddress.canonical(text)
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
