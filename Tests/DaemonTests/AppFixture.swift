@testable import Daemon
import Foundation
import HTTPServerTesting
import Logging

/// The whole daemon, assembled on a temporary data directory with ephemeral ports.
struct AppFixture {
    let directory: URL
    let app: Kreishaus
    let adminPassword: String

    init(start: Bool = false, configure: (inout Configuration) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-app-\(UUID().uuidString)")
        var configuration = Configuration()
        // The shipped installation facts, so that the shipped intents load (their answers
        // name the departments' phone numbers and so on).
        let shipped = try Configuration.load(path: DaemonProcess.repository.appendingPathComponent("Config/kreishaus.yaml").path, environment: [:])
        configuration.departments = shipped.departments
        configuration.website = shipped.website
        configuration.contact = shipped.contact
        configuration.contactName = shipped.contactName
        configuration.chatbot.intentsDirectory = DaemonProcess.repository.appendingPathComponent("Intents").path
        configuration.chatbot.watchFiles = false
        configuration.dataDirectory = directory.path
        configuration.intranet.port = 0
        configuration.publicSite.port = 0
        configuration.auth.passwordHashCost = 10
        configuration.shutdownGraceSeconds = 5
        configure(&configuration)
        app = try Kreishaus(configuration: configuration, logger: Logger(label: "test"))
        adminPassword = try app.auth.bootstrapAdminIfNeeded() ?? ""
        if start { try app.start() }
    }

    var intranet: TestClient { TestClient(app.intranetApplication) }
    var publicSite: TestClient { TestClient(app.publicApplication, listener: "public") }

    func stop() {
        app.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}
