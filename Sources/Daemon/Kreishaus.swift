import Auth
import Chatbot
import Foundation
import HTTPServer
import HTTPTypes
import Logging
import Storage
import WebUI

/// The assembled daemon: database, services, routes and the two listeners.
///
/// ```swift
/// let app = try Kreishaus(configuration: configuration, logger: logger)
/// try app.start()
/// ...
/// app.stop()
/// ```
public final class Kreishaus: Sendable {
    public static let version = "0.1.0"

    public let configuration: Configuration
    public let database: AppDatabase
    public let auth: AuthService
    public let audit: AuditLog
    public let metrics: HTTPMetrics
    public let intranetApplication: HTTPApplication
    public let publicApplication: HTTPApplication
    public let intranet: Listener
    public let publicListener: Listener
    public let chatLibrary: IntentLibrary
    public let chatAnalytics: ChatAnalytics
    public let chat: ChatService
    let logger: Logger

    /// Every module's migrations, in order. New modules add theirs here.
    public static var migrations: MigrationRegistry {
        var registry = MigrationRegistry()
        registry.add(AuthSchema.migrations)
        registry.add(ChatAnalytics.migrations)
        return registry
    }

    public init(configuration: Configuration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        database = try AppDatabase.open(at: configuration.databasePath, migrations: Self.migrations)
        var authConfiguration = configuration.auth
        authConfiguration.departments = Set(configuration.departments.map(\.id))
        auth = try AuthService(database: database, configuration: authConfiguration, logger: logger)
        audit = AuditLog(database: database)
        metrics = HTTPMetrics()

        let pages = try PageRenderer(organisation: configuration.organisation, navigation: [
            NavigationItem(label: "Start", href: "/"),
            NavigationItem(label: "Chatbot", href: "/chatbot", roles: [Role.admin]),
        ], templates: ChatRoutes.templates)

        let facts = configuration.installationFacts
        chatLibrary = IntentLibrary(directory: URL(fileURLWithPath: configuration.chatbot.intentsDirectory), facts: facts, logger: logger)
        chatLibrary.reload()  // on error the bot starts empty (fallback only) and reports it; fix and SIGHUP
        let policy = DecisionPolicy(answerThreshold: configuration.chatbot.answerThreshold, clarifyThreshold: configuration.chatbot.clarifyThreshold)
        chatAnalytics = ChatAnalytics(database: database, retentionDays: configuration.chatbot.retentionDays, reviewBelow: policy.reviewBelow,
                                      textsPerMinute: configuration.chatbot.storedQuestionsPerMinute, logger: logger)
        chat = ChatService(
            library: chatLibrary,
            policy: policy,
            facts: facts, conversationTTL: .seconds(configuration.chatbot.conversationMinutes * 60), analytics: chatAnalytics)

        let routes = Self.routes(database: database, auth: auth, audit: audit, metrics: metrics, pages: pages)
            + ChatRoutes(service: chat, analytics: chatAnalytics, pages: pages).routes
        let errorPages = WebErrorPages(pages)
        let accessLog = Self.accessLog(configuration: configuration, logger: logger)

        let intranetRoutes = Self.withOpenAPI(routes.filter { $0.exposure.onIntranetListener }, title: "Kreishaus Intranet-API")
        intranetApplication = try HTTPApplication(routes: intranetRoutes, middleware: [
            accessLog,
            RequestMetrics(metrics),
            SecurityHeaders(strictTransportSecurity: configuration.auth.secureCookies),
            CORS(allowedOrigins: configuration.intranet.corsOrigins),
            AuthMiddleware(auth: auth, logger: logger),
        ], errorPages: errorPages, translateErrors: Self.storageErrors, logger: logger)

        // The public listener serves only public routes, all open to anyone: nothing on it
        // depends on a session, so no misconfiguration can expose intranet data there.
        let publicRoutes = Self.withOpenAPI(routes.filter { $0.exposure.onPublicListener }, title: "Kreishaus Bürger-API")
        if let leaked = publicRoutes.first(where: { $0.access != .anyone }) {
            throw ConfigError(file: "routes", line: nil, "public route \(leaked.method.rawValue) \(leaked.path) requires a sign-in")
        }
        publicApplication = try HTTPApplication(routes: publicRoutes, middleware: [
            accessLog,
            RequestMetrics(metrics),
            SecurityHeaders(strictTransportSecurity: configuration.auth.secureCookies),
            CORS(allowedOrigins: configuration.publicSite.corsOrigins),
            RateLimit(requestsPerSecond: configuration.publicRateLimit.requestsPerSecond, burst: configuration.publicRateLimit.burst,
                      trustedProxies: configuration.publicRateLimit.trustedProxies),
        ], errorPages: errorPages, translateErrors: Self.storageErrors, logger: logger)

        try FileManager.default.createDirectory(atPath: configuration.uploadDirectory, withIntermediateDirectories: true)
        intranet = Listener(configuration: Self.listenerConfiguration("intranet", configuration.intranet, configuration),
                            application: intranetApplication, logger: logger, metrics: metrics)
        publicListener = Listener(configuration: Self.listenerConfiguration("public", configuration.publicSite, configuration),
                                  application: publicApplication, logger: logger, metrics: metrics)
    }

    /// Database failures a client can do nothing about but wait: 503 with Retry-After, in
    /// German, instead of a 500 (the details go to the log, never to the client).
    static func storageErrors(_ error: any Error) -> HTTPError? {
        switch StorageTrouble(error) {
        case .full:
            return HTTPError(.serviceUnavailable, code: "storage_full",
                             message: "Der Speicher des Dienstes ist voll. Bitte versuchen Sie es später erneut.",
                             headerFields: [.retryAfter: "300"])
        case .busy:
            return HTTPError(.serviceUnavailable, code: "storage_busy",
                             message: "Die Datenbank ist gerade ausgelastet. Bitte versuchen Sie es gleich noch einmal.",
                             headerFields: [.retryAfter: "5"])
        case .unavailable:
            return HTTPError(.serviceUnavailable, code: "storage_unavailable",
                             message: "Die Datenbank ist gerade nicht erreichbar. Bitte versuchen Sie es später erneut.",
                             headerFields: [.retryAfter: "60"])
        case nil:
            return nil
        }
    }

    /// The access log: written directly to the log stream when the daemon's own log output is
    /// set up (it is, in `serve`), otherwise through the logger (tests, embedding).
    static func accessLog(configuration: Configuration, logger: Logger) -> AccessLog {
        guard LogSetup.isBootstrapped else { return AccessLog(logger: logger) }
        guard configuration.logLevel <= .info else { return AccessLog { _ in } }
        let writer = AccessLogWriter(format: configuration.logFormat == .json ? .json : .text, label: logger.label)
        return AccessLog { record in writer.write(record) }
    }

    static func routes(database: AppDatabase, auth: AuthService, audit: AuditLog, metrics: HTTPMetrics, pages: PageRenderer) -> [Route] {
        let healthy = Response(status: .ok, headerFields: [.contentType: "application/json; charset=utf-8"], body: Data(#"{"status":"ok"}"#.utf8))
        let unhealthy = Response(status: .serviceUnavailable, headerFields: [.contentType: "application/json; charset=utf-8"],
                                 body: Data(#"{"status":"unavailable"}"#.utf8))
        var routes: [Route] = [
            Route(.get, "/healthz", exposure: .public, access: .anyone, operation: OpenAPIOperation(
                summary: "Betriebsbereitschaft: 200, wenn die Datenbank antwortet, sonst 503", tags: ["Betrieb"],
                responses: [200: "Bereit", 503: "Datenbank antwortet nicht"],
                responseSchemas: [200: ["type": "object", "properties": ["status": ["type": "string"]]]])) { _ in
                database.isHealthy() ? healthy : unhealthy
            },
            Route(.get, "/metrics", access: .anyRole([Role.monitoring, Role.admin])) { _ in
                .text(metrics.render(), contentType: "text/plain; version=0.0.4; charset=utf-8")
            },
            HomePage.route(pages: pages, areas: Area.standard(chatbot: "/chatbot")),
        ]
        routes += pages.assetRoutes
        routes += AuthRoutes(auth: auth, audit: audit, pages: pages).routes
        return routes
    }

    /// Adds `GET /api/openapi.json` describing exactly these routes.
    static func withOpenAPI(_ routes: [Route], title: String) -> [Route] {
        let operation = OpenAPIOperation(summary: "Diese API-Beschreibung (OpenAPI 3.1)", tags: ["Betrieb"])
        let placeholder = Route(.get, "/api/openapi.json", exposure: .public, access: .anyone, operation: operation) { _ in .noContent }
        let document = OpenAPIDocument.build(title: title, version: version, routes: routes + [placeholder])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let body = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return routes + [Route(.get, "/api/openapi.json", exposure: .public, access: .anyone, operation: operation) { _ in
            Response(status: .ok, headerFields: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"], body: body)
        }]
    }

    static func listenerConfiguration(_ name: String, _ settings: Configuration.ListenerSettings, _ configuration: Configuration) -> ListenerConfiguration {
        ListenerConfiguration(
            name: name, host: settings.host, port: settings.port,
            threads: settings.threads == 0 ? ProcessInfo.processInfo.activeProcessorCount : settings.threads,
            connectionLimit: settings.maxConnections, connectionsPerIP: settings.maxConnectionsPerIP,
            idleTimeoutSeconds: settings.idleTimeoutSeconds, maxHeaderBytes: configuration.maxHeaderBytes,
            bodyLimit: configuration.maxBodyBytes, uploadLimit: configuration.maxUploadBytes,
            uploadDirectory: URL(fileURLWithPath: configuration.uploadDirectory))
    }

    /// Opens both listeners.
    public func start() throws {
        chatAnalytics.startBackgroundWork()
        if configuration.chatbot.watchFiles { chatLibrary.startWatching() }
        try intranet.start()
        do {
            try publicListener.start()
        } catch {
            intranet.shutdown(grace: .zero)
            throw error
        }
    }

    /// Stops accepting, lets requests in flight finish (bounded by the grace period), closes
    /// the database.
    public func stop() {
        let grace = Duration.seconds(configuration.shutdownGraceSeconds)
        let listeners = [intranet, publicListener]
        DispatchQueue.concurrentPerform(iterations: listeners.count) { index in
            listeners[index].shutdown(grace: grace)
        }
        chatLibrary.stopWatching()
        chatAnalytics.stop()
        do {
            try database.close()
        } catch {
            logger.error("closing the database failed", metadata: ["error": .string("\(error)")])
        }
    }
}
