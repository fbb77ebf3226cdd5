import ArgumentParser
import Auth
import Foundation
import Logging

/// Opens the database and the auth service for a command.
func openAuth(_ configuration: Configuration) throws -> AuthService {
    var authConfiguration = configuration.auth
    authConfiguration.departments = Set(configuration.departments.map(\.id))
    return try AuthService(database: try openDatabase(configuration), configuration: authConfiguration, logger: Logger(label: "kreishausd"))
}

/// Reads one line (a password) from standard input.
func readSecretFromStandardInput() throws -> String {
    guard let line = readLine(strippingNewline: true), !line.isEmpty else {
        throw CommandFailure("auf der Standardeingabe wurde kein Passwort gelesen")
    }
    return line
}

/// Runs an auth operation, turning its errors into command failures.
func authorised<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as AuthError {
        throw CommandFailure(error.description)
    }
}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lokale Benutzer verwalten.",
        subcommands: [Add.self, Passwd.self, Disable.self, Enable.self, Roles.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Legt einen Benutzer an; ohne --password-stdin wird ein Passwort erzeugt.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Benutzername.") var username: String
        @Option(help: "Anzeigename.") var displayName: String?
        @Option(name: .long, help: "Rolle (mehrfach möglich): \(Role.fixed.joined(separator: ", ")), department:<id>.") var role: [String] = [Role.employee]
        @Flag(help: "Passwort von der Standardeingabe lesen.") var passwordStdin = false

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                let password = passwordStdin ? try readSecretFromStandardInput() : nil
                let (user, generated) = try authorised {
                    try auth.createUser(username: username, displayName: displayName, password: password, roles: role, actor: "cli")
                }
                say("Benutzer \(user.username) angelegt (Rollen: \(Set(role).sorted().joined(separator: ", "))).")
                if let generated { say("Passwort: \(generated)") }
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Setzt ein neues Passwort und beendet die Sitzungen des Benutzers.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Benutzername.") var username: String
        @Flag(help: "Passwort von der Standardeingabe lesen.") var passwordStdin = false

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                let password = passwordStdin ? try readSecretFromStandardInput() : nil
                let generated = try authorised { try auth.setPassword(username: username, password: password, actor: "cli") }
                say("Passwort von \(username) geändert.")
                if let generated { say("Passwort: \(generated)") }
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sperrt einen Benutzer und beendet seine Sitzungen.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Benutzername.") var username: String

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                try authorised { try auth.setDisabled(username: username, true, actor: "cli") }
                say("Benutzer \(username) gesperrt.")
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Entsperrt einen Benutzer.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Benutzername.") var username: String

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                try authorised { try auth.setDisabled(username: username, false, actor: "cli") }
                say("Benutzer \(username) entsperrt.")
            }
        }
    }

    struct Roles: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Vergibt oder entzieht Rollen.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Benutzername.") var username: String
        @Option(help: "Rolle vergeben (mehrfach möglich).") var grant: [String] = []
        @Option(help: "Rolle entziehen (mehrfach möglich).") var revoke: [String] = []

        func run() throws {
            try reporting {
                guard !grant.isEmpty || !revoke.isEmpty else { throw CommandFailure("bitte --grant oder --revoke angeben") }
                let auth = try openAuth(try options.load())
                try authorised { try auth.changeRoles(username: username, grant: grant, revoke: revoke, actor: "cli") }
                say("Rollen von \(username) geändert.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Listet die Benutzer.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                for (user, roles) in try auth.users() {
                    let state = user.disabled ? "gesperrt" : "aktiv"
                    say("\(user.username)\t\(user.displayName)\t\(state)\t\(roles.joined(separator: ","))")
                }
            }
        }
    }
}

struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "API-Tokens für Skripte und die Scanstation.",
                                                    subcommands: [Create.self, Revoke.self, List.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Legt ein Token an; es steht allein in der letzten Zeile der Ausgabe.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Name, z. B. scanstation-eg.") var name: String
        @Option(help: "Rolle (mehrfach möglich).") var role: [String]

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                let (token, secret) = try authorised { try auth.createToken(name: name, roles: role, actor: "cli") }
                say("Token \(token.id!) „\(token.name)“ angelegt (Rollen: \(token.roleSet.sorted().joined(separator: ", "))). Es wird nur jetzt angezeigt:")
                say(secret)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Widerruft ein Token (Nummer oder Name).")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "Nummer oder Name des Tokens.") var token: String

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                let count = try authorised { try auth.revokeToken(token, actor: "cli") }
                say("\(count) Token widerrufen.")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Listet die Tokens (ohne Geheimnis).")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            try reporting {
                let auth = try openAuth(try options.load())
                for token in try auth.tokens() {
                    let state = token.revokedAt == nil ? "aktiv" : "widerrufen"
                    say("\(token.id!)\t\(token.name)\t\(state)\t\(token.roleSet.sorted().joined(separator: ","))\tvon \(token.createdBy)")
                }
            }
        }
    }
}
