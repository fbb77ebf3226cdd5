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

    private let limits: Limits
    private let failures = Mutex<[String: [ContinuousClock.Instant]]>([:])

    public init(limits: Limits) {
        self.limits = limits
    }

    /// Seconds to wait before the next attempt, or nil when one may try now.
    public func retryAfter(account: String, address: String, now: ContinuousClock.Instant = .now) -> Int? {
        failures.withLock { failures in
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
        failures.withLock { failures in
            for key in ["account:" + account.lowercased(), "address:" + address] {
                var recent = (failures[key] ?? []).filter { now - $0 < limits.window }
                recent.append(now)
                failures[key] = recent
            }
            if failures.count > 50_000 {
                failures = failures.filter { $0.value.contains { now - $0 < limits.window } }
            }
        }
    }

    public func recordSuccess(account: String) {
        _ = failures.withLock { $0.removeValue(forKey: "account:" + account.lowercased()) }
    }
}
