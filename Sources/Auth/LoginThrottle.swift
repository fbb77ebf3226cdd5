import Foundation
import Synchronization

/// Slows password guessing: after too many failures within a window, an account (or an
/// address) must wait until the window has passed. Kept in memory; a restart forgets.
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable, Equatable {
        public var failuresPerAccount: Int
        public var failuresPerAddress: Int
        public var window: Duration

        public init(failuresPerAccount: Int = 5, failuresPerAddress: Int = 20, window: Duration = .seconds(15 * 60)) {
            self.failuresPerAccount = failuresPerAccount
            self.failuresPerAddress = failuresPerAddress
            self.window = window
        }
    }

    private struct State {
        var failures: [String: [ContinuousClock.Instant]] = [:]
        var sweptAt: ContinuousClock.Instant?
        var sweeps = 0
    }

    private let limits: Limits
    private let state = Mutex(State())
    /// Above this many tracked accounts and addresses, the expired ones are dropped, at most
    /// once a minute (a sweep on every failure would walk them all each time when they are
    /// all recent).
    let sweepThreshold: Int

    public convenience init(limits: Limits) {
        self.init(limits: limits, sweepThreshold: 50_000)
    }

    init(limits: Limits, sweepThreshold: Int) {
        self.limits = limits
        self.sweepThreshold = sweepThreshold
    }

    /// Accounts and addresses tracked and sweeps done (for tests).
    var tracked: (keys: Int, sweeps: Int) { state.withLock { ($0.failures.count, $0.sweeps) } }

    /// Seconds to wait before the next attempt, or nil when one may try now.
    public func retryAfter(account: String, address: String, now: ContinuousClock.Instant = .now) -> Int? {
        state.withLock { state in
            let failures = state.failures
            let waits = [("account:" + account.lowercased(), limits.failuresPerAccount), ("address:" + address, limits.failuresPerAddress)]
                .compactMap { key, limit -> Duration? in
                    let recent = (failures[key] ?? []).filter { now - $0 < limits.window }
                    guard recent.count >= limit, let oldest = recent.first else { return nil }
                    return limits.window - (now - oldest)
                }
            guard let longest = waits.max() else { return nil }
            return max(1, Int(longest.components.seconds) + 1)
        }
    }

    public func recordFailure(account: String, address: String, now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            for key in ["account:" + account.lowercased(), "address:" + address] {
                var recent = (state.failures[key] ?? []).filter { now - $0 < limits.window }
                recent.append(now)
                state.failures[key] = recent
            }
            if state.failures.count > sweepThreshold, state.sweptAt.map({ now - $0 >= .seconds(60) }) ?? true {
                state.sweptAt = now
                state.sweeps += 1
                state.failures = state.failures.filter { $0.value.contains { now - $0 < limits.window } }
            }
        }
    }

    public func recordSuccess(account: String) {
        _ = state.withLock { $0.failures.removeValue(forKey: "account:" + account.lowercased()) }
    }
}
