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
        var current: [Key: Value] = [:]
        var previous: [Key: Value] = [:]

        subscript(key: Key) -> Value? { current[key] ?? previous[key] }

        /// Starts a new generation; returns the dropped one, to be freed outside the lock.
        mutating func rotate() -> [Key: Value] {
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

    func state(_ session: Key, now: ContinuousClock.Instant = .now) -> State? {
        storage.withLock { storage in
            guard let state = storage.states[session], now - state.lastSeen < timeToLive else { return nil }
            return state
        }
    }

    /// Records a reply. `known`: the session came with the request (a new one has no earlier
    /// state to carry over).
    func update(_ session: Key, lastIntent: String?, known: Bool = true, answer: (id: Key, value: GivenAnswer),
                now: ContinuousClock.Instant = .now) {
        let answerID = answer.id
        let dropped = storage.withLock { storage -> ([Key: State], [Key: GivenAnswer])? in
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
            guard let answer = storage.answers[Key(id)], now - answer.at < timeToLive else { return nil }
            return answer
        }
    }

    /// A session or reply id as a dictionary key. The ids the bot hands out are 128 random
    /// bits in 32 lower-case hex digits: read back as two integers, they are stored without
    /// string storage and hashed in two words (as strings, keys were a tenth of a repeated
    /// question's handling). Any other id a client sends (8–64 of `[A-Za-z0-9_-]`) is hashed
    /// to 128 bits with the process's random hashing seed.
    struct Key: Hashable, Sendable {
        let high: UInt64
        let low: UInt64

        fileprivate init(high: UInt64, low: UInt64) {
            self.high = high
            self.low = low
        }

        init(_ id: String) {
            if let (high, low) = Self.hexBits(id) {
                self.high = high
                self.low = low
            } else {
                var first = Hasher(), second = Hasher()
                first.combine(0 as UInt8)
                second.combine(1 as UInt8)
                for byte in id.utf8 {
                    first.combine(byte)
                    second.combine(byte)
                }
                // Both words come from the seeded hasher: choosing an id that meets another
                // (or one the bot handed out) would take the process's seed.
                high = UInt64(bitPattern: Int64(first.finalize()))
                low = UInt64(bitPattern: Int64(second.finalize()))
            }
        }

        /// The 128 bits of 32 lower-case hex digits, or nil for anything else.
        private static func hexBits(_ id: String) -> (UInt64, UInt64)? {
            guard id.utf8.count == 32 else { return nil }
            var high: UInt64 = 0, low: UInt64 = 0
            for (offset, byte) in id.utf8.enumerated() {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                default: return nil
                }
                if offset < 16 { high = high << 4 | UInt64(digit) } else { low = low << 4 | UInt64(digit) }
            }
            return (high, low)
        }
    }

    /// A new id: 128 random bits as 32 hex digits (the kernel's CSPRNG through a pooled
    /// getrandom in the CSystem shim: one syscall per 8 bytes was 5% of a chat request), and
    /// its key, made from the same bits (not parsed back from the text).
    static func newID() -> (text: String, key: Key) {
        var random = kh_random_128()
        if random.ok == 0 {
            var generator = SystemRandomNumberGenerator()
            random.high = generator.next()
            random.low = generator.next()
        }
        return (Hex.string(high: random.high, low: random.low), Key(high: random.high, low: random.low))
    }

    static func isValidIdentifier(_ text: String) -> Bool {
        (8...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }
}
