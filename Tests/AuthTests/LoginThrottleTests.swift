@testable import Auth
import Testing

@Suite struct LoginThrottleTests {
    @Test func manyRecentKeysAreSweptAtMostOnceAMinute() {
        let throttle = LoginThrottle(limits: .init(failuresPerAccount: 5, failuresPerAddress: 100, window: .seconds(60)), sweepThreshold: 4)
        let start = ContinuousClock.now
        for (offset, account) in ["a", "b", "c", "d"].enumerated() {
            throttle.recordFailure(account: account, address: "192.0.2.1", now: start + .seconds(offset))
        }
        #expect(throttle.tracked == (5, 1))  // four accounts and one address: over 4, swept, all recent
        throttle.recordFailure(account: "e", address: "192.0.2.1", now: start + .seconds(5))
        #expect(throttle.tracked == (6, 1))  // within the minute: no sweep on each failure
        throttle.recordFailure(account: "f", address: "192.0.2.1", now: start + .seconds(70))
        #expect(throttle.tracked == (2, 2))  // the expired accounts dropped; f and the address stay
    }

    @Test func tooManyFailuresWaitForTheWindow() {
        let throttle = LoginThrottle(limits: .init(failuresPerAccount: 2, failuresPerAddress: 100, window: .seconds(60)))
        let start = ContinuousClock.now
        throttle.recordFailure(account: "Admin", address: "192.0.2.1", now: start)
        #expect(throttle.retryAfter(account: "admin", address: "192.0.2.9", now: start) == nil)
        throttle.recordFailure(account: "admin", address: "192.0.2.2", now: start + .seconds(10))
        #expect(throttle.retryAfter(account: "ADMIN", address: "192.0.2.9", now: start + .seconds(10)) == 51)
        #expect(throttle.retryAfter(account: "admin", address: "192.0.2.9", now: start + .seconds(61)) == nil)
        throttle.recordSuccess(account: "admin")
        #expect(throttle.tracked.keys == 2)  // the two addresses remain
    }
}
