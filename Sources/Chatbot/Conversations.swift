import CSystem
import Foundation
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

    private struct Storage {
        var states: [String: State] = [:]
        var answers: [String: GivenAnswer] = [:]
        var lastSweep = ContinuousClock.now
    }

    private let storage = Mutex(Storage())
    let timeToLive: Duration
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

    func update(_ session: String, lastIntent: String?, answer: (id: String, value: GivenAnswer), now: ContinuousClock.Instant = .now) {
        storage.withLock { storage in
            storage.states[session] = State(lastIntent: lastIntent ?? storage.states[session]?.lastIntent, lastSeen: now)
            storage.answers[answer.id] = answer.value
            // Expired entries go in a sweep at most every ten seconds (a sweep walks every
            // entry; per request it cost a fifth of a chat request under load).
            if now - storage.lastSweep > .seconds(10) {
                storage.lastSweep = now
                let ttl = timeToLive
                storage.states = storage.states.filter { now - $0.value.lastSeen < ttl }
                storage.answers = storage.answers.filter { now - $0.value.at < ttl }
            }
            // A flood of new sessions beyond the capacity: forget them all rather than grow.
            if storage.states.count > capacity { storage.states.removeAll(keepingCapacity: true) }
            if storage.answers.count > capacity { storage.answers.removeAll(keepingCapacity: true) }
        }
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
        var digits = [UInt8](repeating: 0, count: 32)
        for (half, value) in [random.high, random.low].enumerated() {
            for position in 0..<16 {
                digits[half * 16 + position] = hexDigits[Int((value >> UInt64(60 - 4 * position)) & 0xF)]
            }
        }
        return String(decoding: digits, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func isValidIdentifier(_ text: String) -> Bool {
        (8...64).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
        }
    }
}
