@testable import Daemon
import Chatbot
import Foundation
import HTTPServerTesting
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The shipped intents with the shipped installation facts, and the chatbot in a running daemon.
@Suite(.serialized) struct ChatbotProcessTests {
    static let shippedIntents = DaemonProcess.repository.appendingPathComponent("Intents")

    func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-chat-\(UUID().uuidString)")
    }

    @Test func theShippedIntentsLoadWithTheShippedFactsAndAreClean() throws {
        let configuration = try Configuration.load(path: DaemonProcess.repository.appendingPathComponent("Config/kreishaus.yaml").path, environment: [:])
        let catalog = try IntentCatalog.load(directory: Self.shippedIntents, facts: configuration.installationFacts)
        #expect(catalog.intents.count >= 10)
        let findings = catalog.lint().map(\.description)  // once: it cross-validates the catalog
        #expect(findings.isEmpty, "\(findings)")
        let answer = catalog.intents.first { $0.id == "kfz-neuzulassung" }?.answer(.german) ?? ""
        #expect(answer.contains("Telefon: [01234 5678-110](tel:012345678110)"))
        #expect(!answer.contains("{{"))
    }

    /// Asked first, a question the follow-up topic "termin" recognises means the intents it
    /// names as `standalone:`: "Ich brauche einen Termin" fell back, because the topic had
    /// taken most of the word from the intent and what was left went to the waste calendar.
    @Test func anOpeningAppointmentQuestionIsAnsweredWithTheAppointments() throws {
        let configuration = try Configuration.load(path: DaemonProcess.repository.appendingPathComponent("Config/kreishaus.yaml").path, environment: [:])
        let index = IntentIndex(catalog: try IntentCatalog.load(directory: Self.shippedIntents, facts: configuration.installationFacts))
        let policy = IntentsCommand.policy(configuration)
        for question in ["Brauche ich einen Termin?", "Wie bekomme ich einen Termin?", "ich möchte einen Termin"] {
            let read = index.match(question)
            #expect(read.followUp?.intent == "termin", "\(question)")
            #expect(policy.decide(policy.opening(read)) == .answer("termin"), "\(question)")
        }
        // Since the appointment intent has "Ich brauche einen Termin im Landratsamt", this one
        // is read as the intent itself; it must still get the appointments.
        #expect(policy.decide(policy.opening(index.match("Ich brauche einen Termin"))) == .answer("termin"))
        // Read among all intents with the topic just behind the appointment intent, the topic's
        // share of the word goes to its standalone intents: "Termin machen" fell back.
        let appointment = index.match("Termin machen")
        #expect(appointment.followUp == nil && appointment.ranked.first?.intent == "termin")
        #expect(policy.decide(policy.opening(appointment)) == .answer("termin"))
        #expect(policy.decide(policy.opening(index.match("Wann habt ihr offen?"))) == .answer("oeffnungszeiten"))
        // A topic without `standalone:` still asks which topic is meant.
        let costs = policy.opening(index.match("Was kostet das?"))
        #expect(costs.followUp != nil && policy.decide(costs) == .fallback)
    }

    /// A letter's salutation and closing are no topic: with "geehrte", "Damen", "Herren" unknown
    /// words, the question fell back. Nor are months.
    @Test func aLettersSalutationAndClosingAndMonthsAreNoTopic() throws {
        let configuration = try Configuration.load(path: DaemonProcess.repository.appendingPathComponent("Config/kreishaus.yaml").path, environment: [:])
        let index = IntentIndex(catalog: try IntentCatalog.load(directory: Self.shippedIntents, facts: configuration.installationFacts))
        let policy = IntentsCommand.policy(configuration)
        let read = index.match("Sehr geehrte Damen und Herren, mein Führerschein ist weg. Mit freundlichen Grüßen")
        #expect(policy.decide(policy.opening(read)) == .answer("fuehrerschein-ersatz"))
        // Nor are months.
        #expect(policy.decide(policy.opening(index.match("Mein Jagdschein läuft Ende März ab, wie verlängere ich ihn?"))) == .answer("jagdschein"))
    }

    @Test func brokenIntentFilesDuringOperation() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let intents = directory.appendingPathComponent("Intents")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.shippedIntents, to: intents)
        let token = try DaemonProcess.command(["tokens", "create", "--role", "admin", "--name", "test"], dataDirectory: directory)
            .split(separator: "\n").last.map(String.init) ?? ""
        let daemon = try DaemonProcess(dataDirectory: directory, environment: ["KREISHAUS_INTENTS_DIR": intents.path])
        defer {
            daemon.signal(SIGTERM)
            _ = try? daemon.waitForExit()
        }
        func ask(_ message: String) throws -> [String: Any] {
            try daemon.publicSite.request("POST", "/api/chat", headers: [("Content-Type", "application/json")],
                                          body: Data(#"{"message": "\#(message)"}"#.utf8)).json ?? [:]
        }
        func status() throws -> [String: Any] {
            try daemon.intranet.request("GET", "/api/chat/status", headers: [("Authorization", "Bearer \(token)")]).json ?? [:]
        }
        #expect(try ask("Wie melde ich mein Auto an?")["intent"] as? String == "kfz-neuzulassung")
        let loaded = try status()["intents"] as? Int ?? 0
        #expect(loaded >= 10)

        // An admin saves a broken file: the watcher (or SIGHUP) reloads, fails, keeps the set.
        let file = intents.appendingPathComponent("kfz.intent")
        let good = try String(contentsOf: file, encoding: .utf8)
        try (good + "\nbeispiel ohne schlüssel\n").write(to: file, atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        var error: String?
        for _ in 0..<200 {
            error = try status()["lastError"] as? String
            if error != nil { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(error?.contains("kfz.intent:") == true, "\(String(describing: error))")
        #expect(try status()["intents"] as? Int == loaded)
        #expect(try ask("Wie melde ich mein Auto an?")["intent"] as? String == "kfz-neuzulassung")
        #expect(daemon.output.withLock { $0 }.contains("intents not loaded, keeping the previous set"))

        // The CLI says the same, with its exit code.
        let check = try DaemonProcess.run(["intents", "check", "--directory", intents.path], dataDirectory: directory)
        #expect(check.status == 1)
        #expect(check.errors.contains("kfz.intent:"))

        // Fixed: the watcher picks it up without a signal.
        try good.replacingOccurrences(of: "title: Wunschkennzeichen reservieren", with: "title: Wunschkennzeichen online reservieren")
            .write(to: file, atomically: true, encoding: .utf8)
        for _ in 0..<200 {
            if try status()["lastError"] == nil || (try status()["lastError"] is NSNull) { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let after = try status()
        #expect(after["lastError"] == nil || after["lastError"] is NSNull)
        #expect(try ask("Wunschkennzeichen")["intent"] as? String == "kfz-wunschkennzeichen")
    }

    @Test func intentsCommands() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // check: clean on a clean set, exit 1 with the finding on a doubtful one.
        let clean = directory.appendingPathComponent("clean"), doubtful = directory.appendingPathComponent("doubtful")
        for folder in [clean, doubtful] { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        func intent(_ id: String, related: String, _ examples: [String]) -> String {
            "intent: \(id)\ntitle: \(id)\nrelated: \(related)\nexamples:\n" + examples.map { "  \($0)\n" }.joined() + "answer:\n  Antwort \(id)\n"
        }
        let waste = ["Wann kommt die Müllabfuhr?", "Abfuhrtermine", "Abfallkalender", "Wann wird die Tonne geleert?", "Müll Abholung Termin"]
        let car = ["Auto anmelden", "Fahrzeug zulassen", "Zulassung Neuwagen", "Motorrad anmelden", "Wie melde ich mein Auto an?"]
        try (intent("abfall", related: "auto", waste) + "\n" + intent("auto", related: "abfall", car))
            .write(to: clean.appendingPathComponent("a.intent"), atomically: true, encoding: .utf8)
        try (intent("abfall", related: "gibt-es-nicht", waste) + "\n" + intent("auto", related: "abfall", car))
            .write(to: doubtful.appendingPathComponent("a.intent"), atomically: true, encoding: .utf8)
        let check = try DaemonProcess.run(["intents", "check", "--directory", clean.path], dataDirectory: directory)
        #expect(check.status == 0, "\(check.output)\(check.errors)")
        #expect(check.output.contains("Keine Beanstandungen."))
        let findings = try DaemonProcess.run(["intents", "check", "--directory", doubtful.path], dataDirectory: directory)
        #expect(findings.status == 1)
        #expect(findings.output.contains("doubtful/a.intent:1: abfall: verwandtes Intent \"gibt-es-nicht\" gibt es nicht"))
        let test = try DaemonProcess.run(["intents", "test", "--folds", "3", "bench/data/sample-heldout.jsonl"], dataDirectory: directory)
        #expect(test.status == 0, "\(test.errors)")
        #expect(test.output.contains("Makro-F1"))
        #expect(test.output.contains("Außerhalb des Katalogs erkannt"))

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let train = directory.appendingPathComponent("train.jsonl"), testFile = directory.appendingPathComponent("test.jsonl")
        try """
            {"text": "book a table for two", "intent": "restaurant"}
            {"text": "reserve a table tonight", "intent": "restaurant"}
            {"text": "table at an italian place", "intent": "restaurant"}
            {"text": "what's the weather", "intent": "weather"}
            {"text": "will it rain tomorrow", "intent": "weather"}
            {"text": "weather forecast for Berlin", "intent": "weather"}
            """.write(to: train, atomically: true, encoding: .utf8)
        try """
            {"text": "I need a table for four", "intent": "restaurant"}
            {"text": "is it going to rain", "intent": "weather"}
            {"text": "play some jazz music", "intent": null}
            {"text": "order a pizza", "intent": "oos"}
            """.write(to: testFile, atomically: true, encoding: .utf8)
        let eval = try DaemonProcess.run(["intents", "eval", "--train", train.path, "--test", testFile.path, "--language", "en", "--json"],
                                         dataDirectory: directory)
        #expect(eval.status == 0, "\(eval.errors)")
        let result = try JSONSerialization.jsonObject(with: Data(eval.output.utf8)) as? [String: Any] ?? [:]
        #expect(result["top1_accuracy"] as? Double == 1)
        #expect(result["out_of_scope_recall"] as? Double == 1)
        #expect((result["latency_p99_us"] as? Double ?? 0) > 0)
        #expect(result["language"] as? String == "en")
        // Without --language the data's language is recognised from its function words.
        let detected = try DaemonProcess.run(["intents", "eval", "--train", train.path, "--test", testFile.path, "--json"], dataDirectory: directory)
        let detectedResult = try JSONSerialization.jsonObject(with: Data(detected.output.utf8)) as? [String: Any] ?? [:]
        #expect(detectedResult["language"] as? String == "en", "\(detected.output)\(detected.errors)")
        #expect(detectedResult["top1_accuracy"] as? Double == 1)

        // Out-of-scope training lines are learned as an out-of-scope class: "book a flight for
        // two" shares "book" and "two" with the restaurant examples, and is answered without them.
        let flight = directory.appendingPathComponent("flight.jsonl"), withOutside = directory.appendingPathComponent("outside.jsonl")
        try "{\"text\": \"book a flight for two\", \"intent\": null}\n".write(to: flight, atomically: true, encoding: .utf8)
        try (String(decoding: try Data(contentsOf: train), as: UTF8.self) + """

            {"text": "cheap flights to Rome", "intent": null}
            {"text": "book a flight to Paris", "intent": "oos"}
            {"text": "flight tickets for the holidays", "intent": null}
            """).write(to: withOutside, atomically: true, encoding: .utf8)
        func flightRecall(_ trainFile: URL) throws -> (recall: Double?, outside: Int?) {
            let run = try DaemonProcess.run(["intents", "eval", "--train", trainFile.path, "--test", flight.path, "--language", "en", "--json"],
                                            dataDirectory: directory)
            let object = try JSONSerialization.jsonObject(with: Data(run.output.utf8)) as? [String: Any] ?? [:]
            return (object["out_of_scope_recall"] as? Double, object["train_out_of_scope"] as? Int)
        }
        #expect(try flightRecall(train) == (0, 0))
        #expect(try flightRecall(withOutside) == (1, 3))

        // --show-misses lists what was not handled as expected, with the confidence's factors.
        let missFile = directory.appendingPathComponent("miss.jsonl")
        try "{\"text\": \"zzyzx qwfp\", \"intent\": \"weather\"}\n".write(to: missFile, atomically: true, encoding: .utf8)
        let misses = try DaemonProcess.run(["intents", "eval", "--train", train.path, "--test", missFile.path, "--language", "en", "--show-misses"],
                                           dataDirectory: directory)
        #expect(misses.status == 0, "\(misses.errors)")
        #expect(misses.output.contains("zzyzx qwfp — erwartet weather, erhalten fallback (0.00: Abdeckung 0.00"), "\(misses.output)")
        let both = try DaemonProcess.run(["intents", "eval", "--train", train.path, "--test", missFile.path, "--json", "--show-misses"],
                                         dataDirectory: directory)
        #expect(both.status != 0)

        try "{\"text\": 3}\n".write(to: testFile, atomically: true, encoding: .utf8)
        let bad = try DaemonProcess.run(["intents", "eval", "--train", train.path, "--test", testFile.path], dataDirectory: directory)
        #expect(bad.status == 1)
        #expect(bad.errors.contains("test.jsonl:1:"))
        // An empty test file is an error, not a report of 0 % over nothing.
        try "\n".write(to: testFile, atomically: true, encoding: .utf8)
        let empty = try DaemonProcess.run(["intents", "eval", "--train", train.path, "--test", testFile.path], dataDirectory: directory)
        #expect(empty.status == 1)
        #expect(empty.errors.contains("test.jsonl: keine Testfragen"), "\(empty.errors)")
        let emptyTest = try DaemonProcess.run(["intents", "test", testFile.path, "--folds", "2"], dataDirectory: directory)
        #expect(emptyTest.status == 1)
        #expect(emptyTest.errors.contains("keine Testfragen"), "\(emptyTest.errors)")
        let explain = try DaemonProcess.run(["intents", "explain", "Fuehrerschien verloren"], dataDirectory: directory)
        #expect(explain.output.contains("korrigiert aus"))
        #expect(explain.output.contains("fuehrerschein-ersatz"))
        // The shipped greeting is `social: yes`: in front of a question it is set aside, and said so.
        let greeted = try DaemonProcess.run(["intents", "explain", "Hallo zusammen, wie lange habt ihr heute offen?"], dataDirectory: directory)
        #expect(greeted.output.contains("Begrüßung oder Dank, beiseitegelassen: hallo zusammen"), "\(greeted.output)")
        #expect(greeted.output.contains("answer(\"oeffnungszeiten\")"), "\(greeted.output)")
        // A question for another authority: the shipped `outside: finanzamt` block's signpost opens the fallback.
        let taxes = try DaemonProcess.run(["intents", "explain", "Wo gebe ich meine Steuererklärung ab?"], dataDirectory: directory)
        #expect(taxes.output.contains("Außerhalb des Angebots: finanzamt"), "\(taxes.output)")
        #expect(taxes.output.contains("Die Rückfallantwort beginnt mit dem Wegweiser von finanzamt."), "\(taxes.output)")
        #expect(taxes.output.hasSuffix("→ fallback\n"), "\(taxes.output)")
        try """
            {"text": "Steuererklärung abgeben", "intent": "oos", "signpost": "finanzamt"}
            {"text": "Wie wird das Wetter?", "intent": null}
            """.write(to: testFile, atomically: true, encoding: .utf8)
        let signposts = try DaemonProcess.run(["intents", "test", testFile.path, "--folds", "2"], dataDirectory: directory)
        #expect(signposts.status == 0, "\(signposts.errors)")
        #expect(signposts.output.contains("Wegweiser gezeigt (Rückfall mit dem erwarteten Hinweis): 1 von 1"), "\(signposts.output)")
        try "{\"text\": \"Auto anmelden\", \"intent\": \"kfz-neuzulassung\", \"signpost\": \"finanzamt\"}\n".write(to: testFile, atomically: true, encoding: .utf8)
        let misplaced = try DaemonProcess.run(["intents", "test", testFile.path, "--folds", "2"], dataDirectory: directory)
        #expect(misplaced.status == 1)
        #expect(misplaced.errors.contains("test.jsonl:1: \"signpost\""), "\(misplaced.errors)")
    }
}
