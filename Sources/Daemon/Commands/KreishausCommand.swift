import ArgumentParser
import Foundation

/// `kreishausd`: the daemon and its administration commands.
public struct KreishausCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kreishausd",
        abstract: "Kreishaus: Buchung, Posteingang, Wiki und Bürger-Chatbot für die Kreisverwaltung.",
        version: Kreishaus.version,
        subcommands: [Serve.self, Migrate.self, Backup.self, Restore.self, Users.self, Tokens.self, ConfigCommand.self, IntentsCommand.self],
        defaultSubcommand: Serve.self)

    public init() {}
}

/// `--config PATH`, shared by every command that needs the configuration.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Konfigurationsdatei (Standard: Config/kreishaus.yaml, relativ zum Arbeitsverzeichnis).")
    var config: String?

    func load() throws -> Configuration {
        do {
            return try Configuration.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigError {
            throw CommandFailure("Konfigurationsfehler: \(error)")
        }
    }
}

/// A failure a command reports on standard error before exiting with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension ParsableCommand {
    /// Runs `body`, turning known failures into a message and exit status 1.
    func reporting(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data("kreishausd: \(failure.description)\n".utf8))
            throw ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch {
            FileHandle.standardError.write(Data("kreishausd: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// Writes to standard output and flushes (so pipes see each line at once).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
