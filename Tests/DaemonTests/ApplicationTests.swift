@testable import Daemon
import Foundation
import GRDB
import HTTPServer
import HTTPServerTesting
import HTTPTypes
import Testing

@Suite struct ApplicationTests {
    @Test func healthOnBothListeners() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        for client in [fixture.intranet, fixture.publicSite] {
            let response = client.execute(.get, "/healthz")
            #expect(response.status == .ok)
            #expect(response.json?["status"] as? String == "ok")
        }
    }

    @Test func thePublicListenerServesOnlyPublicRoutes() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        for path in ["/api/audit", "/login", "/metrics", "/api/me", "/api/tokens", "/chatbot", "/api/chat/status", "/api/chat/analytics"] {
            #expect(fixture.publicSite.execute(.get, path).status == .notFound, "\(path)")
        }
        #expect(fixture.publicSite.execute(.post, "/api/chat/reload").status == .notFound)
        let publicPaths = fixture.app.publicApplication.router.routes.map(\.path)
        #expect(Set(publicPaths) == ["/healthz", "/api/openapi.json", "/assets/site.css", "/", "/api/chat", "/api/chat/feedback",
                                     "/chat/widget.js", "/chat/widget.css"])
        // The public start page is the chatbot demo; the intranet's is the signed-in start page.
        #expect(fixture.publicSite.execute(.get, "/").text.contains("Bürger-Assistent"))
        let chat = fixture.publicSite.execute(.post, "/api/chat", json: #"{"message": "Sperrmüll anmelden"}"#)
        #expect(chat.json?["intent"] as? String == "abfall-sperrmuell")
        #expect(fixture.app.chatLibrary.status.lastError == nil)
        #expect(fixture.intranet.execute(.get, "/", headers: [.accept: "text/html"]).status == .seeOther)
        // A client that does not say it takes HTML gets the 401 page, with the way to sign in
        // (its start page would need a sign-in too).
        let unauthorized = fixture.intranet.execute(.get, "/chatbot", headers: [.accept: "*/*"])
        #expect(unauthorized.status == .unauthorized)
        #expect(unauthorized.text.contains(#"<a href="/login?next=%2Fchatbot">Zur Anmeldung</a>"#))
        #expect(!unauthorized.text.contains("Zur Startseite"))
        // Back to the page as asked for, query and all, as the browsers' redirect does.
        let withQuery = fixture.intranet.execute(.get, "/chatbot?tage=7", headers: [.accept: "*/*"])
        #expect(withQuery.text.contains(#"<a href="/login?next=%2Fchatbot%3Ftage%3D7">Zur Anmeldung</a>"#), "\(withQuery.text)")
        #expect(fixture.intranet.execute(.get, "/nirgends", headers: [.accept: "text/html"]).text.contains("Zur Startseite"))
    }

    @Test func intranetErrorsAreClear() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let client = fixture.intranet
        #expect(client.execute(.get, "/api/audit").status == .unauthorized)
        let missing = client.execute(.get, "/api/nope")
        #expect(missing.status == .notFound)
        #expect(missing.errorCode == "not_found")
        let wrongMethod = client.execute(.put, "/api/session")
        #expect(wrongMethod.status == .methodNotAllowed)
        #expect(wrongMethod.headerFields[.allow] == "DELETE, OPTIONS, POST")
        let malformed = client.execute(.post, "/api/session", json: "{\"username\": ")
        #expect(malformed.status == .badRequest)
        #expect(malformed.json.flatMap { ($0["error"] as? [String: Any])?["message"] as? String }?.isEmpty == false)
        let htmlMissing = client.execute(.get, "/nirgendwo")
        #expect(htmlMissing.status == .notFound)
        #expect(htmlMissing.text.contains("<html lang=\"de\">"))
    }

    @Test func aFullDatabaseIsA503WithRetryAfterNotA500() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let login = #"{"username": "admin", "password": "\#(fixture.adminPassword)"}"#
        #expect(fixture.intranet.execute(.post, "/api/session", json: login).status == .ok)
        // The size limit as a stand-in for a full disk (SQLite answers both with SQLITE_FULL).
        try fixture.app.database.pool.writeWithoutTransaction { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 1
            try db.execute(sql: "PRAGMA max_page_count = \(pages)")
        }
        // Each login writes a session and an audit event; soon one needs a page more.
        var statuses: [Int] = []
        var full: TestResponse?
        for _ in 0..<500 {
            let response = fixture.intranet.execute(.post, "/api/session", json: login)
            statuses.append(response.status.code)
            if response.status != .ok { full = response; break }
        }
        let answer = try #require(full, "the database never filled up")
        #expect(answer.status == .serviceUnavailable)
        #expect(answer.errorCode == "storage_full")
        #expect(answer.headerFields[.retryAfter] == "300")
        #expect(!statuses.contains(500))
        // Room again: the same request works.
        try fixture.app.database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        #expect(fixture.intranet.execute(.post, "/api/session", json: login).status == .ok)
    }

    @Test func pagesAreAccessibleGerman() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let login = fixture.intranet.execute(.get, "/login")
        #expect(login.status == .ok)
        let html = login.text
        #expect(html.contains("<html lang=\"de\">"))
        #expect(html.contains("class=\"skip-link\" href=\"#inhalt\""))
        #expect(html.contains("<main id=\"inhalt\""))
        #expect(html.contains("<label for=\"username\">") && html.contains("<label for=\"password\">"))
        #expect(html.contains("name=\"viewport\""))
        #expect(!html.contains("<script"), "no script needed to sign in")
        #expect(!html.contains("notice-error") && !html.contains("nil"), "a fresh login page shows no error")
        #expect(!html.contains("http://") && !html.contains("https://"), "no third-party resources")
        #expect(login.headerFields[.contentSecurityPolicy]?.contains("unsafe-inline") == false)
    }

    @Test func staticAssetsCarryETags() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let css = fixture.intranet.execute(.get, "/assets/site.css")
        #expect(css.status == .ok)
        let etag = try #require(css.headerFields[.eTag])
        #expect(css.headerFields[.cacheControl] == "no-cache")
        let again = fixture.intranet.execute(.get, "/assets/site.css", headers: [.ifNoneMatch: etag])
        #expect(again.status == .notModified)
        #expect(again.body.isEmpty)
        let versioned = fixture.intranet.execute(.get, "/assets/site.css?v=\(etag.replacingOccurrences(of: "\"", with: ""))")
        #expect(versioned.headerFields[.cacheControl]?.contains("immutable") == true)
    }

    @Test func metricsNeedAMonitoringTokenAndCountRequests() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        #expect(fixture.intranet.execute(.get, "/metrics").status == .unauthorized)
        let (_, secret) = try fixture.app.auth.createToken(name: "prometheus", roles: ["monitoring"], actor: "test")
        _ = fixture.intranet.execute(.get, "/healthz")
        let metrics = fixture.intranet.execute(.get, "/metrics", headers: [.authorization: "Bearer \(secret)"])
        #expect(metrics.status == .ok)
        #expect(metrics.text.contains("http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"}"))
        #expect(metrics.text.contains("http_request_duration_seconds_bucket"))
        let (_, employee) = try fixture.app.auth.createToken(name: "someone", roles: ["employee"], actor: "test")
        #expect(fixture.intranet.execute(.get, "/metrics", headers: [.authorization: "Bearer \(employee)"]).status == .forbidden)
    }

    @Test func auditLogRecordsLoginsForAdmins() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let login = fixture.intranet.execute(.post, "/api/session", json: #"{"username": "admin", "password": "\#(fixture.adminPassword)"}"#)
        #expect(login.status == .ok)
        let cookie = "kh_session=\(try #require(login.cookies["kh_session"]))"
        let audit = fixture.intranet.execute(.get, "/api/audit?limit=5", headers: [.cookie: cookie])
        #expect(audit.status == .ok)
        let actions = (audit.json?["events"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
        #expect(actions.contains("login.success"))
        #expect(fixture.intranet.execute(.get, "/api/audit?limit=abc", headers: [.cookie: cookie]).status == .badRequest)
        // Paging: events before a given id; an id that is none (zero, negative, past 2^53 - 1,
        // past 64 bits) is a clear 400, as the API description's bounds say.
        let ids = (audit.json?["events"] as? [[String: Any]])?.compactMap { ($0["id"] as? NSNumber)?.int64Value } ?? []
        let newest = try #require(ids.max())
        let older = fixture.intranet.execute(.get, "/api/audit?before=\(newest)", headers: [.cookie: cookie])
        #expect(older.status == .ok)
        let olderIDs = (older.json?["events"] as? [[String: Any]])?.compactMap { ($0["id"] as? NSNumber)?.int64Value } ?? []
        #expect(olderIDs.allSatisfy { $0 < newest })
        for bad in ["0", "-3", "9007199254740992", "-548122176046058133445423398912", "1e3"] {
            let response = fixture.intranet.execute(.get, "/api/audit?before=\(bad)", headers: [.cookie: cookie])
            #expect(response.status == .badRequest, "\(bad)")
            #expect(response.errorCode == "invalid_parameter")
        }
    }
}

@Suite struct OpenAPITests {
    @Test func everyAPIRouteIsDocumented() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let document = fixture.intranet.execute(.get, "/api/openapi.json")
        #expect(document.status == .ok)
        let json = try #require(document.json)
        #expect(json["openapi"] as? String == "3.1.0")
        let paths = try #require(json["paths"] as? [String: [String: Any]])
        for route in fixture.app.intranetApplication.router.routes where route.path.hasPrefix("/api") {
            #expect(route.operation != nil, "\(route.method.rawValue) \(route.path) has no OpenAPI description")
            let documented = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            #expect(paths["/" + documented]?[route.method.rawValue.lowercased()] != nil, "\(route.method.rawValue) \(route.path) missing from the document")
        }
        // String parameters say that NUL is refused (a fuzzer sends only what the schema allows).
        let audit = try #require((paths["/api/audit"]?["get"] as? [String: Any])?["parameters"] as? [[String: Any]])
        let action = try #require(audit.first { $0["name"] as? String == "action" }?["schema"] as? [String: Any])
        #expect(action["pattern"] as? String == "^[^\u{0}]*$")
        let limit = try #require(audit.first { $0["name"] as? String == "limit" }?["schema"] as? [String: Any])
        #expect(limit["pattern"] == nil)
    }

    @Test func thePublicDocumentListsOnlyPublicRoutes() throws {
        let fixture = try AppFixture()
        defer { fixture.stop() }
        let json = try #require(fixture.publicSite.execute(.get, "/api/openapi.json").json)
        let paths = try #require(json["paths"] as? [String: Any])
        #expect(Set(paths.keys) == ["/healthz", "/api/openapi.json", "/api/chat", "/api/chat/feedback"])
    }
}

@Suite struct PublicListenerTests {
    @Test func rateLimitAnswers429WithRetryAfterPerAddress() throws {
        let fixture = try AppFixture { configuration in
            configuration.publicRateLimit = .init(requestsPerSecond: 0.5, burst: 3)
        }
        defer { fixture.stop() }
        let citizen = TestClient(fixture.app.publicApplication, listener: "public", remoteAddress: "203.0.113.7")
        for _ in 0..<3 { #expect(citizen.execute(.get, "/healthz").status == .ok) }
        let limited = citizen.execute(.get, "/healthz")
        #expect(limited.status == .tooManyRequests)
        #expect(Int(limited.headerFields[.retryAfter] ?? "") ?? 0 >= 1)
        let neighbour = TestClient(fixture.app.publicApplication, listener: "public", remoteAddress: "203.0.113.8")
        #expect(neighbour.execute(.get, "/healthz").status == .ok, "another address has its own bucket")
        #expect(fixture.intranet.execute(.get, "/healthz").status == .ok, "the intranet is not rate limited")
    }

    @Test func corsOnlyForTheConfiguredWebsite() throws {
        let fixture = try AppFixture { configuration in
            configuration.publicSite.corsOrigins = ["https://www.beispielkreis.example"]
        }
        defer { fixture.stop() }
        let allowed = fixture.publicSite.execute(.get, "/healthz", headers: [.origin: "https://www.beispielkreis.example"])
        #expect(allowed.headerFields[.accessControlAllowOrigin] == "https://www.beispielkreis.example")
        #expect(allowed.headerFields[.vary] == "Origin")
        let other = fixture.publicSite.execute(.get, "/healthz", headers: [.origin: "https://evil.example"])
        #expect(other.headerFields[.accessControlAllowOrigin] == nil)
        let preflight = fixture.publicSite.execute(.options, "/api/openapi.json", headers: [
            .origin: "https://www.beispielkreis.example", .accessControlRequestMethod: "GET",
        ])
        #expect(preflight.status == .noContent)
        #expect(preflight.headerFields[.accessControlAllowMethods]?.contains("GET") == true)
        #expect(fixture.intranet.execute(.get, "/healthz", headers: [.origin: "https://www.beispielkreis.example"])
            .headerFields[.accessControlAllowOrigin] == nil, "the intranet has no CORS origins by default")
    }
}
