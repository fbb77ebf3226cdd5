import Foundation
import GRDB
import Logging
import Storage

/// A problem with an auth operation, worded for the person who asked (CLI or page).
public struct AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case invalid, notFound, conflict }
    public let kind: Kind
    public let description: String

    init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// The rules of signing in: users, passwords, sessions, API tokens and proxy single sign-on.
/// Every change is audited in the same transaction.
///
/// ```swift
/// let auth = AuthService(database: database, configuration: AuthConfiguration(), logger: logger)
/// let outcome = try auth.login(username: "mueller", password: "…", remoteAddress: "10.1.2.3")
/// let (token, secret) = try auth.createToken(name: "scanstation", roles: ["mailroom-clerk"], actor: "cli")
/// ```
public final class AuthService: Sendable {
    public static let sessionCookie = "kh_session"
    public static let minimumPasswordLength = 10

    public let configuration: AuthConfiguration
    let database: AppDatabase
    let hasher: PasswordHasher
    let throttle: LoginThrottle
    let logger: Logger
    /// A valid hash to verify against for unknown users, so timing does not reveal them.
    private let decoyHash: String

    public init(database: AppDatabase, configuration: AuthConfiguration, logger: Logger) throws {
        self.database = database
        self.configuration = configuration
        self.hasher = PasswordHasher(logRounds: configuration.passwordHashCost)
        self.throttle = LoginThrottle(limits: configuration.throttle)
        self.logger = logger
        self.decoyHash = try hasher.hash(Secrets.random())
    }

    // MARK: Users

    /// Creates a user; without a password, one is generated and returned.
    @discardableResult
    public func createUser(username: String, displayName: String? = nil, password: String? = nil, roles: [String],
                           actor: String) throws -> (user: User, password: String?) {
        try validateUsername(username)
        try validateRoles(roles)
        if let displayName, displayName.unicodeScalars.count > 200 {
            throw AuthError(.invalid, "Ein Anzeigename hat höchstens 200 Zeichen.")
        }
        let generated = password == nil ? Secrets.password() : nil
        let chosen = password ?? generated!
        try validatePassword(chosen)
        let hash = try hasher.hash(chosen)
        let user = try database.pool.write { db -> User in
            if try User.filter(Column("username") == username).fetchOne(db) != nil {
                throw AuthError(.conflict, "Es gibt bereits einen Benutzer „\(username)“.")
            }
            var user = User(id: nil, username: username, displayName: displayName?.nonEmpty ?? username, passwordHash: hash,
                            disabled: false, createdAt: Date(), lastLoginAt: nil)
            try user.insert(db)
            for role in Set(roles) { try UserRole(userId: user.id!, role: role).insert(db) }
            try AuditLog.record(AuditEvent(actor: actor, action: "user.create", target: username, detail: "roles: \(roles.sorted().joined(separator: ", "))"), in: db)
            return user
        }
        return (user, generated)
    }

    /// Sets a new password (generated when nil, and returned) and ends the user's sessions.
    @discardableResult
    public func setPassword(username: String, password: String?, actor: String) throws -> String? {
        let generated = password == nil ? Secrets.password() : nil
        let chosen = password ?? generated!
        try validatePassword(chosen)
        let hash = try hasher.hash(chosen)
        try database.pool.write { db in
            let user = try existingUser(username, db)
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [hash, user.id])
            try Session.filter(Column("userId") == user.id).deleteAll(db)
            try AuditLog.record(AuditEvent(actor: actor, action: "user.passwd", target: user.username), in: db)
        }
        return generated
    }

    /// Disables (or re-enables) a user; disabling ends their sessions at once.
    public func setDisabled(username: String, _ disabled: Bool, actor: String) throws {
        try database.pool.write { db in
            let user = try existingUser(username, db)
            try db.execute(sql: "UPDATE user SET disabled = ? WHERE id = ?", arguments: [disabled, user.id])
            if disabled { try Session.filter(Column("userId") == user.id).deleteAll(db) }
            try AuditLog.record(AuditEvent(actor: actor, action: disabled ? "user.disable" : "user.enable", target: user.username), in: db)
        }
    }

    /// Grants and revokes roles.
    public func changeRoles(username: String, grant: [String], revoke: [String], actor: String) throws {
        try validateRoles(grant)
        try database.pool.write { db in
            let user = try existingUser(username, db)
            for role in Set(grant) { try UserRole(userId: user.id!, role: role).insert(db, onConflict: .ignore) }
            for role in Set(revoke) { try UserRole.filter(Column("userId") == user.id && Column("role") == role).deleteAll(db) }
            if !grant.isEmpty {
                try AuditLog.record(AuditEvent(actor: actor, action: "role.grant", target: user.username, detail: grant.sorted().joined(separator: ", ")), in: db)
            }
            if !revoke.isEmpty {
                try AuditLog.record(AuditEvent(actor: actor, action: "role.revoke", target: user.username, detail: revoke.sorted().joined(separator: ", ")), in: db)
            }
        }
    }

    public func users() throws -> [(user: User, roles: [String])] {
        try database.pool.read { db in
            let roles = try UserRole.fetchAll(db)
            let byUser = Dictionary(grouping: roles, by: \.userId).mapValues { $0.map(\.role).sorted() }
            return try User.order(Column("username")).fetchAll(db).map { ($0, byUser[$0.id!] ?? []) }
        }
    }

    /// On a fresh installation: creates `admin` with a random password and returns it.
    public func bootstrapAdminIfNeeded() throws -> String? {
        let count = try database.pool.read { db in try User.fetchCount(db) }
        guard count == 0 else { return nil }
        return try createUser(username: "admin", displayName: "Administrator", roles: [Role.admin, Role.employee], actor: "system").password
    }

    // MARK: Sessions

    public enum LoginOutcome: Sendable, Equatable {
        case success(sessionID: String, user: User)
        case rejected
        case throttled(retryAfterSeconds: Int)
    }

    /// Checks a password and opens a session. Failures are counted and audited; the answer
    /// never tells whether the account exists.
    public func login(username: String, password: String, remoteAddress: String) throws -> LoginOutcome {
        if let wait = throttle.retryAfter(account: username, address: remoteAddress) {
            try AuditLog(database: database).record(AuditEvent(actor: username, action: "login.throttled", remoteAddress: remoteAddress))
            return .throttled(retryAfterSeconds: wait)
        }
        let user = try database.pool.read { db in try User.filter(Column("username") == username).fetchOne(db) }
        let stored = user?.passwordHash ?? decoyHash
        let matches = hasher.verify(password, against: stored)
        guard let user, matches, user.passwordHash != nil, !user.disabled else {
            throttle.recordFailure(account: username, address: remoteAddress)
            try AuditLog(database: database).record(AuditEvent(
                actor: username, action: "login.failure", remoteAddress: remoteAddress,
                detail: user == nil ? "unknown user" : (user!.disabled ? "disabled" : "wrong password")))
            return .rejected
        }
        throttle.recordSuccess(account: username)
        let rehash = hasher.needsRehash(stored) ? try hasher.hash(password) : nil
        let sessionID = try openSession(for: user, remoteAddress: remoteAddress, action: "login.success") { db in
            if let rehash { try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [rehash, user.id]) }
        }
        return .success(sessionID: sessionID, user: user)
    }

    private func openSession(for user: User, remoteAddress: String, action: String, extra: (Database) throws -> Void = { _ in }) throws -> String {
        let sessionID = Secrets.random()
        let now = Date()
        try database.pool.write { db in
            try extra(db)
            try Session(idHash: Secrets.digest(sessionID), userId: user.id!, csrfToken: Secrets.random(), createdAt: now,
                        lastSeenAt: now, remoteAddress: remoteAddress).insert(db)
            try db.execute(sql: "UPDATE user SET lastLoginAt = ? WHERE id = ?", arguments: [now, user.id])
            try deleteExpiredSessions(db, now: now)
            try AuditLog.record(AuditEvent(actor: user.username, action: action, remoteAddress: remoteAddress), in: db)
        }
        return sessionID
    }

    /// Ends a session (logout).
    public func logout(sessionID: String, remoteAddress: String) throws {
        try database.pool.write { db in
            guard let session = try Session.fetchOne(db, key: Secrets.digest(sessionID)) else { return }
            let username = try String.fetchOne(db, sql: "SELECT username FROM user WHERE id = ?", arguments: [session.userId]) ?? "?"
            try session.delete(db)
            try AuditLog.record(AuditEvent(actor: username, action: "logout", remoteAddress: remoteAddress), in: db)
        }
    }

    /// The principal of a live session; nil for unknown, expired or disabled ones.
    public func principal(forSession sessionID: String, now: Date = Date()) throws -> Principal? {
        let idHash = Secrets.digest(sessionID)
        let found = try database.pool.read { db -> (Session, User, [String])? in
            guard let session = try Session.fetchOne(db, key: idHash),
                  let user = try User.fetchOne(db, key: session.userId) else { return nil }
            let roles = try String.fetchAll(db, sql: "SELECT role FROM userRole WHERE userId = ?", arguments: [user.id])
            return (session, user, roles)
        }
        guard let (session, user, roles) = found else { return nil }
        let idle = now.timeIntervalSince(session.lastSeenAt), age = now.timeIntervalSince(session.createdAt)
        if user.disabled || idle > configuration.sessionIdleTimeout.seconds || age > configuration.sessionLifetime.seconds {
            _ = try database.pool.write { db in try Session.deleteOne(db, key: idHash) }
            return nil
        }
        if idle > 60 {
            // Touch at most once a minute: a write per request would cost an fsync each.
            try database.pool.write { db in
                try db.execute(sql: "UPDATE session SET lastSeenAt = ? WHERE idHash = ?", arguments: [now, idHash])
            }
        }
        return Principal(kind: .user(id: user.id!, username: user.username), displayName: user.displayName,
                         roles: Set(roles), credential: .session(csrfToken: session.csrfToken))
    }

    /// For a user named by the trusted proxy: the principal of their session, opening one
    /// (and creating the user with the default roles) when needed. Returns a new session id to
    /// set as cookie, or nil when `existingSession` is still good for this user.
    public func principal(forProxyUser username: String, existingSession: String?, remoteAddress: String) throws -> (Principal, newSessionID: String?)? {
        guard (try? validateUsername(username)) != nil else { return nil }
        if let existingSession, let principal = try principal(forSession: existingSession),
           case .user(_, let name) = principal.kind, name.lowercased() == username.lowercased() {
            return (principal, nil)
        }
        var user = try database.pool.read { db in try User.filter(Column("username") == username).fetchOne(db) }
        if user == nil {
            do {
                user = try database.pool.write { db -> User in
                    var user = User(id: nil, username: username, displayName: username, passwordHash: nil, disabled: false,
                                    createdAt: Date(), lastLoginAt: nil)
                    try user.insert(db)
                    for role in configuration.proxyDefaultRoles { try UserRole(userId: user.id!, role: role).insert(db) }
                    try AuditLog.record(AuditEvent(actor: "proxy", action: "user.create", target: username,
                                                   remoteAddress: remoteAddress, detail: "roles: \(configuration.proxyDefaultRoles.joined(separator: ", "))"), in: db)
                    return user
                }
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                // Created by a concurrent request a moment ago.
                user = try database.pool.read { db in try User.filter(Column("username") == username).fetchOne(db) }
            }
        }
        guard let user, !user.disabled else { return nil }
        let sessionID = try openSession(for: user, remoteAddress: remoteAddress, action: "login.proxy")
        guard let principal = try principal(forSession: sessionID) else { return nil }
        return (principal, sessionID)
    }

    private func deleteExpiredSessions(_ db: Database, now: Date) throws {
        try db.execute(sql: "DELETE FROM session WHERE lastSeenAt < ? OR createdAt < ?", arguments: [
            now.addingTimeInterval(-configuration.sessionIdleTimeout.seconds), now.addingTimeInterval(-configuration.sessionLifetime.seconds),
        ])
    }

    // MARK: API tokens

    /// Creates a token; the secret is returned once and stored only as a digest.
    public func createToken(name: String, roles: [String], actor: String) throws -> (token: APIToken, secret: String) {
        guard !name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, name.unicodeScalars.count <= 100 else {
            throw AuthError(.invalid, "Ein Token braucht einen Namen mit 1 bis 100 Zeichen.")
        }
        guard !roles.isEmpty else { throw AuthError(.invalid, "Ein Token braucht mindestens eine Rolle.") }
        try validateRoles(roles)
        let secret = "kh_" + Secrets.random()
        let token = try database.pool.write { db -> APIToken in
            var token = APIToken(id: nil, name: name, tokenHash: Secrets.digest(secret), roles: Set(roles).sorted().joined(separator: " "),
                                 createdAt: Date(), createdBy: actor, lastUsedAt: nil, revokedAt: nil)
            try token.insert(db)
            try AuditLog.record(AuditEvent(actor: actor, action: "token.create", target: "\(token.id!):\(name)", detail: "roles: \(token.roles)"), in: db)
            return token
        }
        return (token, secret)
    }

    /// Revokes a token by id or by name (all live tokens of that name).
    @discardableResult
    public func revokeToken(_ idOrName: String, actor: String) throws -> Int {
        try database.pool.write { db in
            let now = Date()
            var request = APIToken.filter(Column("revokedAt") == nil)
            if let id = Int64(idOrName) { request = request.filter(Column("id") == id) } else { request = request.filter(Column("name") == idOrName) }
            let tokens = try request.fetchAll(db)
            guard !tokens.isEmpty else { throw AuthError(.notFound, "Kein aktives Token „\(idOrName)“.") }
            for token in tokens {
                try db.execute(sql: "UPDATE apiToken SET revokedAt = ? WHERE id = ?", arguments: [now, token.id])
                try AuditLog.record(AuditEvent(actor: actor, action: "token.revoke", target: "\(token.id!):\(token.name)"), in: db)
            }
            return tokens.count
        }
    }

    public func tokens() throws -> [APIToken] {
        try database.pool.read { db in try APIToken.order(Column("id")).fetchAll(db) }
    }

    /// The principal of a live token; nil for unknown or revoked ones.
    public func principal(forToken secret: String) throws -> Principal? {
        guard secret.hasPrefix("kh_"), secret.count < 200 else { return nil }
        let hash = Secrets.digest(secret)
        guard let token = try database.pool.read({ db in try APIToken.filter(Column("tokenHash") == hash).fetchOne(db) }),
              token.revokedAt == nil else { return nil }
        let now = Date()
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try database.pool.write { db in try db.execute(sql: "UPDATE apiToken SET lastUsedAt = ? WHERE id = ?", arguments: [now, token.id]) }
        }
        return Principal(kind: .token(id: token.id!, name: token.name), displayName: "Token \(token.name)", roles: token.roleSet, credential: .bearer)
    }

    // MARK: Validation

    private func existingUser(_ username: String, _ db: Database) throws -> User {
        guard let user = try User.filter(Column("username") == username).fetchOne(db) else {
            throw AuthError(.notFound, "Es gibt keinen Benutzer „\(username)“.")
        }
        return user
    }

    func validateUsername(_ username: String) throws {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._@-")
        guard (1...64).contains(username.count), username.unicodeScalars.allSatisfy(allowed.contains) else {
            throw AuthError(.invalid, "Ein Benutzername hat 1 bis 64 Zeichen: Buchstaben, Ziffern, '.', '_', '@', '-'.")
        }
    }

    func validatePassword(_ password: String) throws {
        // Counted in code points, as the API's JSON schema counts them.
        guard password.unicodeScalars.count >= Self.minimumPasswordLength, password.unicodeScalars.count <= 256 else {
            throw AuthError(.invalid, "Ein Passwort hat \(Self.minimumPasswordLength) bis 256 Zeichen.")
        }
    }

    func validateRoles(_ roles: [String]) throws {
        for role in roles where !Role.isValid(role, departments: configuration.departments) {
            throw AuthError(.invalid, "Unbekannte Rolle „\(role)“. Erlaubt sind \(Role.fixed.joined(separator: ", ")) oder department:<id> mit einer Amts-Kennung aus der Konfiguration.")
        }
    }
}

extension Duration {
    var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}

extension String {
    var nonEmpty: String? {
        let trimmed = trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
    }
}
