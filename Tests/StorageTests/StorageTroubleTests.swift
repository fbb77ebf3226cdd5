import Foundation
import GRDB
import Storage
import Testing

/// Real SQLite failures, classified as a caller must answer them.
@Suite struct StorageTroubleTests {
    @Test func aFullDatabaseIsFull() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("k.sqlite").path, migrations: AppDatabaseTests.registry)
        try database.migrate()
        // The size limit as a stand-in for a full disk: SQLite answers both with SQLITE_FULL.
        try database.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        let failure = #expect(throws: DatabaseError.self) {
            try database.pool.write { db in
                for _ in 0..<100 { try db.execute(sql: "INSERT INTO note (text) VALUES (?)", arguments: [String(repeating: "x", count: 2000)]) }
            }
        }
        #expect(failure.flatMap { StorageTrouble($0) } == .full)
        // Nothing of the failed transaction stayed.
        #expect(try database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM note") } == 0)
    }

    @Test func aDatabaseLockedPastTheTimeoutIsBusy() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("k.sqlite").path
        let database = try AppDatabase(path: path, migrations: AppDatabaseTests.registry)
        try database.migrate()
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        let other = try DatabaseQueue(path: path, configuration: configuration)
        // The pool's writer holds the write lock while another connection tries to write.
        let failure = #expect(throws: DatabaseError.self) {
            try database.pool.write { db in
                try db.execute(sql: "INSERT INTO note (text) VALUES ('held')")
                try other.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES ('blocked')") }
            }
        }
        #expect(failure.flatMap { StorageTrouble($0) } == .busy)
    }

    @Test func otherErrorsAreNoTrouble() throws {
        let directory = try AppDatabaseTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try AppDatabase(path: directory.appendingPathComponent("k.sqlite").path, migrations: AppDatabaseTests.registry)
        try database.migrate()
        let failure = #expect(throws: DatabaseError.self) {
            try database.pool.write { db in try db.execute(sql: "INSERT INTO note (text) VALUES (NULL)") }
        }
        #expect(failure.flatMap { StorageTrouble($0) } == nil)
        #expect(StorageTrouble(CocoaError(.fileNoSuchFile)) == nil)
    }
}
