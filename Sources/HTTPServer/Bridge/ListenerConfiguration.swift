import Foundation

/// Socket, thread and size limits of one listener.
public struct ListenerConfiguration: Sendable, Equatable {
    /// "intranet" or "public"; appears in logs and metrics.
    public var name: String
    public var host: String
    /// 0 picks a free port (tests).
    public var port: Int
    /// Threads in MHD's pool, each running its own epoll loop.
    public var threads: Int
    public var connectionLimit: Int
    public var connectionsPerIP: Int
    public var idleTimeoutSeconds: Int
    /// Bounds the request line plus all headers of one request.
    public var maxHeaderBytes: Int
    /// Bodies of `.standard` routes (JSON, forms), kept in memory.
    public var bodyLimit: Int
    /// Bodies of `.upload` routes, streamed to `uploadDirectory`.
    public var uploadLimit: Int
    public var uploadDirectory: URL

    public init(
        name: String,
        host: String = "127.0.0.1",
        port: Int,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        connectionLimit: Int = 1024,
        connectionsPerIP: Int = 64,
        idleTimeoutSeconds: Int = 30,
        maxHeaderBytes: Int = 32 * 1024,
        bodyLimit: Int = 1 << 20,
        uploadLimit: Int = 64 << 20,
        uploadDirectory: URL = FileManager.default.temporaryDirectory
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.connectionsPerIP = connectionsPerIP
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxHeaderBytes = maxHeaderBytes
        self.bodyLimit = bodyLimit
        self.uploadLimit = uploadLimit
        self.uploadDirectory = uploadDirectory
    }
}
