import Foundation
import GRDB

/// A person who signs in.
public struct User: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "user"
    public var id: Int64?
    public var username: String
    public var displayName: String
    public var passwordHash: String?
    public var disabled: Bool
    public var createdAt: Date
    public var lastLoginAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

struct UserRole: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "userRole"
    var userId: Int64
    var role: String
}

/// A browser session; the id itself is only in the cookie, the database keeps its digest.
struct Session: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "session"
    var idHash: String
    var userId: Int64
    var csrfToken: String
    var createdAt: Date
    var lastSeenAt: Date
    var remoteAddress: String
}

/// A Bearer token for scripts and the scan station; the token itself is shown once.
public struct APIToken: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "apiToken"
    public var id: Int64?
    public var name: String
    var tokenHash: String
    /// Space-separated role names.
    var roles: String
    public var createdAt: Date
    public var createdBy: String
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public var roleSet: Set<String> { Set(roles.split(separator: " ").map(String.init)) }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One entry of the audit log.
public struct AuditEvent: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditEvent"
    public var id: Int64?
    public var at: Date
    public var actor: String
    public var action: String
    public var target: String?
    public var remoteAddress: String?
    public var detail: String?

    public init(at: Date = Date(), actor: String, action: String, target: String? = nil, remoteAddress: String? = nil, detail: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.target = target
        self.remoteAddress = remoteAddress
        self.detail = detail
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
