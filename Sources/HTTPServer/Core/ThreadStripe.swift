#if canImport(Glibc)
import Glibc
#endif

/// Which of a fixed set of stripes the calling thread uses, for state that every request
/// updates (log buffers, request statistics): each stripe has its own lock, and the request
/// threads, a handful made one after another, get stripes of their own, so they never wait
/// for each other. A thread always gets the same stripe.
public enum ThreadStripe {
    /// Put into each stripe's object so that no two stripes share a cache line (nor the
    /// neighbouring line the hardware fetches with it): stripes are made one after another,
    /// and neighbouring threads use neighbouring stripes.
    public typealias Padding = (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int)
    public static let padding: Padding = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

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
