import Auth
import Foundation
import Testing

@Suite struct AuthServiceTests {
    @Test func loginOpensASessionAndFailuresAreAudited() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        try fixture.auth.createUser(username: "mueller", password: "sehr-geheim-123", roles: [Role.employee, "department:zulassung"], actor: "test")

        guard case .success(let sessionID, let user) = try fixture.auth.login(username: "mueller", password: "sehr-geheim-123", remoteAddress: "10.0.0.1") else {
            Issue.record("login failed"); return
        }
        #expect(user.username == "mueller")
        let principal = try #require(try fixture.auth.principal(forSession: sessionID))
        #expect(principal.roles == [Role.employee, "department:zulassung"])
        #expect(principal.hasAnyRole(["department:zulassung"]))
        #expect(!principal.hasAnyRole([Role.admin]))

        #expect(try fixture.auth.login(username: "mueller", password: "falsch-falsch", remoteAddress: "10.0.0.1") == .rejected)
        #expect(try fixture.auth.login(username: "niemand", password: "falsch-falsch", remoteAddress: "10.0.0.1") == .rejected)
        let actions = try fixture.audit.events().map(\.action)
        #expect(actions.filter { $0 == "login.failure" }.count == 2)
        #expect(actions.contains("login.success"))
    }

    @Test func repeatedFailuresThrottleTheAccount() throws {
        var configuration = AuthConfiguration()
        configuration.throttle = .init(failuresPerAccount: 3, failuresPerAddress: 100, window: .seconds(600))
        let fixture = try AuthFixture(configuration: configuration)
        defer { fixture.cleanUp() }
        try fixture.auth.createUser(username: "mueller", password: "sehr-geheim-123", roles: [Role.employee], actor: "test")
        for _ in 0..<3 {
            #expect(try fixture.auth.login(username: "mueller", password: "falsch-falsch", remoteAddress: "10.0.0.1") == .rejected)
        }
        guard case .throttled(let seconds) = try fixture.auth.login(username: "mueller", password: "sehr-geheim-123", remoteAddress: "10.0.0.2") else {
            Issue.record("not throttled"); return
        }
        #expect(seconds > 0 && seconds <= 601)
    }

    @Test func sessionsExpireWhenIdleOrOld() throws {
        var configuration = AuthConfiguration()
        configuration.sessionIdleTimeout = .seconds(600)
        configuration.sessionLifetime = .seconds(3600)
        let fixture = try AuthFixture(configuration: configuration)
        defer { fixture.cleanUp() }
        try fixture.auth.createUser(username: "a", password: "sehr-geheim-123", roles: [Role.employee], actor: "test")
        guard case .success(let sessionID, _) = try fixture.auth.login(username: "a", password: "sehr-geheim-123", remoteAddress: "::1") else {
            Issue.record("login failed"); return
        }
        #expect(try fixture.auth.principal(forSession: sessionID, now: Date().addingTimeInterval(300)) != nil)
        #expect(try fixture.auth.principal(forSession: sessionID, now: Date().addingTimeInterval(300 + 700)) == nil)
        #expect(try fixture.auth.principal(forSession: sessionID) == nil, "an expired session is gone for good")
    }

    @Test func disablingEndsSessionsAndBlocksLogin() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        try fixture.auth.createUser(username: "a", password: "sehr-geheim-123", roles: [Role.employee], actor: "test")
        guard case .success(let sessionID, _) = try fixture.auth.login(username: "a", password: "sehr-geheim-123", remoteAddress: "::1") else {
            Issue.record("login failed"); return
        }
        try fixture.auth.setDisabled(username: "a", true, actor: "test")
        #expect(try fixture.auth.principal(forSession: sessionID) == nil)
        #expect(try fixture.auth.login(username: "a", password: "sehr-geheim-123", remoteAddress: "::1") == .rejected)
    }

    @Test func tokensAreShownOnceStoredHashedAndRevocable() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let (token, secret) = try fixture.auth.createToken(name: "scanstation", roles: [Role.mailroomClerk], actor: "test")
        #expect(secret.hasPrefix("kh_"))
        let stored = try fixture.database.pool.read { db in try String.fetchAll(db, sql: "SELECT tokenHash FROM apiToken") }
        #expect(stored.count == 1 && !stored[0].contains(secret))
        let principal = try #require(try fixture.auth.principal(forToken: secret))
        #expect(principal.roles == [Role.mailroomClerk])
        #expect(principal.credential == .bearer)
        try fixture.auth.revokeToken(String(token.id!), actor: "test")
        #expect(try fixture.auth.principal(forToken: secret) == nil)
        #expect(throws: AuthError.self) { try fixture.auth.revokeToken(String(token.id!), actor: "test") }
    }

    @Test func unknownRolesWeakPasswordsAndDuplicatesAreRefused() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        #expect(throws: AuthError.self) { try fixture.auth.createUser(username: "a", password: "sehr-geheim-123", roles: ["king"], actor: "t") }
        #expect(throws: AuthError.self) { try fixture.auth.createUser(username: "a", password: "sehr-geheim-123", roles: ["department:mond"], actor: "t") }
        #expect(throws: AuthError.self) { try fixture.auth.createUser(username: "a", password: "kurz", roles: [Role.employee], actor: "t") }
        #expect(throws: AuthError.self) { try fixture.auth.createUser(username: "a b", password: "sehr-geheim-123", roles: [Role.employee], actor: "t") }
        try fixture.auth.createUser(username: "a", password: "sehr-geheim-123", roles: [Role.employee], actor: "t")
        #expect(throws: AuthError.self) { try fixture.auth.createUser(username: "A", password: "sehr-geheim-123", roles: [Role.employee], actor: "t") }
    }

    @Test func theFirstAdminIsCreatedOnce() throws {
        let fixture = try AuthFixture()
        defer { fixture.cleanUp() }
        let password = try #require(try fixture.auth.bootstrapAdminIfNeeded())
        #expect(password.count == 16)
        #expect(try fixture.auth.bootstrapAdminIfNeeded() == nil)
        guard case .success = try fixture.auth.login(username: "admin", password: password, remoteAddress: "::1") else {
            Issue.record("admin cannot sign in"); return
        }
    }
}
