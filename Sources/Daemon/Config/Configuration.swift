import Auth
import Foundation
import HTTPServer
import HTTPTypes
import Logging
import Yams

/// The whole installation's settings: embedded defaults, overridden by `Config/kreishaus.yaml`,
/// overridden by `KREISHAUS_…` environment variables. Validated at load; an error names the
/// file (or variable), the line and the problem.
///
/// ```swift
/// let configuration = try Configuration.load(path: "Config/kreishaus.yaml", environment: ProcessInfo.processInfo.environment)
/// ```
public struct Configuration: Sendable, Equatable {
    public struct ListenerSettings: Sendable, Equatable {
        public var host: String
        public var port: Int
        /// 0: one thread per core.
        public var threads: Int
        public var maxConnections: Int
        public var maxConnectionsPerIP: Int
        public var idleTimeoutSeconds: Int
        public var corsOrigins: [String]
    }

    public struct RateLimitSettings: Sendable, Equatable {
        public var requestsPerSecond: Double
        public var burst: Int
        /// Reverse proxies in front of the public listener, whose `X-Forwarded-For` names the client.
        public var trustedProxies: [String] = []
    }

    /// An office (Amt): a role (`department:<id>`), a mail destination, and the contact
    /// details that chatbot answers refer to as `{{<id>.phone}}` and so on.
    public struct Department: Sendable, Equatable {
        public var id: String
        public var name: String
        public var contact = Contact()

        public init(id: String, name: String, contact: Contact = Contact()) {
            self.id = id
            self.name = name
            self.contact = contact
        }
    }

    /// How citizens reach an office or the administration as a whole.
    public struct Contact: Sendable, Equatable {
        public var address = ""
        public var phone = ""
        public var email = ""
        public var hours = ""
        public var appointments = ""
        public var url = ""

        public init() {}

        static let keys = ["address", "phone", "email", "hours", "appointments", "url"]

        subscript(key: String) -> String {
            get {
                switch key {
                case "address": address
                case "phone": phone
                case "email": email
                case "hours": hours
                case "appointments": appointments
                default: url
                }
            }
            set {
                switch key {
                case "address": address = newValue
                case "phone": phone = newValue
                case "email": email = newValue
                case "hours": hours = newValue
                case "appointments": appointments = newValue
                default: url = newValue
                }
            }
        }
    }

    /// The chatbot's settings.
    public struct ChatbotSettings: Sendable, Equatable {
        public var intentsDirectory = "Intents"
        public var answerThreshold = 0.4
        public var clarifyThreshold = 0.35
        public var conversationMinutes = 30
        public var retentionDays = 90
        /// Distinct question texts the analytics store per minute at most.
        public var storedQuestionsPerMinute = 60
        public var watchFiles = true
    }

    public enum LogFormat: String, Sendable, Equatable, CaseIterable { case text, json }

    public var organisation = "Landkreis Beispielkreis"
    public var timeZone = "Europe/Berlin"
    public var dataDirectory = "./data"
    public var intranet = ListenerSettings(host: "127.0.0.1", port: 8080, threads: 0, maxConnections: 1024, maxConnectionsPerIP: 128,
                                           idleTimeoutSeconds: 30, corsOrigins: [])
    public var publicSite = ListenerSettings(host: "127.0.0.1", port: 8081, threads: 0, maxConnections: 1024, maxConnectionsPerIP: 32,
                                             idleTimeoutSeconds: 15, corsOrigins: [])
    public var publicRateLimit = RateLimitSettings(requestsPerSecond: 5, burst: 30)
    public var maxBodyBytes = 1 << 20
    public var maxUploadBytes = 64 << 20
    public var maxHeaderBytes = 32 << 10
    public var auth = AuthConfiguration()
    public var logLevel = Logger.Level.info
    public var logFormat = LogFormat.text
    public var shutdownGraceSeconds = 30
    public var departments: [Department] = []
    /// The district's website, e.g. https://www.beispielkreis.example.
    public var website = ""
    /// The general contact (Bürgerservice).
    public var contactName = "Bürgerservice"
    public var contact = Contact()
    public var chatbot = ChatbotSettings()
    /// Where the settings came from, for messages.
    public var source = "embedded defaults"

    public init() {}

    public var databasePath: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("kreishaus.sqlite").path
    }

    public var uploadDirectory: String {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("uploads-in-progress").path
    }

    /// The path used when none is given.
    public static let defaultPath = "Config/kreishaus.yaml"

    /// Loads the file at `path` (the default path may be missing: then the embedded defaults
    /// apply) and the environment overrides.
    public static func load(path: String?, environment: [String: String]) throws -> Configuration {
        var configuration = Configuration()
        let chosen = path ?? defaultPath
        if FileManager.default.fileExists(atPath: chosen) {
            let text: String
            do {
                text = try String(contentsOfFile: chosen, encoding: .utf8)
            } catch {
                throw ConfigError(file: chosen, line: nil, "cannot be read: \(error.localizedDescription)")
            }
            try configuration.apply(yaml: text, file: chosen)
            configuration.source = chosen
        } else if path != nil {
            throw ConfigError(file: chosen, line: nil, "no such file")
        }
        try configuration.apply(environment: environment)
        try configuration.validate()
        return configuration
    }

    mutating func apply(yaml text: String, file: String) throws {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { return }
            root = node
        } catch let error as YamlError {
            throw ConfigError(file: file, line: Self.line(of: error), "not valid YAML: \(Self.summary(of: error))")
        }
        var reader = try YAMLReader(file: file, path: "", node: root)
        organisation = try reader.string("organisation") ?? organisation
        timeZone = try reader.string("time_zone") ?? timeZone
        if TimeZone(identifier: timeZone) == nil { throw reader.error("time_zone", "unknown time zone \"\(timeZone)\"") }
        dataDirectory = try reader.string("data_dir") ?? dataDirectory
        shutdownGraceSeconds = try reader.int("shutdown_grace_seconds", in: 1...600) ?? shutdownGraceSeconds

        if var listeners = try reader.mapping("listeners") {
            if var intranetReader = try listeners.mapping("intranet") { try Self.read(&intranet, from: &intranetReader) }
            if var publicReader = try listeners.mapping("public") {
                if var rate = try publicReader.mapping("rate_limit") {
                    publicRateLimit.requestsPerSecond = try rate.double("requests_per_second", in: 0.01...10_000_000) ?? publicRateLimit.requestsPerSecond
                    publicRateLimit.burst = try rate.int("burst", in: 1...10_000_000) ?? publicRateLimit.burst
                    publicRateLimit.trustedProxies = try rate.strings("trusted_proxies") ?? publicRateLimit.trustedProxies
                    for proxy in publicRateLimit.trustedProxies where !Self.isIPAddress(proxy) {
                        throw rate.error("trusted_proxies", "\"\(proxy)\" is not an IP address")
                    }
                    try rate.finish()
                }
                try Self.read(&publicSite, from: &publicReader)
            }
            try listeners.finish()
        }
        if var limits = try reader.mapping("limits") {
            maxBodyBytes = try limits.int("max_body_bytes", in: 1024...(64 << 20), what: "a size in bytes") ?? maxBodyBytes
            maxUploadBytes = try limits.int("max_upload_bytes", in: 1024...(4 << 30), what: "a size in bytes") ?? maxUploadBytes
            maxHeaderBytes = try limits.int("max_header_bytes", in: 8192...(1 << 20), what: "a size in bytes") ?? maxHeaderBytes
            try limits.finish()
        }
        if var authReader = try reader.mapping("auth") {
            if let mode = try authReader.string("mode", oneOf: AuthConfiguration.Mode.allCases.map(\.rawValue)) {
                auth.mode = AuthConfiguration.Mode(rawValue: mode)!
            }
            if let minutes = try authReader.int("session_idle_minutes", in: 1...(7 * 24 * 60)) { auth.sessionIdleTimeout = .seconds(minutes * 60) }
            if let hours = try authReader.int("session_lifetime_hours", in: 1...(30 * 24)) { auth.sessionLifetime = .seconds(hours * 3600) }
            auth.secureCookies = try authReader.bool("secure_cookies") ?? auth.secureCookies
            auth.proxyHeader = try authReader.string("proxy_header") ?? auth.proxyHeader
            if HTTPField.Name(auth.proxyHeader) == nil { throw authReader.error("proxy_header", "\"\(auth.proxyHeader)\" is not a valid header name") }
            auth.trustedProxies = try authReader.strings("trusted_proxies") ?? auth.trustedProxies
            for proxy in auth.trustedProxies where !Self.isIPAddress(proxy) {
                throw authReader.error("trusted_proxies", "\"\(proxy)\" is not an IP address")
            }
            auth.proxyDefaultRoles = try authReader.strings("proxy_default_roles") ?? auth.proxyDefaultRoles
            auth.throttle.failuresPerAccount = try authReader.int("login_failures_per_account", in: 1...1000) ?? auth.throttle.failuresPerAccount
            auth.throttle.failuresPerAddress = try authReader.int("login_failures_per_address", in: 1...10_000) ?? auth.throttle.failuresPerAddress
            if let minutes = try authReader.int("login_window_minutes", in: 1...(24 * 60)) { auth.throttle.window = .seconds(minutes * 60) }
            auth.passwordHashCost = try authReader.int("password_hash_cost", in: 10...20) ?? auth.passwordHashCost
            try authReader.finish()
        }
        if var log = try reader.mapping("log") {
            if let level = try log.string("level", oneOf: Logger.Level.allCases.map(\.rawValue)) { logLevel = Logger.Level(rawValue: level)! }
            if let format = try log.string("format", oneOf: LogFormat.allCases.map(\.rawValue)) { logFormat = LogFormat(rawValue: format)! }
            try log.finish()
        }
        if let departmentReaders = try reader.mappings("departments") {
            departments = []
            for var item in departmentReaders {
                guard let id = try item.string("id") else { throw ConfigError(file: file, line: item.line, "\(item.path): a department needs an id") }
                guard id.range(of: "^[a-z0-9][a-z0-9-]{0,62}$", options: .regularExpression) != nil else {
                    throw item.error("id", "use lower-case letters, digits and '-' (e.g. \"zulassung\"), got \"\(id)\"")
                }
                guard !departments.contains(where: { $0.id == id }) else { throw item.error("id", "the department id \"\(id)\" appears twice") }
                let name = try item.string("name") ?? id
                var contact = Contact()
                try Self.read(&contact, from: &item)
                try item.finish()
                departments.append(Department(id: id, name: name, contact: contact))
            }
        }
        website = try reader.string("website") ?? website
        if !website.isEmpty && !(website.hasPrefix("https://") || website.hasPrefix("http://")) {
            throw reader.error("website", "expected an address like https://www.beispielkreis.de, got \"\(website)\"")
        }
        if var contactReader = try reader.mapping("contact") {
            contactName = try contactReader.string("name") ?? contactName
            try Self.read(&contact, from: &contactReader)
            try contactReader.finish()
        }
        if var chat = try reader.mapping("chatbot") {
            chatbot.intentsDirectory = try chat.string("intents_dir") ?? chatbot.intentsDirectory
            chatbot.answerThreshold = try chat.double("answer_threshold", in: 0...1) ?? chatbot.answerThreshold
            chatbot.clarifyThreshold = try chat.double("clarify_threshold", in: 0...1) ?? chatbot.clarifyThreshold
            chatbot.conversationMinutes = try chat.int("conversation_minutes", in: 1...(24 * 60)) ?? chatbot.conversationMinutes
            chatbot.retentionDays = try chat.int("retention_days", in: 1...3650) ?? chatbot.retentionDays
            chatbot.storedQuestionsPerMinute = try chat.int("stored_questions_per_minute", in: 0...100_000) ?? chatbot.storedQuestionsPerMinute
            chatbot.watchFiles = try chat.bool("watch_files") ?? chatbot.watchFiles
            try chat.finish()
        }
        try reader.finish()
    }

    private static func read(_ contact: inout Contact, from reader: inout YAMLReader) throws {
        for key in Contact.keys {
            guard let value = try reader.string(key) else { continue }
            if key == "appointments" || key == "url", !value.isEmpty, !(value.hasPrefix("https://") || value.hasPrefix("http://")) {
                throw reader.error(key, "expected an address like https://…, got \"\(value)\"")
            }
            contact[key] = value
        }
    }

    private static func read(_ settings: inout ListenerSettings, from reader: inout YAMLReader) throws {
        settings.host = try reader.string("host") ?? settings.host
        if !isIPAddress(settings.host) { throw reader.error("host", "expected an IP address such as 127.0.0.1 or ::, got \"\(settings.host)\"") }
        settings.port = try reader.int("port", in: 0...65535, what: "a port") ?? settings.port
        settings.threads = try reader.int("threads", in: 0...256) ?? settings.threads
        settings.maxConnections = try reader.int("max_connections", in: 1...100_000) ?? settings.maxConnections
        settings.maxConnectionsPerIP = try reader.int("max_connections_per_ip", in: 1...100_000) ?? settings.maxConnectionsPerIP
        settings.idleTimeoutSeconds = try reader.int("idle_timeout_seconds", in: 1...3600) ?? settings.idleTimeoutSeconds
        settings.corsOrigins = try reader.strings("cors_origins") ?? settings.corsOrigins
        for origin in settings.corsOrigins where origin != "*" && !(origin.hasPrefix("https://") || origin.hasPrefix("http://")) {
            throw reader.error("cors_origins", "\"\(origin)\" is not an origin like https://www.example.de")
        }
        try reader.finish()
    }

    /// The environment overrides; an invalid value names its variable.
    mutating func apply(environment: [String: String]) throws {
        func port(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), (0...65535).contains(value) else {
                throw ConfigError(file: "environment", line: nil, "\(name): expected a port 0–65535, got \"\(text)\"")
            }
            return value
        }
        func host(_ name: String) throws -> String? {
            guard let text = environment[name] else { return nil }
            guard Self.isIPAddress(text) else { throw ConfigError(file: "environment", line: nil, "\(name): expected an IP address, got \"\(text)\"") }
            return text
        }
        if let directory = environment["KREISHAUS_DATA_DIR"], !directory.isEmpty { dataDirectory = directory }
        if let directory = environment["KREISHAUS_INTENTS_DIR"], !directory.isEmpty { chatbot.intentsDirectory = directory }
        intranet.port = try port("KREISHAUS_INTRANET_PORT") ?? intranet.port
        publicSite.port = try port("KREISHAUS_PUBLIC_PORT") ?? publicSite.port
        intranet.host = try host("KREISHAUS_INTRANET_HOST") ?? intranet.host
        publicSite.host = try host("KREISHAUS_PUBLIC_HOST") ?? publicSite.host
        if let level = environment["KREISHAUS_LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ConfigError(file: "environment", line: nil, "KREISHAUS_LOG_LEVEL: expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logLevel = parsed
        }
        if let format = environment["KREISHAUS_LOG_FORMAT"] {
            guard let parsed = LogFormat(rawValue: format) else {
                throw ConfigError(file: "environment", line: nil, "KREISHAUS_LOG_FORMAT: expected text or json")
            }
            logFormat = parsed
        }
        if let mode = environment["KREISHAUS_AUTH_MODE"] {
            guard let parsed = AuthConfiguration.Mode(rawValue: mode) else {
                throw ConfigError(file: "environment", line: nil, "KREISHAUS_AUTH_MODE: expected local or proxy")
            }
            auth.mode = parsed
        }
        if let cost = environment["KREISHAUS_PASSWORD_HASH_COST"] {
            guard let value = Int(cost), (10...20).contains(value) else {
                throw ConfigError(file: "environment", line: nil, "KREISHAUS_PASSWORD_HASH_COST: expected 10–20")
            }
            auth.passwordHashCost = value
        }
    }

    /// Checks that span several settings.
    func validate() throws {
        if intranet.port != 0, intranet.port == publicSite.port, intranet.host == publicSite.host {
            throw ConfigError(file: source, line: nil, "listeners: the intranet and public listeners cannot share \(intranet.host):\(intranet.port)")
        }
        let known = Set(departments.map(\.id))
        for role in auth.proxyDefaultRoles where !Role.isValid(role, departments: known) {
            throw ConfigError(file: source, line: nil, "auth.proxy_default_roles: unknown role \"\(role)\"")
        }
        if auth.mode == .proxy && auth.trustedProxies.isEmpty {
            throw ConfigError(file: source, line: nil, "auth: mode proxy needs at least one address in trusted_proxies")
        }
    }

    static func isIPAddress(_ text: String) -> Bool {
        IPAddress.isValid(text)
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func summary(of error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: String(describing: error)
        }
    }
}
