import Foundation
import GRDB
import Storage

/// The audit log: who did what, when, from where. Features record their own events.
///
/// ```swift
/// try audit.record(AuditEvent(actor: principal.auditName, action: "booking.cancel", target: "room:12"))
/// let recent = try audit.events(limit: 50)
/// ```
public struct AuditLog: Sendable {
    let database: AppDatabase

    public init(database: AppDatabase) {
        self.database = database
    }

    public func record(_ event: AuditEvent) throws {
        try database.pool.write { db in try Self.record(event, in: db) }
    }

    /// Records inside a caller's transaction, so the event and the change commit together.
    public static func record(_ event: AuditEvent, in db: Database) throws {
        var event = event
        try event.insert(db)
    }

    /// Newest first; `before` pages backwards by id.
    public func events(limit: Int = 100, before: Int64? = nil, action: String? = nil, actor: String? = nil) throws -> [AuditEvent] {
        try database.pool.read { db in
            var request = AuditEvent.all()
            if let before { request = request.filter(Column("id") < before) }
            if let action { request = request.filter(Column("action") == action || Column("action").like("\(action).%")) }
            if let actor { request = request.filter(Column("actor") == actor) }
            return try request.order(Column("id").desc).limit(min(max(limit, 1), 1000)).fetchAll(db)
        }
    }
}
