import Foundation
import HTTPServer
import HTTPServerTesting
import HTTPTypes
import Logging
import Synchronization
import Testing

/// Tests over a real libmicrohttpd listener on an ephemeral loopback port.
@Suite struct ListenerTests {
    /// How many `/slow` requests have reached their handler: a count only grows, so a test
    /// cannot miss it the way it can miss `requestsInFlight` (a second, which a starved
    /// cooperative thread may sleep through).
    static let slowRequestsStarted = Mutex(0)

    static func makeListener(bodyLimit: Int = 1024, uploadLimit: Int = 64 * 1024, routes extra: [Route] = []) throws -> Listener {
        let routes: [Route] = [
            Route(.get, "/hello", access: .anyone) { request in .text("Hallo \(request.query["name"] ?? "Welt")") },
            Route(.post, "/api/echo", access: .anyone) { request in
                struct Echo: Codable { let text: String }
                return try .json(try request.decodeJSON(Echo.self))
            },
            Route(.post, "/api/upload", access: .anyone, body: .upload) { request in
                guard case .file(let file) = request.body else { return .text("memory") }
                return .text("file \(file.size) \(FileManager.default.fileExists(atPath: file.url.path))")
            },
            Route(.get, "/slow", access: .anyone) { _ in
                slowRequestsStarted.withLock { $0 += 1 }
                Thread.sleep(forTimeInterval: 1.0)
                return .text("done")
            },
            Route(.get, "/crash", access: .anyone) { _ in
                struct Oops: Error {}
                throw Oops()
            },
        ] + extra
        let app = try HTTPApplication(routes: routes, middleware: [SecurityHeaders()], logger: Logger(label: "test"))
        let configuration = ListenerConfiguration(name: "test", port: 0, threads: 2, bodyLimit: bodyLimit, uploadLimit: uploadLimit)
        let listener = Listener(configuration: configuration, application: app, logger: Logger(label: "test"))
        try listener.start()
        return listener
    }

    @Test func servesRoutesWithDecodedQueryAndSecurityHeaders() throws {
        let listener = try Self.makeListener()
        defer { listener.shutdown(grace: .seconds(1)) }
        let client = LiveClient(port: listener.port)
        let response = try client.request("GET", "/hello?name=J%C3%BCrgen")
        #expect(response.status == .ok)
        #expect(response.text == "Hallo Jürgen")
        #expect(response.headerFields[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
        #expect(response.headerFields[.xContentTypeOptions] == "nosniff")
        #expect(response.headerFields[.requestID]?.count == 16)

        let head = try client.request("HEAD", "/hello")
        #expect(head.status == .ok)
        #expect(head.body.isEmpty)
    }

    /// A connection that asks the same again gets the same response object back from the
    /// listener (only `X-Request-ID` replaced): each answer must still be exactly its own,
    /// also around a POST (whose answer is not kept) and a different GET.
    @Test func repeatedRequestsOnOneConnectionGetTheirOwnRequestID() throws {
        let listener = try Self.makeListener()
        defer { listener.shutdown(grace: .seconds(1)) }
        let echo = #"{"text":"Anna"}"#
        let requests = ["Anna", "Anna", "Anna", "POST", "Anna", "Bernd", "Anna", "Anna"]
        var raw = ""
        for (index, name) in requests.enumerated() {
            let close = index == requests.count - 1 ? "Connection: close\r\n" : ""
            if name == "POST" {
                raw += "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(echo.utf8.count)\r\n\(close)\r\n\(echo)"
            } else {
                raw += "GET /hello?name=\(name) HTTP/1.1\r\nHost: x\r\n\(close)\r\n"
            }
        }
        let responses = try LiveClient(port: listener.port).sendPipelined(raw)
        try #require(responses.count == requests.count)
        #expect(responses.map(\.text) == requests.map { $0 == "POST" ? echo : "Hallo \($0)" })
        let ids = responses.map { $0.headerFields[fields: .requestID].map(\.value) }
        #expect(ids.allSatisfy { $0.count == 1 && $0[0].count == 16 })
        #expect(Set(ids.map(\.first)).count == requests.count)
        // Apart from the id, the date and the length, every answer to a GET carries the same
        // fields, once each.
        func others(_ response: TestResponse) -> [String] {
            response.headerFields.filter { ![.requestID, .date, .connection, .contentLength].contains($0.name) }
                .map { "\($0.name): \($0.value)" }.sorted()
        }
        let first = others(responses[0])
        #expect(first.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(first.contains { $0.hasPrefix("Content-Security-Policy:") })
        for (request, response) in zip(requests, responses) where request != "POST" {
            #expect(others(response) == first)
        }
        #expect(responses[3].headerFields[.contentType] == "application/json; charset=utf-8")
    }

    @Test func unknownRoutesAndWrongMethods() throws {
        let listener = try Self.makeListener()
        defer { listener.shutdown(grace: .seconds(1)) }
        let client = LiveClient(port: listener.port)
        let missing = try client.request("GET", "/api/nothing")
        #expect(missing.status == .notFound)
        #expect(missing.errorCode == "not_found")

        let wrong = try client.request("DELETE", "/api/echo")
        #expect(wrong.status == .methodNotAllowed)
        #expect(wrong.headerFields[.allow] == "OPTIONS, POST")

        let options = try client.request("OPTIONS", "/hello")
        #expect(options.status == .noContent)
        #expect(options.headerFields[.allow] == "GET, HEAD, OPTIONS")
    }

    @Test func badInputGetsClearClientErrors() throws {
        let listener = try Self.makeListener()
        defer { listener.shutdown(grace: .seconds(1)) }
        let client = LiveClient(port: listener.port)

        let malformed = try client.request("POST", "/api/echo", headers: [("Content-Type", "application/json")], body: Data("{\"text\": ".utf8))
        #expect(malformed.status == .badRequest)
        #expect(malformed.errorCode == "invalid_json")

        let notUTF8 = try client.request("POST", "/api/echo", headers: [("Content-Type", "application/json")], body: Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D]))
        #expect(notUTF8.status == .badRequest)

        let badEscape = try client.request("GET", "/hello?name=%E2%28")
        #expect(badEscape.status == .badRequest)

        // Decided before the body, yet answered through the middleware like every error: a
        // page outside /api, JSON under it, both with the security headers.
        let badPath = try client.request("GET", "/hel%zzlo")
        #expect(badPath.status == .badRequest)
        #expect(badPath.text.contains("<html"))
        #expect(badPath.headerFields[.contentSecurityPolicy] == SecurityHeaders.contentSecurityPolicy)
        let badAPIPath = try client.request("GET", "/api/%zz")
        #expect(badAPIPath.status == .badRequest)
        #expect(badAPIPath.errorCode == "bad_encoding")
        let nul = try client.request("GET", "/api/x?q=a%00b")
        #expect(nul.status == .badRequest && nul.errorCode == "bad_encoding")
        #expect(nul.text.contains("Nullzeichen"))
        #expect(badAPIPath.headerFields[.xContentTypeOptions] == "nosniff")

        // Dot segments are not resolved: "/api/../crash" names no route.
        let dotted = try client.request("GET", "/api/../crash")
        #expect(dotted.status == .notFound)
        #expect(dotted.errorCode == "not_found")
    }

    @Test func unexpectedErrorsAre500WithRequestIDAndNoInternals() throws {
        let listener = try Self.makeListener()
        defer { listener.shutdown(grace: .seconds(1)) }
        let response = try LiveClient(port: listener.port).request("GET", "/crash")
        #expect(response.status == .internalServerError)
        #expect(response.text.contains(response.headerFields[.requestID] ?? "missing"))
        #expect(!response.text.contains("Oops"))
    }

    @Test func bodiesOverTheLimitAre413() throws {
        let listener = try Self.makeListener(bodyLimit: 1024)
        defer { listener.shutdown(grace: .seconds(1)) }
        let client = LiveClient(port: listener.port)
        let declared = try client.request("POST", "/api/echo", headers: [("Content-Type", "application/json")], body: Data(repeating: 0x20, count: 4096))
        #expect(declared.status == .contentTooLarge)
        #expect(declared.errorCode == "payload_too_large")
        #expect(declared.headerFields[.contentSecurityPolicy] == SecurityHeaders.contentSecurityPolicy)
        #expect(declared.headerFields[.connection] == "close")

        // Chunked: no Content-Length to judge by, so the limit bites while reading.
        let chunk = String(repeating: "x", count: 800)
        let chunked = "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + "320\r\n\(chunk)\r\n320\r\n\(chunk)\r\n0\r\n\r\n"
        let streamed = try client.send(chunked)
        #expect(streamed.status == .contentTooLarge)
        #expect(streamed.headerFields[.xFrameOptions] == "DENY")
    }

    @Test func uploadsAreSpooledToAFileUnderTheirOwnLimit() throws {
        let listener = try Self.makeListener(bodyLimit: 1024, uploadLimit: 64 * 1024)
        defer { listener.shutdown(grace: .seconds(1)) }
        let client = LiveClient(port: listener.port)
        let upload = try client.request("POST", "/api/upload", headers: [("Content-Type", "application/pdf")], body: Data(repeating: 0x41, count: 32 * 1024))
        #expect(upload.status == .ok)
        #expect(upload.text == "file 32768 true")

        let tooLarge = try client.request("POST", "/api/upload", body: Data(repeating: 0x41, count: 128 * 1024))
        #expect(tooLarge.status == .contentTooLarge)
    }

    @Test func oversizedHeadersAreRefusedByTheServer() throws {
        let listener = try Self.makeListener()
        defer { listener.shutdown(grace: .seconds(1)) }
        let huge = String(repeating: "a", count: 64 * 1024)
        let response = try LiveClient(port: listener.port).request("GET", "/hello", headers: [("X-Huge", huge)])
        #expect([.requestHeaderFieldsTooLarge, .uriTooLong, .badRequest].contains(response.status))
    }

    @Test func shutdownLetsASlowRequestFinish() async throws {
        let listener = try Self.makeListener()
        let port = listener.port
        let started = Self.slowRequestsStarted.withLock { $0 }
        let pending = Task { try await onOwnThread { try LiveClient(port: port).request("GET", "/slow") } }
        try #require(try await eventually { Self.slowRequestsStarted.withLock { $0 } > started })
        let finished = listener.shutdown(grace: .seconds(5))
        #expect(finished)
        let response = try await pending.value
        #expect(response.status == .ok)
        #expect(response.text == "done")
        #expect(throws: (any Error).self) { try LiveClient(port: port, timeoutSeconds: 1).request("GET", "/hello") }
    }

    /// Behind a reverse proxy (here the test itself, from 127.0.0.1) each citizen has their
    /// own bucket, named by the proxy's `X-Forwarded-For`.
    @Test func theRateLimitCountsTheClientsAProxyNames() throws {
        let routes = [Route(.get, "/hello", access: .anyone) { _ in .text("Hallo") }]
        let app = try HTTPApplication(routes: routes, middleware: [
            RateLimit(requestsPerSecond: 0.01, burst: 2, trustedProxies: ["127.0.0.1"]),
        ], logger: Logger(label: "test"))
        let listener = Listener(configuration: ListenerConfiguration(name: "public", port: 0, threads: 2),
                                application: app, logger: Logger(label: "test"))
        try listener.start()
        defer { listener.shutdown(grace: .seconds(1)) }
        let client = LiveClient(port: listener.port)
        func status(_ forwardedFor: String) throws -> Int {
            try client.request("GET", "/hello", headers: [("X-Forwarded-For", forwardedFor)]).status.code
        }
        #expect(try status("203.0.113.9") == 200)
        #expect(try status("198.51.100.1, 203.0.113.9") == 200, "what the client wrote itself does not count")
        let limited = try client.request("GET", "/hello", headers: [("X-Forwarded-For", "203.0.113.9")])
        #expect(limited.status == .tooManyRequests)
        #expect(limited.headerFields[.retryAfter] != nil)
        #expect(try status("203.0.113.10") == 200, "another citizen behind the same proxy")
    }
}
