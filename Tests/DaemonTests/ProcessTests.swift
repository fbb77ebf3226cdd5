import Foundation
import GRDB
import HTTPServerTesting
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The daemon as a process: signals, crashes, restarts.
@Suite(.serialized) struct ProcessTests {
    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-process-\(UUID().uuidString)")
    }

    @Test func sigtermLetsASlowRequestFinishAndExitsZero() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try DaemonProcess(dataDirectory: directory)

        // A client that trickles its body over about 1.5 s. SIGTERM goes out once the server
        // has taken the request (its `100 Continue`), not after a guessed delay.
        let body = Data(#"{"username": "admin", "password": "not-the-password"}"#.utf8)
        let head = "POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n"
            + "Expect: 100-continue\r\nConnection: close\r\n\r\n"
        let client = daemon.intranet
        let pending = Task {
            try await onOwnThread {
                try client.sendAfterContinue(head: head, body: body, chunkSize: 10, pause: .milliseconds(250)) {
                    daemon.signal(SIGTERM)
                }
            }
        }
        let response = try await pending.value
        #expect(response.status == .unauthorized, "the request was answered, not cut off")
        #expect(try daemon.waitForExit() == 0)
        #expect(daemon.output.withLock { $0 }.contains("stopped"))
    }

    @Test func killDashNineLosesNoAcknowledgedWrite() async throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let created = try DaemonProcess.command(["tokens", "create", "--role", "admin", "--name", "loader"], dataDirectory: directory)
        let token = try #require(created.split(separator: "\n").last.map(String.init))
        #expect(token.hasPrefix("kh_"))

        let daemon = try DaemonProcess(dataDirectory: directory)
        let acknowledged = Locked<[String]>([])
        let client = daemon.intranet
        let writers = (0..<4).map { writer in
            Task { try await onOwnThread {
                for index in 0..<10_000 {
                    let name = "w\(writer)-\(index)"
                    guard let response = try? client.request("POST", "/api/tokens", headers: [
                        ("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
                    ], body: Data(#"{"name": "\#(name)", "roles": ["employee"]}"#.utf8)) else { return }
                    guard response.status == .created else { return }
                    acknowledged.withLock { $0.append(name) }
                }
            } }
        }
        let loaded = try await eventually(timeout: .seconds(60)) { acknowledged.withLock { $0.count } >= 200 }
        #expect(loaded, "only \(acknowledged.withLock { $0.count }) writes acknowledged")
        daemon.signal(SIGKILL)
        for writer in writers { try await writer.value }
        #expect(try daemon.waitForExit() == -SIGKILL)
        let names = acknowledged.withLock { $0 }

        // Restart on the same data: the database must be intact and hold every acknowledged write.
        let restarted = try DaemonProcess(dataDirectory: directory)
        let list = try restarted.intranet.request("GET", "/api/tokens", headers: [("Authorization", "Bearer \(token)")])
        #expect(list.status == .ok)
        let stored = Set(((list.json?["tokens"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        let lost = names.filter { !stored.contains($0) }
        #expect(lost.isEmpty, "acknowledged but lost: \(lost.prefix(10))")
        restarted.signal(SIGTERM)
        #expect(try restarted.waitForExit() == 0)

        let database = try DatabaseQueue(path: directory.appendingPathComponent("kreishaus.sqlite").path)
        let integrity: [String] = try await database.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        #expect(integrity == ["ok"])
    }

    @Test func theCommandLineReportsConfigurationErrorsWithFileAndLine() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("kaputt.yaml")
        try "organisation: Test\nlisteners:\n  public:\n    port: achtzig\n".write(to: file, atomically: true, encoding: .utf8)

        let check = try DaemonProcess.run(["config", "check", "--config", file.path], dataDirectory: directory)
        #expect(check.status == 1)
        #expect(check.errors.contains("\(file.path):4: listeners.public.port"))
        let serve = try DaemonProcess.run(["serve", "--config", file.path], dataDirectory: directory)
        #expect(serve.status == 1, "the daemon refuses to start on a broken configuration")

        let good = try DaemonProcess.run(["config", "check"], dataDirectory: directory)
        #expect(good.status == 0)
        #expect(good.output.contains("Konfiguration in Ordnung"))
        #expect(good.output.contains("Anfragen:     5 je Sekunde und Adresse, bis zu 30 auf einmal (Proxys: keine)"))
        let version = try DaemonProcess.run(["--version"], dataDirectory: directory)
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let unknownRole = try DaemonProcess.run(["tokens", "create", "--name", "x", "--role", "kaiser"], dataDirectory: directory)
        #expect(unknownRole.status == 1)
        #expect(unknownRole.errors.contains("Unbekannte Rolle"))
    }

    @Test func aVanishedLogReaderDoesNotStopTheDaemon() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try DaemonProcess(dataDirectory: directory)
        try daemon.closeStandardError()
        // Each request writes an access-log line; the log thread writes every 100 ms.
        for _ in 0..<5 {
            #expect(try daemon.intranet.request("GET", "/healthz").status == .ok)
            Thread.sleep(forTimeInterval: 0.15)
        }
        #expect(daemon.process.isRunning)
        #expect(try daemon.publicSite.request("GET", "/healthz").status == .ok)
        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit() == 0)
    }

    @Test func aSecondDaemonOnTheSameDataIsRefused() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let daemon = try DaemonProcess(dataDirectory: directory)
        defer { daemon.signal(SIGTERM); _ = try? daemon.waitForExit() }
        #expect(throws: DaemonProcess.Failure.self) { try DaemonProcess(dataDirectory: directory) }
    }

    @Test func backupWhileRunningAndRestoreWhileStopped() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try DaemonProcess.command(["users", "add", "vorher", "--role", "employee"], dataDirectory: directory)
        let daemon = try DaemonProcess(dataDirectory: directory)
        let backup = directory.appendingPathComponent("sicherung.sqlite").path
        let said = try DaemonProcess.command(["backup", backup], dataDirectory: directory)
        #expect(said.contains("Integritätsprüfung ok"))
        try DaemonProcess.command(["users", "add", "nachher", "--role", "employee"], dataDirectory: directory)
        #expect(throws: DaemonProcess.Failure.self, "restore refuses while the daemon runs") {
            try DaemonProcess.command(["restore", backup], dataDirectory: directory)
        }
        daemon.signal(SIGTERM)
        #expect(try daemon.waitForExit() == 0)
        try DaemonProcess.command(["restore", backup], dataDirectory: directory)
        let users = try DaemonProcess.command(["users", "list"], dataDirectory: directory)
        #expect(users.contains("vorher"))
        #expect(!users.contains("nachher"))
    }
}
