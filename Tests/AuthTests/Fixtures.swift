import Auth
import Foundation
import HTTPServer
import HTTPServerTesting
import Logging
import Storage
import WebUI

/// A real SQLite database in a temporary directory with the auth schema, and a cheap scrypt.
struct AuthFixture {
    let directory: URL
    let database: AppDatabase
    let auth: AuthService
    let audit: AuditLog

    init(configuration: AuthConfiguration = AuthConfiguration()) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-auth-\(UUID().uuidString)")
        database = try AppDatabase.open(at: directory.appendingPathComponent("k.sqlite").path, migrations: MigrationRegistry(AuthSchema.migrations))
        var configuration = configuration
        configuration.passwordHashCost = 10
        configuration.departments = ["zulassung"]
        auth = try AuthService(database: database, configuration: configuration, logger: Logger(label: "test"))
        audit = AuditLog(database: database)
    }

    func cleanUp() {
        try? database.close()
        try? FileManager.default.removeItem(at: directory)
    }

    /// An application with the auth routes plus two probes: one for admins, one that changes state.
    func application() throws -> HTTPApplication {
        let pages = try PageRenderer(organisation: "Test")
        let routes = AuthRoutes(auth: auth, audit: audit, pages: pages).routes + [
            Route(.get, "/api/admin-only", access: .role(Role.admin)) { _ in .text("admin") },
            Route(.post, "/api/change", access: .authenticated) { request in .text("changed by \(request.principal!.auditName)") },
            Route(.get, "/page", access: .authenticated) { _ in .html("<p>page</p>") },
        ]
        return try HTTPApplication(routes: routes, middleware: [AuthMiddleware(auth: auth, logger: Logger(label: "test"))],
                                   logger: Logger(label: "test"))
    }
}
