import GRDB

/// A named, append-only schema change owned by one module. Identifiers are never renamed or
/// reused once shipped; a new change is a new migration.
///
/// ```swift
/// Migration("auth.1-users") { db in
///     try db.create(table: "user") { t in ... }
/// }
/// ```
public struct Migration: Sendable {
    public let identifier: String
    public let migrate: @Sendable (Database) throws -> Void

    public init(_ identifier: String, migrate: @escaping @Sendable (Database) throws -> Void) {
        self.identifier = identifier
        self.migrate = migrate
    }
}

/// The one place where every module's migrations are registered, in order.
///
/// ```swift
/// var registry = MigrationRegistry()
/// registry.add(AuthSchema.migrations)
/// let database = try AppDatabase.open(at: path, migrations: registry)
/// ```
public struct MigrationRegistry: Sendable {
    public private(set) var migrations: [Migration] = []

    public init(_ migrations: [Migration] = []) {
        self.migrations = migrations
    }

    public mutating func add(_ more: [Migration]) {
        migrations.append(contentsOf: more)
    }

    var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
        }
        return migrator
    }
}
