import Foundation
import GRDB
import Synchronization
import Storage
import Testing

@Suite struct AppDatabaseTests {
    static let registry = MigrationRegistry([
        Migration("test.1-notes") { db in
            try db.create(table: "note") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("text", .text).notNull()
            }
        },
    ])

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func aHealthCheckThatReadTheClockEarlierTrustsALaterSuccess() throws {
        // Under load: one thread reads the clock, another stores a success taken a moment
        // later, then the first compares. Its "age" is negative: fresh, not a trap.
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("k.sqlite").path, migrations: Self.registry)
        #expect(database.isHealthy(now: 2_000_000_000))
        #expect(database.isHealthy(now: 1_999_000_000))
        #expect(database.isHealthy(now: 2_400_000_000))  // 0.4 s later: still trusted, no query
        try database.pool.close()
        #expect(database.isHealthy(now: 2_499_000_000))  // trusted: the closed pool is not asked
        #expect(!database.isHealthy(now: 2_600_000_000))  // stale: asked, and it cannot answer
    }

    @Test func opensInWALWithForeignKeysAndMigrates() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("k.sqlite").path, migrations: Self.registry)
        #expect(try database.pendingMigrations() == ["test.1-notes"])
        #expect(try database.migrate() == ["test.1-notes"])
        #expect(try database.pendingMigrations().isEmpty)
        let (journal, foreignKeys, synchronous) = try database.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA synchronous"))
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        #expect(synchronous != nil)
        let writerSynchronous = try database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(writerSynchronous == 2)  // FULL
        #expect(database.isHealthy())
    }

    @Test func backupIsConsistentAndRestoreBringsItBack() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("k.sqlite").path
        let backupPath = directory.appendingPathComponent("backups/k-backup.sqlite").path
        let database = try AppDatabase.open(at: path, migrations: Self.registry)
        try database.pool.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('vor der Sicherung')") }
        try database.backup(to: backupPath)
        try database.pool.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('nach der Sicherung')") }
        try database.close()

        try AppDatabase.restore(from: backupPath, to: path)
        let restored = try AppDatabase.open(at: path, migrations: Self.registry)
        let notes = try restored.pool.read { db in try String.fetchAll(db, sql: "SELECT text FROM note ORDER BY id") }
        #expect(notes == ["vor der Sicherung"])
        #expect(FileManager.default.fileExists(atPath: path + ".before-restore"))
        let kept = try DatabaseQueue(path: path + ".before-restore")
        #expect(try kept.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM note") } == 2)
    }

    @Test func restoreRefusesWhatIsNoKreishausBackup() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let garbage = directory.appendingPathComponent("garbage.sqlite")
        try Data("not a database at all, just text".utf8).write(to: garbage)
        #expect(throws: (any Error).self) { try AppDatabase.restore(from: garbage.path, to: directory.appendingPathComponent("k.sqlite").path) }
        let empty = try DatabaseQueue(path: directory.appendingPathComponent("empty.sqlite").path)
        try empty.write { db in try db.execute(sql: "CREATE TABLE x (a)") }
        try empty.close()
        #expect(throws: StorageError.self) {
            try AppDatabase.restore(from: directory.appendingPathComponent("empty.sqlite").path, to: directory.appendingPathComponent("k.sqlite").path)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("k.sqlite").path))
    }

    @Test func aDataDirectoryCanBeLockedOnlyOnce() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lock = try DataDirectoryLock(directory: directory.path)
        #expect(throws: StorageError.self) { try DataDirectoryLock(directory: directory.path) }
        _ = lock
    }
}
