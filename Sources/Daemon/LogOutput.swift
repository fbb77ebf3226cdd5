import Foundation
import Logging
import Synchronization

/// Log lines to standard error, as text or one JSON object per line. Metadata values are
/// what callers chose to log; bodies, cookies and tokens are never passed in.
struct StandardErrorLogHandler: LogHandler {
    enum Format: Sendable { case text, json }

    let label: String
    let format: Format
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    private static let lock = Mutex(())

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
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let timestamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            line = "\(timestamp) \(event.level) \(label): \(event.message)\(fields.isEmpty ? "" : " " + fields)\n"
        case .json:
            var object: [String: String] = ["time": timestamp, "level": event.level.rawValue, "logger": label, "message": "\(event.message)"]
            for (key, value) in merged where object[key] == nil { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            line = String(decoding: data, as: UTF8.self) + "\n"
        }
        Self.lock.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }
}

enum LogSetup {
    private static let done = Mutex(false)

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
