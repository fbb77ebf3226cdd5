import GRDB
import Storage

/// The tables of the Auth module.
public enum AuthSchema {
    public static let migrations: [Migration] = [
        Migration("auth.1-users-sessions-tokens-audit") { db in
            try db.create(table: "user") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("username", .text).notNull().unique(onConflict: .abort).collate(.nocase)
                t.column("displayName", .text).notNull()
                // NULL for accounts that sign in only through the reverse proxy.
                t.column("passwordHash", .text)
                t.column("disabled", .boolean).notNull().defaults(to: false)
                t.column("createdAt", .datetime).notNull()
                t.column("lastLoginAt", .datetime)
            }
            try db.create(table: "userRole") { t in
                t.column("userId", .integer).notNull().references("user", onDelete: .cascade)
                t.column("role", .text).notNull()
                t.primaryKey(["userId", "role"])
            }
            try db.create(table: "session") { t in
                t.column("idHash", .text).primaryKey()
                t.column("userId", .integer).notNull().indexed().references("user", onDelete: .cascade)
                t.column("csrfToken", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("lastSeenAt", .datetime).notNull()
                t.column("remoteAddress", .text).notNull()
            }
            try db.create(table: "apiToken") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull()
                t.column("tokenHash", .text).notNull().unique()
                t.column("roles", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("createdBy", .text).notNull()
                t.column("lastUsedAt", .datetime)
                t.column("revokedAt", .datetime)
            }
            try db.create(table: "auditEvent") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull().indexed()
                t.column("actor", .text).notNull()
                t.column("action", .text).notNull().indexed()
                t.column("target", .text)
                t.column("remoteAddress", .text)
                t.column("detail", .text)
            }
        },
    ]
}
