import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on a data directory, held by a running daemon for its whole life, so a
/// second daemon or a restore cannot work on the same files at the same time.
///
/// ```swift
/// let lock = try DataDirectoryLock(directory: dataDirectory)   // throws when held
/// ```
public final class DataDirectoryLock: Sendable {
    private let descriptor: Int32
    public let path: String

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("kreishausd.lock")
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StorageError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw StorageError("the data directory \(directory) is in use by a running kreishausd (lock \(path))")
        }
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
