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

    /// "2026-11-24T07:49:43.865Z": UTC with milliseconds, without Foundation's formatters,
    /// which cost more than the rest of an access-log line.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
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
        pending.withLock { pending in
            pending.append(contentsOf: line.utf8)
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
/// (text or JSON), without building swift-log metadata for each request.
struct AccessLogWriter: Sendable {
    let format: StandardErrorLogHandler.Format
    let label: String

    func write(_ record: AccessRecord) {
        var line = StandardErrorLogHandler.timestamp()
        line.reserveCapacity(220)
        switch format {
        case .text:
            line += " info \(label): \(record.method) \(record.path) \(record.status) bytes=\(record.bytes) duration_ms=\(record.milliseconds)"
            line += " listener=\(record.listener) remote=\(record.remoteAddress) request_id=\(record.requestID) status=\(record.status)\n"
        case .json:
            let timestamp = line
            line = "{\"bytes\":\"\(record.bytes)\",\"duration_ms\":\"\(record.milliseconds)\",\"level\":\"info\",\"listener\":"
            line += JSONText.quoted(record.listener) + ",\"logger\":" + JSONText.quoted(label) + ",\"message\":"
            line += JSONText.quoted("\(record.method) \(record.path) \(record.status)") + ",\"remote\":" + JSONText.quoted(record.remoteAddress)
            line += ",\"request_id\":\"\(record.requestID)\",\"status\":\"\(record.status)\",\"time\":\"\(timestamp)\"}\n"
        }
        LogWriter.shared.write(line, immediately: false)
    }
}

/// JSON string literals for hand-built log lines.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
