import Foundation
import GRDB
import Logging
import Synchronization

/// The daemon's SQLite database: a GRDB `DatabasePool` in WAL mode with foreign keys, a busy
/// timeout and `synchronous=FULL`, so that a write that was acknowledged survives a crash.
///
/// ```swift
/// let database = try AppDatabase.open(at: "data/kreishaus.sqlite", migrations: registry)
/// try database.pool.write { db in try user.insert(db) }
/// ```
public final class AppDatabase: Sendable {
    public let pool: DatabasePool
    public let path: String
    private let registry: MigrationRegistry
    /// Uptime (ns) of the last successful health query.
    private let lastHealthy = Atomic<UInt64>(0)

    /// Opens (creating when missing) the database; does not migrate.
    public init(path: String, migrations: MigrationRegistry, readonly: Bool = false) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.readonly = readonly
        configuration.label = "kreishaus"
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.pool = try DatabasePool(path: path, configuration: configuration)
        if !readonly {
            // GRDB picks NORMAL for WAL, which may lose the last commits on power loss; the
            // single writer connection keeps FULL for its whole life.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        self.path = path
        self.registry = migrations
    }

    /// Opens the database and applies every pending migration.
    public static func open(at path: String, migrations: MigrationRegistry) throws -> AppDatabase {
        let database = try AppDatabase(path: path, migrations: migrations)
        try database.migrate()
        return database
    }

    /// Applies pending migrations; returns their identifiers.
    @discardableResult
    public func migrate() throws -> [String] {
        let pending = try pendingMigrations()
        try registry.migrator.migrate(pool)
        return pending
    }

    public func pendingMigrations() throws -> [String] {
        let applied = try pool.read { db in try registry.migrator.appliedIdentifiers(db) }
        return registry.migrations.map(\.identifier).filter { !applied.contains($0) }
    }

    /// Whether the database answers a query. A success is trusted for `maxAge`, so health
    /// probes under load do not each take a connection; a failure is never cached.
    /// `now`: the monotonic clock in nanoseconds (a parameter for tests).
    public func isHealthy(maxAge: Duration = .milliseconds(500), now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Bool {
        let last = lastHealthy.load(ordering: .relaxed)
        // Another thread may have stored a success taken after `now` was read: that is fresh
        // too (and `now - last` would underflow and trap).
        if last != 0 && (last >= now || Duration.nanoseconds(now - last) < maxAge) { return true }
        guard (try? pool.read({ db in try Int.fetchOne(db, sql: "SELECT 1") })) == 1 else { return false }
        lastHealthy.store(now, ordering: .relaxed)
        return true
    }

    /// Makes a consistent copy while the daemon keeps running (SQLite's online backup), checks
    /// it and moves it into place at `destination` atomically.
    public func backup(to destination: String) throws {
        let target = URL(fileURLWithPath: destination)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial")
        try? FileManager.default.removeItem(at: partial)
        do {
            let copy = try DatabaseQueue(path: partial.path)
            try pool.backup(to: copy)
            try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try Self.checkIntegrity(of: copy)
            try copy.close()
            if FileManager.default.fileExists(atPath: target.path) {
                _ = try FileManager.default.replaceItemAt(target, withItemAt: partial)
            } else {
                try FileManager.default.moveItem(at: partial, to: target)
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }

    /// Replaces the database at `path` by the backup at `source`. The daemon must be stopped
    /// (the data directory lock says so). The backup is checked before anything is touched,
    /// and the old database is kept beside it as `<name>.before-restore`.
    public static func restore(from source: String, to path: String) throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StorageError("backup file \(source) does not exist")
        }
        var configuration = Configuration()
        configuration.readonly = true
        let backup = try DatabaseQueue(path: source, configuration: configuration)
        try checkIntegrity(of: backup)
        let isKreishaus = try backup.read { db in try db.tableExists("grdb_migrations") }
        try backup.close()
        guard isKreishaus else { throw StorageError("\(source) is not a Kreishaus database (no migrations table)") }

        let target = URL(fileURLWithPath: path)
        let manager = FileManager.default
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let staged = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).restoring")
        try? manager.removeItem(at: staged)
        try manager.copyItem(atPath: source, toPath: staged.path)
        if manager.fileExists(atPath: path) {
            // Fold the old WAL into the old file so the kept copy is complete.
            let old = try DatabaseQueue(path: path)
            try old.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try old.close()
            let kept = path + ".before-restore"
            try? manager.removeItem(atPath: kept)
            try manager.moveItem(atPath: path, toPath: kept)
        }
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: path + suffix) }
        try manager.moveItem(at: staged, to: target)
    }

    static func checkIntegrity(of database: some DatabaseReader) throws {
        let result = try database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        guard result == ["ok"] else {
            throw StorageError("integrity check failed: \(result.prefix(5).joined(separator: "; "))")
        }
    }

    /// Closes every connection; later use throws.
    public func close() throws {
        try pool.close()
    }
}

/// A storage failure with a message for the operator.
public struct StorageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
