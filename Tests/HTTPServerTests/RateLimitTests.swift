@testable import HTTPServer
import HTTPTypes
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

    static func request(from peer: String, forwardedFor: [String] = []) -> Request {
        var fields = HTTPFields()
        for value in forwardedFor { fields.append(HTTPField(name: RateLimit.forwardedFor, value: value)) }
        return Request(method: .get, path: "/api/chat", headerFields: fields, remoteAddress: peer)
    }

    @Test func aTrustedProxyNamesTheClientAndNoOneElseDoes() {
        let limit = RateLimit(requestsPerSecond: 1, burst: 1, trustedProxies: ["10.0.0.7", "2001:DB8::7"])
        // Not a proxy: what the client writes is not believed.
        #expect(limit.client(of: Self.request(from: "203.0.113.9", forwardedFor: ["198.51.100.1"])) == "203.0.113.9")
        // The proxy appended the address it was connected from; the entry left of it is the client's own word.
        #expect(limit.client(of: Self.request(from: "10.0.0.7", forwardedFor: ["198.51.100.1, 203.0.113.9"])) == "203.0.113.9")
        // Two proxies, the field over two lines; the proxy's own literal in another spelling.
        #expect(limit.client(of: Self.request(from: "10.0.0.7", forwardedFor: ["198.51.100.1, 203.0.113.9", "2001:db8:0:0::7"])) == "203.0.113.9")
        // Ports, as some proxies write them.
        #expect(limit.client(of: Self.request(from: "10.0.0.7", forwardedFor: ["203.0.113.9:4711"])) == "203.0.113.9")
        #expect(limit.client(of: Self.request(from: "10.0.0.7", forwardedFor: ["[2001:db8:1:2::5]:4711"])) == "2001:db8:1:2::/64")
        // No field, or an entry that is no address: counted against the proxy.
        #expect(limit.client(of: Self.request(from: "10.0.0.7")) == "10.0.0.7")
        #expect(limit.client(of: Self.request(from: "10.0.0.7", forwardedFor: ["198.51.100.1, unknown"])) == "10.0.0.7")
    }

    @Test func anIPv6ClientCountsPerSlash64() {
        let limit = RateLimit(requestsPerSecond: 1, burst: 1)
        let start = ContinuousClock.now
        #expect(limit.client(of: Self.request(from: "2001:db8:1:2::5")) == "2001:db8:1:2::/64")
        #expect(limit.take(for: limit.client(of: Self.request(from: "2001:db8:1:2::5")), now: start) == nil)
        #expect(limit.take(for: limit.client(of: Self.request(from: "2001:db8:1:2:ffff::1")), now: start) != nil, "same /64")
        #expect(limit.take(for: limit.client(of: Self.request(from: "2001:db8:1:3::5")), now: start) == nil, "next /64")
        #expect(limit.client(of: Self.request(from: "192.0.2.1")) == "192.0.2.1")
    }

    @Test func addressesAreWrittenOneWay() {
        #expect(IPAddress.canonical("2001:DB8:0:0::1") == "2001:db8::1")
        #expect(IPAddress.canonical("::ffff:192.0.2.1") == "192.0.2.1")
        #expect(IPAddress.canonical("192.0.2.1") == "192.0.2.1")
        #expect(IPAddress.canonical("192.0.2") == nil)
        #expect(IPAddress.canonical("example.org") == nil)
        #expect(IPAddress.network64("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(IPAddress.network64("192.0.2.1") == nil)
    }
}
