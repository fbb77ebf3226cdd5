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
        let message = "\(event.message)"
        LogWriter.shared.append(immediately: event.level >= .warning) { line in
            Self.format(line: &line, format: format, level: event.level, label: label, message: message, metadata: merged)
        }
    }

    /// One log line. Text: values are written as they are, except control characters,
    /// which are escaped so that nothing logged can start a line of its own (a newline in
    /// an error's description, say). JSON: one object, escaped as JSON requires.
    static func format(line: inout LogLine, format: Format, level: Logger.Level, label: String, message: String,
                       metadata: Logger.Metadata) {
        switch format {
        case .text:
            line.timestamp()
            line += " "; line += level.rawValue; line += " "; line += label; line += ": "
            line.bytes.appendUTF8EscapingControls(message)
            for key in metadata.keys.sorted() {
                line += " "; line.bytes.appendUTF8EscapingControls(key); line += "="
                line.bytes.appendUTF8EscapingControls("\(metadata[key]!)")
            }
            line += "\n"
        case .json:
            var time = LogLine()
            time.timestamp()
            var object: [String: String] = ["time": String(decoding: time.bytes, as: UTF8.self), "level": level.rawValue,
                                            "logger": label, "message": message]
            for (key, value) in metadata where object[key] == nil { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line.bytes.append(contentsOf: data)
            line += "\n"
        }
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
/// warnings and errors are written at once, after everything collected before them.
///
/// Lines collect in one of 64 buffers chosen by the writing thread (`ThreadStripe`), so the
/// request threads never wait for one another: one buffer behind one lock cost about a
/// twentieth of `/healthz`'s CPU at 64 connections, most of it in the kernel's
/// priority-inheritance futex under Swift's `Mutex`. A thread always uses the same buffer,
/// so its lines stay in order; lines of different threads within one 100 ms window are
/// written grouped by buffer, each with its own timestamp.
final class LogWriter: Sendable {
    static let shared = LogWriter(interval: 0.1) { bytes in
        // A failed write (a closed pipe: SIGPIPE is ignored) is dropped; there is nowhere
        // left to report it.
        try? FileHandle.standardError.write(contentsOf: bytes)
    }

    /// Flushes a buffer beyond this size without waiting for the interval.
    static let flushSize = 64 * 1024

    private let sink: @Sendable ([UInt8]) -> Void
    private let buffers = ThreadStriped { LogLine(capacity: 0) }
    /// Held while bytes go to the sink, so chunks leave in the order they were taken.
    private let output = Mutex(())

    /// `interval`: seconds between background flushes; nil for none (tests flush themselves).
    init(interval: Double?, sink: @escaping @Sendable ([UInt8]) -> Void) {
        self.sink = sink
        guard let interval else { return }
        let thread = Thread { [self] in
            while true {
                Thread.sleep(forTimeInterval: interval)
                flush()
            }
        }
        thread.name = "kreishausd-log"
        thread.start()
    }

    /// Formats one line straight into the calling thread's buffer.
    func append(immediately: Bool = false, _ format: (inout LogLine) -> Void) {
        let stripe = ThreadStripe.current
        let full: [UInt8]? = buffers.withLock(at: stripe) { line in
            format(&line)
            guard immediately || line.bytes.count >= Self.flushSize else { return nil }
            return line.take()
        }
        guard let full else { return }
        output.withLock { _ in
            if immediately {
                // Everything the other threads collected before this line goes out first.
                for other in buffers.indices where other != stripe {
                    emit(buffers.withLock(at: other) { $0.take() })
                }
            }
            emit(full)
        }
    }

    /// Writes what is pending (at shutdown, and by the background thread).
    func flush() {
        output.withLock { _ in
            for stripe in buffers.indices {
                emit(buffers.withLock(at: stripe) { $0.take() })
            }
        }
    }

    private func emit(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        sink(bytes)
    }
}

/// Writes access-log lines straight to the log stream, formatted like every other line
/// (text or JSON), as bytes into the writing thread's buffer: string interpolation and one
/// shared buffer cost more than the rest of a request.
struct AccessLogWriter: Sendable {
    let format: StandardErrorLogHandler.Format
    /// The logger's label; a short one (up to 15 bytes) is stored inline, without a reference
    /// count that both request threads would touch.
    let label: String
    let writer: LogWriter

    init(format: StandardErrorLogHandler.Format, label: String, writer: LogWriter = .shared) {
        self.format = format
        self.label = label
        self.writer = writer
    }

    func write(_ record: AccessRecord) {
        writer.append { line in
            switch format {
            case .text:
                // The path is decoded: control characters in it are escaped (a newline would
                // forge a line of its own). Method, listener, address and id cannot hold any.
                // The constant parts are static strings: an array constant is one shared object
                // whose reference count both request threads would update on every line.
                line.timestamp()
                line.append(" info "); line += label; line.append(": ")
                line += record.method; line.bytes.append(UInt8(ascii: " "))
                line.bytes.appendUTF8EscapingControls(record.path)
                line.bytes.append(UInt8(ascii: " ")); line.number(record.status)
                line.append(" bytes="); line.number(record.bytes)
                line.append(" duration_ms="); line.milliseconds(record.microseconds)
                line.append(" listener="); line += record.listener
                line.append(" remote="); line += record.remoteAddress
                line.append(" request_id="); line += record.requestID
                line.append(" status="); line.number(record.status)
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
            line.bytes.append(UInt8(ascii: "\n"))
        }
    }
}

/// Log lines assembled as UTF-8 bytes. A thread's `LogWriter` buffer is one long-lived
/// `LogLine`, which also remembers the formatted date and time of the current second.
struct LogLine {
    var bytes: [UInt8] = []
    /// The second `secondPrefix` ("2026-11-24T07:49:43.") was formatted for.
    private var cachedSecond = Int.min
    private var secondPrefix: [UInt8] = []

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// The bytes so far; the line is left empty, with its capacity.
    mutating func take() -> [UInt8] {
        guard !bytes.isEmpty else { return [] }
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// Appends a constant: no reference count is touched.
    mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    static func += (line: inout LogLine, text: String) {
        line.bytes.appendUTF8(text)
    }

    mutating func number(_ value: Int) {
        bytes.appendDecimal(value)
    }

    mutating func padded(_ value: Int, width: Int) {
        bytes.appendDecimal(value, minimumWidth: width)
    }

    /// "1.234" for 1234 µs.
    mutating func milliseconds(_ microseconds: Int) {
        number(microseconds / 1000)
        bytes.append(UInt8(ascii: "."))
        padded(microseconds % 1000, width: 3)
    }

    /// "2026-11-24T07:49:43.865Z" (UTC), now.
    mutating func timestamp() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        timestamp(now)
    }

    /// "2026-11-24T07:49:43.865Z" (UTC) for `time`; the date and time of day are formatted
    /// once per second.
    mutating func timestamp(_ time: timespec) {
        if time.tv_sec != cachedSecond {
            secondPrefix = Self.secondPrefix(time.tv_sec)
            cachedSecond = time.tv_sec
        }
        bytes.append(contentsOf: secondPrefix)
        padded(Int(time.tv_nsec / 1_000_000), width: 3)
        bytes.append(UInt8(ascii: "Z"))
    }

    /// "2026-11-24T07:49:43." for a time in seconds since 1970 (UTC).
    private static func secondPrefix(_ seconds: Int) -> [UInt8] {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        bytes.appendDecimal(Int(parts.tm_year) + 1900, minimumWidth: 4); bytes.append(UInt8(ascii: "-"))
        bytes.appendDecimal(Int(parts.tm_mon) + 1, minimumWidth: 2); bytes.append(UInt8(ascii: "-"))
        bytes.appendDecimal(Int(parts.tm_mday), minimumWidth: 2); bytes.append(UInt8(ascii: "T"))
        bytes.appendDecimal(Int(parts.tm_hour), minimumWidth: 2); bytes.append(UInt8(ascii: ":"))
        bytes.appendDecimal(Int(parts.tm_min), minimumWidth: 2); bytes.append(UInt8(ascii: ":"))
        bytes.appendDecimal(Int(parts.tm_sec), minimumWidth: 2); bytes.append(UInt8(ascii: "."))
        return bytes
    }
}
