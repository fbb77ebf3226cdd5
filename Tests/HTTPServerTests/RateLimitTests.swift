@testable import HTTPServer
import Testing

@Suite struct RateLimitTests {
    @Test func bucketsRefillAndRefuse() {
        let limit = RateLimit(requestsPerSecond: 2, burst: 2)
        let start = ContinuousClock.now
        #expect(limit.take(for: "a", now: start) == nil)
        #expect(limit.take(for: "a", now: start) == nil)
        let wait = limit.take(for: "a", now: start)
        #expect(wait.map { abs($0 - 0.5) < 1e-9 } == true)
        #expect(limit.take(for: "b", now: start) == nil)  // per address
        #expect(limit.take(for: "a", now: start + .milliseconds(600)) == nil)
    }

    @Test func manyActiveAddressesAreSweptAtMostOnceASecond() {
        // Threshold 3, refill after 1 s (burst 1 at 1/s).
        let limit = RateLimit(requestsPerSecond: 1, burst: 1, pruneThreshold: 3)
        let start = ContinuousClock.now
        for address in ["a", "b", "c", "d"] { _ = limit.take(for: address, now: start) }
        #expect(limit.tracked == (4, 1))  // over the threshold: swept, all still active
        for (offset, address) in ["e", "f", "g"].enumerated() {
            _ = limit.take(for: address, now: start + .milliseconds(100 * (offset + 1)))
        }
        #expect(limit.tracked == (7, 1))  // within the second: no sweep per request
        _ = limit.take(for: "h", now: start + .milliseconds(1_050))
        // Swept again: a-d (1.05 s old) were refilled and dropped; e-h are kept.
        #expect(limit.tracked == (4, 2))
    }
}
