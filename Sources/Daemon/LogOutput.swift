import Foundation
import HTTPServer
import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Log lines to standard error, as text or one JSON object per line. Metadata values are
/// what callers chose to log; bodies, cookies and tokens are never passed in.
struct StandardErrorLogHandler: LogHandler {
    enum Format: Sendable { case text, json }

    let label: String
    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    init(label: String, format: Format, level: Logger.Level) {
        self.label = label
        self.format = format
        self.logLevel = level
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.isEmpty ? (event.metadata ?? [:]) : metadata.merging(event.metadata ?? [:]) { $1 }
        var line = Self.timestamp()
        line.reserveCapacity(200)
        switch format {
        case .text:
            line += " \(event.level) \(label): \(event.message)"
            for key in merged.keys.sorted() {
                line += " \(key)=\(merged[key]!)"
            }
            line += "\n"
        case .json:
            var object: [String: String] = ["time": line, "level": event.level.rawValue, "logger": label, "message": "\(event.message)"]
            for (key, value) in merged where object[key] == nil { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        LogWriter.shared.write(line, immediately: event.level >= .warning)
    }

    /// "2026-11-24T07:49:43.865Z": UTC with milliseconds, without Foundation's formatters.
    static func timestamp() -> String {
        var line = LogLine()
        line.timestamp()
        return String(decoding: line.bytes, as: UTF8.self)
    }
}

enum LogSetup {
    private static let done = Mutex(false)

    static var isBootstrapped: Bool { done.withLock { $0 } }

    /// Bootstraps swift-log once per process.
    static func bootstrap(format: Configuration.LogFormat, level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                StandardErrorLogHandler(label: label, format: format == .json ? .json : .text, level: level)
            }
        }
    }
}

/// Writes log lines to standard error. Lines of level info and below are collected and
/// written every 100 ms (or at 64 KiB), which takes a system call off every request;
/// warnings and errors are written at once, in order with what came before.
final class LogWriter: Sendable {
    static let shared = LogWriter()
    private let pending = Mutex<[UInt8]>([])

    private init() {
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 0.1)
                flush()
            }
        }
        thread.name = "kreishausd-log"
        thread.start()
    }

    func write(_ line: String, immediately: Bool) {
        write(bytes: Array(line.utf8), immediately: immediately)
    }

    func write(bytes line: [UInt8], immediately: Bool) {
        pending.withLock { pending in
            pending.append(contentsOf: line)
            if immediately || pending.count >= 64 * 1024 {
                Self.emit(&pending)
            }
        }
    }

    /// Writes what is pending (at shutdown, and by the background thread).
    func flush() {
        pending.withLock { Self.emit(&$0) }
    }

    private static func emit(_ pending: inout [UInt8]) {
        guard !pending.isEmpty else { return }
        FileHandle.standardError.write(Data(pending))
        pending.removeAll(keepingCapacity: true)
    }
}

/// Writes access-log lines straight to the log stream, formatted like every other line
/// (text or JSON), as bytes: string interpolation cost more than the rest of a request.
struct AccessLogWriter: Sendable {
    let format: StandardErrorLogHandler.Format
    let label: String

    func write(_ record: AccessRecord) {
        var line = LogLine()
        switch format {
        case .text:
            line.timestamp()
            line += " info "; line += label; line += ": "
            line += record.method; line += " "; line += record.path; line += " "; line.number(record.status)
            line += " bytes="; line.number(record.bytes)
            line += " duration_ms="; line.milliseconds(record.microseconds)
            line += " listener="; line += record.listener
            line += " remote="; line += record.remoteAddress
            line += " request_id="; line += record.requestID
            line += " status="; line.number(record.status)
        case .json:
            line += "{\"bytes\":\""; line.number(record.bytes)
            line += "\",\"duration_ms\":\""; line.milliseconds(record.microseconds)
            line += "\",\"level\":\"info\",\"listener\":"; line += JSONWriter.quoted(record.listener)
            line += ",\"logger\":"; line += JSONWriter.quoted(label)
            line += ",\"message\":"; line += JSONWriter.quoted("\(record.method) \(record.path) \(record.status)")
            line += ",\"remote\":"; line += JSONWriter.quoted(record.remoteAddress)
            line += ",\"request_id\":\""; line += record.requestID
            line += "\",\"status\":\""; line.number(record.status)
            line += "\",\"time\":\""; line.timestamp(); line += "\"}"
        }
        line += "\n"
        LogWriter.shared.write(bytes: line.bytes, immediately: false)
    }
}

/// A log line assembled as UTF-8 bytes.
struct LogLine {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(256)
    }

    static func += (line: inout LogLine, text: String) {
        line.bytes.append(contentsOf: text.utf8)
    }

    mutating func number(_ value: Int) {
        if value < 0 { bytes.append(UInt8(ascii: "-")); number(-value); return }
        if value >= 10 { number(value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    mutating func padded(_ value: Int, width: Int) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// "1.234" for 1234 µs.
    mutating func milliseconds(_ microseconds: Int) {
        number(microseconds / 1000)
        bytes.append(UInt8(ascii: "."))
        padded(microseconds % 1000, width: 3)
    }

    /// "2026-11-24T07:49:43.865Z" (UTC).
    mutating func timestamp() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        padded(Int(parts.tm_year) + 1900, width: 4); bytes.append(UInt8(ascii: "-"))
        padded(Int(parts.tm_mon) + 1, width: 2); bytes.append(UInt8(ascii: "-"))
        padded(Int(parts.tm_mday), width: 2); bytes.append(UInt8(ascii: "T"))
        padded(Int(parts.tm_hour), width: 2); bytes.append(UInt8(ascii: ":"))
        padded(Int(parts.tm_min), width: 2); bytes.append(UInt8(ascii: ":"))
        padded(Int(parts.tm_sec), width: 2); bytes.append(UInt8(ascii: "."))
        padded(Int(now.tv_nsec / 1_000_000), width: 3); bytes.append(UInt8(ascii: "Z"))
    }
}
