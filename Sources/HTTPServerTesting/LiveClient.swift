import Foundation
import HTTPTypes
#if canImport(Glibc)
import Glibc
#endif

/// A deliberately small HTTP/1.1 client over a real TCP socket, for tests about the wire:
/// it sends exactly the bytes it is given (malformed ones too) and reads one response.
///
/// ```swift
/// let response = try LiveClient(port: listener.port).send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
/// ```
public struct LiveClient: Sendable {
    public let host: String
    public let port: Int
    public var timeoutSeconds: Int

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String = "127.0.0.1", port: Int, timeoutSeconds: Int = 10) {
        self.host = host
        self.port = port
        self.timeoutSeconds = timeoutSeconds
    }

    /// Sends a request built from parts, with `Connection: close`.
    public func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: Data = Data()
    ) throws -> TestResponse {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return try send(Data(head.utf8) + body)
    }

    /// Sends several requests on one connection at once (pipelined; the last should carry
    /// `Connection: close`) and reads every response, in order. Each needs a Content-Length.
    public func sendPipelined(_ raw: String) throws -> [TestResponse] {
        let socket = try connect()
        defer { close(socket) }
        try write(socket, Data(raw.utf8))
        var data = try readAll(socket)[...]
        var responses: [TestResponse] = []
        while !data.isEmpty {
            guard let headerEnd = data.range(of: Data("\r\n\r\n".utf8)) else {
                throw Failure(description: "no complete response head in the last \(data.count) bytes")
            }
            let head = try Self.parse(Data(data[..<headerEnd.upperBound]))
            guard let length = head.headerFields[.contentLength].flatMap(Int.init), headerEnd.upperBound + length <= data.endIndex else {
                throw Failure(description: "a pipelined response without a usable Content-Length")
            }
            let end = headerEnd.upperBound + length
            responses.append(TestResponse(status: head.status, headerFields: head.headerFields, body: Data(data[headerEnd.upperBound..<end])))
            data = data[end...]
        }
        return responses
    }

    /// Sends raw bytes, optionally in slices with a pause between them (slow clients): the
    /// first `upfront` bytes (say, the request head) go at once, the rest in `chunkSize` slices.
    public func send(_ raw: String) throws -> TestResponse {
        try send(Data(raw.utf8))
    }

    public func send(_ raw: Data, upfront: Int = 0, chunkSize: Int? = nil, pause: Duration = .zero) throws -> TestResponse {
        let socket = try connect()
        defer { close(socket) }
        let slice = chunkSize ?? max(raw.count, 1)
        var offset = min(upfront, raw.count)
        if offset > 0 { try write(socket, raw[0..<offset]) }
        while offset < raw.count {
            let end = min(offset + slice, raw.count)
            try write(socket, raw[offset..<end])
            offset = end
            if pause > .zero && offset < raw.count { Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18) }
        }
        return try Self.parse(try readAll(socket))
    }

    /// Sends `head` (which must carry `Expect: 100-continue`), waits for the server's
    /// `100 Continue` (the server has taken the request), calls `onContinue`, then trickles
    /// `body` in `chunkSize` slices with `pause` between them and reads the final response.
    public func sendAfterContinue(
        head: String, body: Data, chunkSize: Int, pause: Duration, onContinue: @Sendable () -> Void
    ) throws -> TestResponse {
        let socket = try connect()
        defer { close(socket) }
        try write(socket, Data(head.utf8))
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.range(of: Data("\r\n\r\n".utf8)) == nil {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { throw Failure(description: "no interim response (errno \(errno))") }
            received.append(contentsOf: buffer[0..<count])
        }
        guard received.starts(with: Data("HTTP/1.1 100".utf8)) else {
            return try Self.parse(received + (try readAll(socket)))   // answered without reading the body
        }
        onContinue()
        var offset = 0
        while offset < body.count {
            let end = min(offset + chunkSize, body.count)
            try write(socket, body[offset..<end])
            offset = end
            if offset < body.count {
                Thread.sleep(forTimeInterval: Double(pause.components.seconds) + Double(pause.components.attoseconds) / 1e18)
            }
        }
        let rest = try readAll(socket)
        let interimEnd = received.range(of: Data("\r\n\r\n".utf8))!.upperBound
        return try Self.parse(Data(received[interimEnd...]) + rest)
    }

    private func connect() throws -> Int32 {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(socket)
            throw Failure(description: "connect to \(host):\(port) failed: errno \(errno)")
        }
        return socket
    }

    private func write(_ socket: Int32, _ data: Data) throws {
        try data.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(socket, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 {
                    // The server may answer early (413) and close; reading the answer still works.
                    if errno == EPIPE || errno == ECONNRESET { return }
                    throw Failure(description: "send failed: errno \(errno)")
                }
                sent += count
            }
        }
    }

    private func readAll(_ socket: Int32) throws -> Data {
        var result = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count > 0 { result.append(contentsOf: buffer[0..<count]); continue }
            if count == 0 || errno == ECONNRESET { return result }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                if result.isEmpty { throw Failure(description: "timed out waiting for a response") }
                return result
            }
            throw Failure(description: "recv failed: errno \(errno)")
        }
    }

    /// Parses one HTTP/1.1 response (Content-Length or read-to-close bodies).
    static func parse(_ data: Data) throws -> TestResponse {
        guard let headerEnd = data.range(of: Data("\r\n\r\n".utf8)) else {
            throw Failure(description: "no complete response head in \(data.count) bytes")
        }
        let head = String(decoding: data[..<headerEnd.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ", maxSplits: 2)
        guard statusLine.count >= 2, let code = Int(statusLine[1]) else { throw Failure(description: "bad status line") }
        var fields = HTTPFields()
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
            fields.append(HTTPField(name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Data(data[headerEnd.upperBound...])
        if let length = fields[.contentLength].flatMap(Int.init), body.count > length { body = body.prefix(length) }
        return TestResponse(status: HTTPResponse.Status(code: code), headerFields: fields, body: body)
    }
}

/// Runs blocking work (socket I/O) on a thread of its own, so that tests never block the
/// few threads of Swift's cooperative pool (two on a two-core machine).
public func onOwnThread<Result: Sendable>(_ body: @escaping @Sendable () throws -> Result) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Swift.Result { try body() })
        }
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns whether
/// it held. A test that waits for something that cannot happen any more (a request that
/// already ended, a daemon that died) fails after the timeout instead of hanging the run.
public func eventually(timeout: Duration = .seconds(30), _ condition: @Sendable () -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now >= deadline { return false }
        try await Task.sleep(for: .milliseconds(5))
    }
    return true
}
