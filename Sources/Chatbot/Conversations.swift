import CSystem
import Foundation
import HTTPServer
import Synchronization
import TextAnalysis

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
    /// Keyed by the ids' bytes (`UTF8Key`: String keys hash through Unicode normalisation).
    private struct Generations<Value> {
        var current: [UTF8Key: Value] = [:]
        var previous: [UTF8Key: Value] = [:]

        subscript(key: UTF8Key) -> Value? { current[key] ?? previous[key] }

        /// Starts a new generation; returns the dropped one, to be freed outside the lock.
        mutating func rotate() -> [UTF8Key: Value] {
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
            guard let state = storage.states[UTF8Key(session)], now - state.lastSeen < timeToLive else { return nil }
            return state
        }
    }

    /// Records a reply. `known`: the session came with the request (a new one has no earlier
    /// state to carry over).
    func update(_ session: String, lastIntent: String?, known: Bool = true, answer: (id: String, value: GivenAnswer),
                now: ContinuousClock.Instant = .now) {
        let session = UTF8Key(session), answerID = UTF8Key(answer.id)
        let dropped = storage.withLock { storage -> ([UTF8Key: State], [UTF8Key: GivenAnswer])? in
            let earlier = known ? storage.states[session].flatMap { now - $0.lastSeen < timeToLive ? $0 : nil } : nil
            // Only a topic is worth keeping: a conversation without one (a first question
            // that got a fallback) reads the same with no entry, and costs none.
            if let topic = lastIntent ?? earlier?.lastIntent {
                storage.states.current[session] = State(lastIntent: topic, lastSeen: now)
            }
            storage.answers.current[answerID] = answer.value
            guard now - storage.rotatedAt >= timeToLive || storage.states.current.count >= capacity / 2
                || storage.answers.current.count >= capacity / 2 else { return nil }
            storage.rotatedAt = now
            return (storage.states.rotate(), storage.answers.rotate())
        }
        _ = dropped  // freed here, outside the lock
    }

    func answer(_ id: String, now: ContinuousClock.Instant = .now) -> GivenAnswer? {
        storage.withLock { storage in
            guard let answer = storage.answers[UTF8Key(id)], now - answer.at < timeToLive else { return nil }
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
