import CSystem
import Foundation
import HTTPServer
import Synchronization

/// What the bot remembers of a conversation: the topic of its last answer, so that "Und was
/// kostet das?" can refer to it. Keyed by a random session id the widget keeps in memory;
/// no personal data. Entries expire after the configured idle time.
final class Conversations: Sendable {
    struct State: Sendable {
        var lastIntent: String?
        var lastSeen: ContinuousClock.Instant
    }

    /// A reply the bot gave, so that feedback can refer to it.
    struct GivenAnswer: Sendable {
        var intent: String?
        var at: ContinuousClock.Instant
    }

    /// Two generations of each map: lookups read both, writes go to the current one, and
    /// when it is a time-to-live old (or holds half the capacity) the older generation is
    /// dropped whole. Expiry stays exact (every read checks the age); nothing walks or frees
    /// thousands of entries under the lock (a sweep under the lock stalled every request).
    private struct Generations<Value> {
        var current: [String: Value] = [:]
        var previous: [String: Value] = [:]

        subscript(key: String) -> Value? { current[key] ?? previous[key] }

        /// Starts a new generation; returns the dropped one, to be freed outside the lock.
        mutating func rotate() -> [String: Value] {
            let dropped = previous
            previous = current
            // Sized like the last one: growing from empty rehashes under the lock.
            current = Dictionary(minimumCapacity: previous.count)
            return dropped
        }
    }

    private struct Storage {
        var states = Generations<State>()
        var answers = Generations<GivenAnswer>()
        var rotatedAt = ContinuousClock.now
    }

    private let storage = Mutex(Storage())
    let timeToLive: Duration
    /// At most this many conversations and as many replies are remembered (a generation
    /// holds half).
    let capacity: Int

    init(timeToLive: Duration, capacity: Int = 50_000) {
        self.timeToLive = timeToLive
        self.capacity = capacity
    }

    func state(_ session: String, now: ContinuousClock.Instant = .now) -> State? {
        storage.withLock { storage in
            guard let state = storage.states[session], now - state.lastSeen < timeToLive else { return nil }
            return state
        }
    }

    /// Records a reply. `known`: the session came with the request (a new one has no earlier
    /// state to carry over).
    func update(_ session: String, lastIntent: String?, known: Bool = true, answer: (id: String, value: GivenAnswer),
                now: ContinuousClock.Instant = .now) {
        let dropped = storage.withLock { storage -> ([String: State], [String: GivenAnswer])? in
            let earlier = known ? storage.states[session].flatMap { now - $0.lastSeen < timeToLive ? $0 : nil } : nil
            storage.states.current[session] = State(lastIntent: lastIntent ?? earlier?.lastIntent, lastSeen: now)
            storage.answers.current[answer.id] = answer.value
            guard now - storage.rotatedAt >= timeToLive || storage.states.current.count >= capacity / 2
                || storage.answers.current.count >= capacity / 2 else { return nil }
            storage.rotatedAt = now
            return (storage.states.rotate(), storage.answers.rotate())
        }
        _ = dropped  // freed here, outside the lock
    }

    func answer(_ id: String, now: ContinuousClock.Instant = .now) -> GivenAnswer? {
        storage.withLock { storage in
            guard let answer = storage.answers[id], now - answer.at < timeToLive else { return nil }
            return answer
        }
    }

    /// 128 random bits as 32 hex digits (the kernel's CSPRNG through a pooled getrandom in
    /// the CSystem shim: one syscall per 8 bytes was 5% of a chat request).
    static func newIdentifier() -> String {
        var random = kh_random_128()
        if random.ok == 0 {
            var generator = SystemRandomNumberGenerator()
            random.high = generator.next()
            random.low = generator.next()
        }
        var digits: [UInt8] = []
        digits.reserveCapacity(32)
        Hex.append(random.high, to: &digits)
        Hex.append(random.low, to: &digits)
        return String(decoding: digits, as: UTF8.self)
    }

    static func isValidIdentifier(_ text: String) -> Bool {
        (8...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }
}
