import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Which of a fixed set of stripes the calling thread uses, for state that every request
/// updates (log buffers, request statistics): each stripe has its own lock, and the request
/// threads, a handful made one after another, get stripes of their own, so they never wait
/// for each other. A thread always gets the same stripe.
public enum ThreadStripe {
    public static let count = 64

    /// The stripe of the calling thread.
    public static var current: Int { index(of: pthread_self()) }

    /// From a thread's id: on Linux the address of its descriptor, which glibc places at the
    /// top of the thread's stack. Stacks are whole pages plus a guard page apart, so the page
    /// number modulo the stripe count gives threads made one after another neighbouring
    /// stripes rather than a hash's chance collisions.
    public static func index(of thread: pthread_t) -> Int {
        Int(truncatingIfNeeded: (UInt64(thread) >> 12) % UInt64(count))
    }
}

/// One value per thread stripe, each behind its own lock and on cache lines of its own.
///
/// ```swift
/// let counts = ThreadStriped { 0 }
/// counts.withLock(at: ThreadStripe.current) { $0 += 1 }               // per request
/// let total = counts.indices.reduce(0) { sum, stripe in sum + counts.withLock(at: stripe) { $0 } }
/// ```
public final class ThreadStriped<Value: Sendable>: Sendable {
    private final class Slot: Sendable {
        let value: Mutex<Value>
        /// Keeps the next slot's lock off this one's cache line (and the neighbouring line
        /// the hardware fetches with it): slots are made one after another, and neighbouring
        /// threads use neighbouring stripes.
        let padding: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

        init(_ value: Value) {
            self.value = Mutex(value)
        }
    }

    private let slots: [Slot]

    public init(_ make: () -> Value) {
        slots = (0..<ThreadStripe.count).map { _ in Slot(make()) }
    }

    public var indices: Range<Int> { slots.indices }

    public func withLock<Result: Sendable>(at stripe: Int, _ body: (inout Value) -> Result) -> Result {
        slots[stripe].value.withLock { value in body(&value) }
    }
}
