import GRDB

/// Database failures that are nobody's input and may pass: the disk is full, another writer
/// held the database past the busy timeout, or the file cannot be read or written. Callers
/// answer them as "try again later" rather than as a fault of the code.
public enum StorageTrouble: Sendable, Equatable {
    /// SQLITE_FULL: the disk (or the database's size limit) is full.
    case full
    /// SQLITE_BUSY, SQLITE_LOCKED: still locked when the busy timeout ran out.
    case busy
    /// SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN: the file cannot be read or written.
    case unavailable

    /// The trouble behind `error`, or nil when it is no such database failure.
    public init?(_ error: any Error) {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: self = .full
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy
        case .SQLITE_IOERR, .SQLITE_READONLY, .SQLITE_CANTOPEN: self = .unavailable
        default: return nil
        }
    }
}
