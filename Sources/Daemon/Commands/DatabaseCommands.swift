import ArgumentParser
import Foundation
import Storage

/// Opens the configured database and applies pending migrations.
func openDatabase(_ configuration: Configuration) throws -> AppDatabase {
    do {
        return try AppDatabase.open(at: configuration.databasePath, migrations: Kreishaus.migrations)
    } catch {
        throw CommandFailure("Datenbank \(configuration.databasePath) kann nicht geöffnet werden: \(error)")
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Wendet ausstehende Datenbank-Migrationen an (geschieht auch beim Start).")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        try reporting {
            let configuration = try options.load()
            let database = try AppDatabase(path: configuration.databasePath, migrations: Kreishaus.migrations)
            let applied = try database.migrate()
            say(applied.isEmpty ? "Datenbank ist aktuell." : "Angewendet: \(applied.joined(separator: ", "))")
        }
    }
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Erstellt eine konsistente Sicherung der Datenbank, auch während der Dienst läuft.")

    @OptionGroup var options: ConfigOptions
    @Argument(help: "Zieldatei der Sicherung.") var file: String

    func run() throws {
        try reporting {
            let configuration = try options.load()
            let database = try openDatabase(configuration)
            do {
                try database.backup(to: file)
            } catch {
                throw CommandFailure("Sicherung nach \(file) fehlgeschlagen: \(error)")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            say("Sicherung geschrieben: \(file) (\(size) Bytes, Integritätsprüfung ok)")
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stellt die Datenbank aus einer Sicherung wieder her. Der Dienst muss dafür gestoppt sein.")

    @OptionGroup var options: ConfigOptions
    @Argument(help: "Sicherungsdatei.") var file: String

    func run() throws {
        try reporting {
            let configuration = try options.load()
            let lock: DataDirectoryLock
            do {
                lock = try DataDirectoryLock(directory: configuration.dataDirectory)
            } catch {
                throw CommandFailure("Wiederherstellung nicht möglich: \(error). Bitte den Dienst zuerst stoppen.")
            }
            do {
                try AppDatabase.restore(from: file, to: configuration.databasePath)
            } catch {
                throw CommandFailure("Wiederherstellung aus \(file) fehlgeschlagen, nichts wurde verändert: \(error)")
            }
            // Bring the restored copy up to this version's schema.
            let database = try openDatabase(configuration)
            try database.close()
            withExtendedLifetime(lock) {}
            say("Wiederhergestellt aus \(file). Die vorige Datenbank liegt unter \(configuration.databasePath).before-restore")
        }
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Konfiguration prüfen.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prüft die Konfiguration und zeigt die wirksamen Werte.")

        @OptionGroup var options: ConfigOptions

        func run() throws {
            try reporting {
                let c = try options.load()
                let rate = c.publicRateLimit
                say("""
                Konfiguration in Ordnung (\(c.source)).
                  Intranet:     \(c.intranet.host):\(c.intranet.port)
                  Öffentlich:   \(c.publicSite.host):\(c.publicSite.port) (CORS: \(c.publicSite.corsOrigins.isEmpty ? "keine" : c.publicSite.corsOrigins.joined(separator: ", ")))
                  Anfragen:     \(rate.requestsPerSecond.formatted()) je Sekunde und Adresse, bis zu \(rate.burst) auf einmal (Proxys: \(rate.trustedProxies.isEmpty ? "keine" : rate.trustedProxies.joined(separator: ", ")))
                  Datenbank:    \(c.databasePath)
                  Anmeldung:    \(c.auth.mode.rawValue)
                  Protokoll:    \(c.logLevel.rawValue), \(c.logFormat.rawValue)
                  Ämter:        \(c.departments.count)
                """)
            }
        }
    }
}
