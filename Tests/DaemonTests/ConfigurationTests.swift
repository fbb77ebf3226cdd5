@testable import Daemon
import Foundation
import Testing

@Suite struct ConfigurationTests {
    func configuration(_ yaml: String, environment: [String: String] = [:]) throws -> Configuration {
        var configuration = Configuration()
        try configuration.apply(yaml: yaml, file: "test.yaml")
        try configuration.apply(environment: environment)
        try configuration.validate()
        return configuration
    }

    func error(_ yaml: String, environment: [String: String] = [:]) -> ConfigError? {
        #expect(throws: ConfigError.self) { _ = try configuration(yaml, environment: environment) }
        do { _ = try configuration(yaml, environment: environment) } catch let error as ConfigError { return error } catch {}
        return nil
    }

    @Test func theShippedFileIsValid() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/kreishaus.yaml").path
        let configuration = try Configuration.load(path: path, environment: [:])
        #expect(configuration.intranet.port == 8080)
        #expect(configuration.publicSite.port == 8081)
        #expect(configuration.chatbot.storedQuestionsPerMinute == 60)
        #expect(configuration.departments.contains { $0.id == "zulassung" && $0.name == "Zulassungsstelle" })
        #expect(configuration.timeZone == "Europe/Berlin")
    }

    @Test func defaultsApplyWithoutAFile() throws {
        let configuration = try Configuration.load(path: nil, environment: ["KREISHAUS_DATA_DIR": "/tmp/x"])
        #expect(configuration.dataDirectory == "/tmp/x")
        #expect(throws: ConfigError.self) { try Configuration.load(path: "/nonexistent/kreishaus.yaml", environment: [:]) }
    }

    @Test func errorsNameTheLineAndTheSetting() {
        let unknown = error("organisation: X\nlisteners:\n  intranet:\n    prot: 8080\n")
        #expect(unknown?.line == 4)
        #expect(unknown?.description == "test.yaml:4: listeners.intranet.prot: unknown setting")

        let port = error("listeners:\n  public:\n    port: 80x\n")
        #expect(port?.line == 3)
        #expect(port?.message.contains("listeners.public.port") == true)

        let syntax = error("listeners:\n  public: [1, 2\n")
        #expect(syntax?.line != nil)

        let mode = error("auth:\n  mode: ldap\n")
        #expect(mode?.message == "auth.mode: expected one of local, proxy, got \"ldap\"")

        let department = error("departments:\n  - id: Zulassung Stelle\n")
        #expect(department?.line == 2)

        let texts = error("chatbot:\n  stored_questions_per_minute: -1\n")
        #expect(texts?.line == 2)
        #expect(texts?.message.contains("chatbot.stored_questions_per_minute") == true)
    }

    @Test func environmentOverridesTheFile() throws {
        let configuration = try configuration("listeners:\n  intranet:\n    port: 9000\n", environment: [
            "KREISHAUS_INTRANET_PORT": "9100", "KREISHAUS_PUBLIC_PORT": "9101", "KREISHAUS_DATA_DIR": "/var/lib/kreishaus",
            "KREISHAUS_LOG_FORMAT": "json",
        ])
        #expect(configuration.intranet.port == 9100)
        #expect(configuration.publicSite.port == 9101)
        #expect(configuration.dataDirectory == "/var/lib/kreishaus")
        #expect(configuration.logFormat == .json)
        #expect(error("", environment: ["KREISHAUS_PUBLIC_PORT": "eighty"])?.description.contains("KREISHAUS_PUBLIC_PORT") == true)
    }

    @Test func inconsistentSettingsAreRefused() {
        #expect(error("auth:\n  mode: proxy\n")?.message.contains("trusted_proxies") == true)
        #expect(error("listeners:\n  public:\n    port: 8080\n") != nil)
        #expect(error("auth:\n  trusted_proxies: [proxy.example]\n")?.line == 2)
    }

    @Test func thePublicRateLimitKnowsItsProxies() throws {
        let yaml = "listeners:\n  public:\n    rate_limit:\n      requests_per_second: 2\n      trusted_proxies: [10.0.0.7, \"2001:db8::7\"]\n"
        let limit = try configuration(yaml).publicRateLimit
        #expect(limit == .init(requestsPerSecond: 2, burst: 30, trustedProxies: ["10.0.0.7", "2001:db8::7"]))
        let named = error("listeners:\n  public:\n    rate_limit:\n      trusted_proxies: [proxy.example]\n")
        #expect(named?.line == 4)
        #expect(named?.message.contains("listeners.public.rate_limit.trusted_proxies") == true)
    }
}
