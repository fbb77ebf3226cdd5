import Foundation
import HTTPServerTesting
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The built `kreishausd` binary, run as a separate process the way an operator runs it.
/// `make test` builds it before the tests run.
final class DaemonProcess: Sendable {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        get throws {
            let url = repository.appendingPathComponent(".build/debug/kreishausd")
            guard FileManager.default.isExecutableFile(atPath: url.path) else {
                throw Failure(description: "\(url.path) is missing: run `swift build` (make test does) before `swift test`")
            }
            return url
        }
    }

    let process: Process
    let dataDirectory: URL
    let intranetPort: Int
    let publicPort: Int
    let output = Locked("")
    private let errors = Pipe()

    /// Environment for a daemon on `dataDirectory` with ephemeral ports and a cheap scrypt.
    static func environment(_ dataDirectory: URL) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["KREISHAUS_DATA_DIR"] = dataDirectory.path
        environment["KREISHAUS_INTRANET_PORT"] = "0"
        environment["KREISHAUS_PUBLIC_PORT"] = "0"
        environment["KREISHAUS_PASSWORD_HASH_COST"] = "10"
        environment["KREISHAUS_LOG_LEVEL"] = "notice"
        return environment
    }

    /// Runs a command to completion; returns its exit status, standard output and error.
    static func run(_ arguments: [String], dataDirectory: URL) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = try binary
        process.arguments = arguments
        process.environment = environment(dataDirectory)
        process.currentDirectoryURL = repository
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes at once: read one after the other, a child that fills the second pipe
        // (64 KB) before closing the first would wait for us while we wait for it.
        let err = Locked(Data())
        let readingErrors = DispatchGroup()
        DispatchQueue.global().async(group: readingErrors) {
            let data = try? errors.fileHandleForReading.readToEndOfFile()
            err.withLock { $0 = data ?? Data() }
        }
        let out = try output.fileHandleForReading.readToEndOfFile()
        readingErrors.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err.withLock { $0 }, as: UTF8.self))
    }

    /// Runs a command to completion; returns its standard output.
    @discardableResult
    static func command(_ arguments: [String], dataDirectory: URL) throws -> String {
        let process = Process()
        process.executableURL = try binary
        process.arguments = arguments
        process.environment = environment(dataDirectory)
        process.currentDirectoryURL = repository
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = try pipe.fileHandleForReading.readToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "kreishausd \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts `kreishausd serve` and waits until it is ready.
    init(dataDirectory: URL, environment extra: [String: String] = [:]) throws {
        self.dataDirectory = dataDirectory
        process = Process()
        process.executableURL = try Self.binary
        process.arguments = ["serve"]
        var environment = Self.environment(dataDirectory).merging(extra) { $1 }
        environment["KREISHAUS_LOG_LEVEL"] = "info"
        process.environment = environment
        process.currentDirectoryURL = Self.repository
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let output = self.output
        errors.fileHandleForReading.readabilityHandler = { handle in
            let chunk = String(decoding: handle.availableData, as: UTF8.self)
            output.withLock { $0 += chunk }
        }
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        var ports: (Int, Int)?
        while Date() < deadline, process.isRunning {
            ports = output.withLock { Self.ports(in: $0) }
            if ports != nil { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let ports else {
            process.terminate()
            throw Failure(description: "kreishausd did not become ready: \(output.withLock { $0 })")
        }
        (intranetPort, publicPort) = ports
    }

    private static func ports(in log: String) -> (Int, Int)? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains(" ready ") }) else { return nil }
        func port(_ key: String) -> Int? {
            guard let range = line.range(of: "\(key)=http://127.0.0.1:") else { return nil }
            return Int(line[range.upperBound...].prefix { $0.isNumber })
        }
        guard let intranet = port("intranet"), let publicPort = port("public") else { return nil }
        return (intranet, publicPort)
    }

    /// Closes the reading end of the daemon's standard error, as a log collector that goes
    /// away does: its next log write fails.
    func closeStandardError() throws {
        errors.fileHandleForReading.readabilityHandler = nil
        try errors.fileHandleForReading.close()
    }

    var intranet: LiveClient { LiveClient(port: intranetPort) }
    var publicSite: LiveClient { LiveClient(port: publicPort) }

    func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end; returns its exit status (or -signal).
    func waitForExit(timeout: TimeInterval = 30) throws -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        guard !process.isRunning else {
            process.terminate()
            throw Failure(description: "kreishausd did not exit within \(timeout) s")
        }
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }
}

extension FileHandle {
    /// Everything up to the end of the file, read again when a signal interrupts the read.
    /// Foundation's `readDataToEndOfFile()` traps on EINTR ("Interrupted system call": the
    /// SIGCHLD of another test's child process landing on the reading thread took a whole run
    /// down), and its `readToEnd()` throws away what it had read.
    func readToEndOfFile() throws -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = Glibc.read(fileDescriptor, &buffer, buffer.count)
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count == 0 {
                return data
            } else if errno != EINTR {
                throw DaemonProcess.Failure(description: "reading a child's output: \(String(cString: strerror(errno)))")
            }
        }
    }
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) {
        storage = Mutex(value)
    }

    func withLock<Result: Sendable>(_ body: (inout sending Value) -> sending Result) -> Result {
        storage.withLock(body)
    }
}
