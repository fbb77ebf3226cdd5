import Auth
import Foundation
import HTTPServer
import HTTPServerTesting
import HTTPTypes
import Testing

struct SignInFailed: Error {}

@Suite struct AuthMiddlewareTests {
    func signedIn(_ fixture: AuthFixture, roles: [String] = [Role.employee]) throws -> (cookie: String, csrf: String) {
        try fixture.auth.createUser(username: "mueller", password: "sehr-geheim-123", roles: roles, actor: "test")
        guard case .success(let sessionID, _) = try fixture.auth.login(username: "mueller", password: "sehr-geheim-123", remoteAddress: "127.0.0.1"),
              let principal = try fixture.auth.principal(forSession: sessionID), case .session(let csrf) = principal.credential else {
            throw SignInFailed()
        }
        return ("kh_session=\(sessionID)", csrf)
    }

    @Test func anonymousCallersGet401OrALoginRedirect() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let client = TestClient(try fixture.application())
        #expect(client.execute(.get, "/api/admin-only").status == .unauthorized)
        #expect(client.execute(.get, "/page").status == .unauthorized, "a script gets a 401")
        let page = client.execute(.get, "/page?x=1", headers: [.accept: "text/html,application/xhtml+xml"])
        #expect(page.status == .seeOther)
        #expect(page.headerFields[.location] == "/login?next=%2Fpage%3Fx%3D1")
    }

    @Test func rolesAreEnforced() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let client = TestClient(try fixture.application())
        let (cookie, _) = try signedIn(fixture)
        #expect(client.execute(.get, "/api/admin-only", headers: [.cookie: cookie]).status == .forbidden)
        try fixture.auth.changeRoles(username: "mueller", grant: [Role.admin], revoke: [], actor: "test")
        #expect(client.execute(.get, "/api/admin-only", headers: [.cookie: cookie]).status == .ok)
    }

    @Test func sessionWritesNeedTheCSRFToken() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let client = TestClient(try fixture.application())
        let (cookie, csrf) = try signedIn(fixture)
        let missing = client.execute(.post, "/api/change", headers: [.cookie: cookie], json: "{}")
        #expect(missing.status == .forbidden)
        #expect(missing.errorCode == "csrf_token_invalid")
        #expect(client.execute(.post, "/api/change", headers: [.cookie: cookie, .csrfToken: "wrong"], json: "{}").status == .forbidden)
        #expect(client.execute(.post, "/api/change", headers: [.cookie: cookie, .csrfToken: csrf], json: "{}").status == .ok)
        #expect(client.execute(.post, "/api/change", headers: [.cookie: cookie], form: [("_csrf", csrf)]).status == .ok)
    }

    @Test func bearerTokensNeedNoCSRFButMustBeValid() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let client = TestClient(try fixture.application())
        let (_, secret) = try fixture.auth.createToken(name: "script", roles: [Role.employee], actor: "test")
        let response = client.execute(.post, "/api/change", headers: [.authorization: "Bearer \(secret)"], json: "{}")
        #expect(response.status == .ok)
        #expect(response.text == "changed by token:script")
        let invalid = client.execute(.get, "/api/admin-only", headers: [.authorization: "Bearer kh_nonsense"])
        #expect(invalid.status == .unauthorized)
        #expect(invalid.errorCode == "invalid_token")
        #expect(client.execute(.get, "/login", headers: [.authorization: "Bearer kh_nonsense"]).status == .ok,
                "an open route ignores a bad token")
    }

    @Test func proxyHeaderIsBelievedOnlyFromTrustedProxies() throws {
        var configuration = AuthConfiguration()
        configuration.mode = .proxy
        configuration.trustedProxies = ["10.0.0.5"]
        let fixture = try AuthFixture(configuration: configuration)
        defer { fixture.cleanUp() }
        let application = try fixture.application()
        let header = HTTPField.Name("X-Remote-User")!

        let viaProxy = TestClient(application, remoteAddress: "10.0.0.5").execute(.get, "/api/me", headers: [header: "schmidt"])
        #expect(viaProxy.status == .ok)
        #expect(viaProxy.json?["name"] as? String == "schmidt")
        #expect(viaProxy.json?["roles"] as? [String] == [Role.employee])
        #expect(viaProxy.cookies["kh_session"] != nil, "a session is opened so that CSRF protection applies")

        let forged = TestClient(application, remoteAddress: "10.0.0.99").execute(.get, "/api/me", headers: [header: "admin"])
        #expect(forged.status == .unauthorized)
        #expect(try fixture.audit.events().contains { $0.action == "user.create" && $0.target == "schmidt" })
    }

    /// A proxy configured in another spelling of its address is the same proxy.
    @Test func trustedProxiesMatchInAnySpelling() throws {
        var configuration = AuthConfiguration()
        configuration.mode = .proxy
        configuration.trustedProxies = ["2001:DB8:0::7", "::ffff:10.0.0.5"]
        let fixture = try AuthFixture(configuration: configuration)
        defer { fixture.cleanUp() }
        let application = try fixture.application()
        let header = HTTPField.Name("X-Remote-User")!
        for peer in ["2001:db8::7", "10.0.0.5"] {
            let response = TestClient(application, remoteAddress: peer).execute(.get, "/api/me", headers: [header: "schmidt"])
            #expect(response.status == .ok, "\(peer)")
        }
        #expect(TestClient(application, remoteAddress: "2001:db8::8").execute(.get, "/api/me", headers: [header: "schmidt"]).status == .unauthorized)
    }

    @Test func loginFormNeedsItsOwnTokenAndRedirectsOnlyLocally() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let client = TestClient(try fixture.application())
        try fixture.auth.createUser(username: "mueller", password: "sehr-geheim-123", roles: [Role.employee], actor: "test")

        let page = client.execute(.get, "/login")
        #expect(page.status == .ok)
        let token = try #require(page.cookies["kh_login"])
        #expect(page.text.contains("value=\"\(token)\""))

        let forged = client.execute(.post, "/login", form: [("_csrf", token), ("username", "mueller"), ("password", "sehr-geheim-123")])
        #expect(forged.status == .forbidden, "no login cookie: a cross-site form cannot sign anyone in")

        let wrong = client.execute(.post, "/login", headers: [.cookie: "kh_login=\(token)"],
                                   form: [("_csrf", token), ("username", "mueller"), ("password", "falsch-falsch")])
        #expect(wrong.status == .unauthorized)
        #expect(wrong.text.contains("Benutzername oder Passwort sind falsch."))

        let success = client.execute(.post, "/login", headers: [.cookie: "kh_login=\(token)"],
                                     form: [("_csrf", token), ("username", "mueller"), ("password", "sehr-geheim-123"), ("next", "//evil.example/")])
        #expect(success.status == .seeOther)
        #expect(success.headerFields[.location] == "/")
        let cookie = try #require(success.headerFields[values: .setCookie].first { $0.hasPrefix("kh_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))

        // Signed in, `/login?next=` redirects at once: only to this site. Browsers drop tabs
        // and newlines from a URL and read a backslash as a slash.
        let session = "kh_session=" + cookie.dropFirst("kh_session=".count).prefix { $0 != ";" }
        for (next, expected) in [("/wiki/Start?x=1", "/wiki/Start?x=1"), ("//evil.example/", "/"), ("/%09/evil.example", "/"),
                                 ("/%0A/evil.example", "/"), ("/%5C/evil.example", "/"), ("/%0D/evil.example", "/"),
                                 ("/%7F/evil.example", "/"), ("https://evil.example/", "/"), ("/login", "/"),
                                 // A combining mark joins the slash (or backslash) before it into one
                                 // Character; browsers still read two slashes.
                                 ("/%2F%CC%81evil.example", "/"), ("/%5C%CC%81evil.example", "/"),
                                 // A variation selector does the same, and URL parsers drop it from
                                 // a host name: this one would have led to evil.example itself.
                                 ("/%2F%EF%B8%8Fevil.example", "/"),
                                 ("/%C3%A4mter", "/%C3%A4mter".removingPercentEncoding!)] {
            let again = client.execute(.get, "/login?next=\(next)", headers: [.cookie: session])
            #expect(again.status == .seeOther && again.headerFields[.location] == expected, "\(next)")
        }
    }
}
