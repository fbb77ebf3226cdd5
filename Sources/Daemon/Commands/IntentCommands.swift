import ArgumentParser
import Chatbot
import Foundation

/// `kreishausd intents check|test|eval`: the admin's tools for the chatbot's knowledge.
struct IntentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intents", abstract: "Chatbot-Wissen prüfen, testen und bewerten.",
        subcommands: [Check.self, Test.self, Eval.self, Explain.self, Export.self])

    static func policy(_ configuration: Configuration) -> DecisionPolicy {
        DecisionPolicy(answerThreshold: configuration.chatbot.answerThreshold, clarifyThreshold: configuration.chatbot.clarifyThreshold)
    }

    /// Lists the questions a report did not handle as expected.
    static func showMisses(_ report: EvaluationReport) {
        say("  Nicht wie erwartet:")
        for miss in report.misses { say("    \(miss.text) — erwartet \(miss.expected ?? "Rückfall"), erhalten \(miss.decision)") }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prüft die Intent-Dateien: Fehler, doppelte IDs und Beispiele, zu wenige Beispiele, unbekannte verwandte Intents, verwechselte Paare.")

        @OptionGroup var intents: IntentsOptions
        @Option(name: .long, help: "Mindestzahl deutscher Beispiele je Intent.") var minExamples = 5

        func run() throws {
            try reporting {
                let (configuration, catalog) = try intents.load()
                var findings = catalog.lint(minimumExamples: minExamples).map(\.description)
                let report = EvaluationReport.crossValidate(catalog: catalog, folds: 5, policy: IntentsCommand.policy(configuration))
                // A pair is worth a look when cross-validation mixes up at least 15 % (and at
                // least two) of an intent's examples with the same other intent.
                for pair in report.confusedPairs(limit: 50) {
                    let examples = report.confusion[pair.expected]?.values.reduce(0, +) ?? 0
                    guard pair.count >= 2, Double(pair.count) >= 0.15 * Double(examples) else { continue }
                    findings.append("Kreuzvalidierung verwechselt \(pair.expected) mit \(pair.predicted) (\(pair.count) von \(examples) Beispielen)")
                }
                say("\(catalog.intents.count) Intents, \(catalog.followUps.count) Nachfragethemen, \(catalog.outOfScope.count) Themen außerhalb des Angebots, \(catalog.synonymCount) Synonyme aus \(catalog.files.count) Dateien.")
                if findings.isEmpty {
                    say("Keine Beanstandungen.")
                } else {
                    for finding in findings { say("  \(finding)") }
                    say("\(findings.count) Beanstandungen.")
                    throw ExitCode.failure
                }
            }
        }
    }

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Kreuzvalidierung über die Beispiele, optional mit einer beschrifteten Testdatei (JSON Lines).")

        @OptionGroup var intents: IntentsOptions
        @Option(name: .long, help: "Anzahl der Teilmengen (k).") var folds = 5
        @Flag(name: .long, help: "Fragen zeigen, die nicht wie erwartet behandelt wurden.") var showMisses = false
        @Argument(help: "Testdatei: je Zeile {\"text\": \"…\", \"intent\": \"…\"}; intent null oder \"oos\" heißt: nicht im Katalog.")
        var file: String?

        func run() throws {
            try reporting {
                guard (2...20).contains(folds) else { throw CommandFailure("--folds: 2 bis 20") }
                let (configuration, catalog) = try intents.load()
                let policy = IntentsCommand.policy(configuration)
                say("Kreuzvalidierung (\(folds)-fach) über \(catalog.intents.count) Intents:")
                let report = EvaluationReport.crossValidate(catalog: catalog, folds: folds, policy: policy)
                show(report, perIntent: true)
                if showMisses { IntentsCommand.showMisses(report) }
                if let file {
                    let cases = try LabelledQuestions.read(file)
                    guard !cases.isEmpty else { throw CommandFailure("\(file): keine Testfragen") }
                    let unknown = Set(cases.compactMap(\.expected)).subtracting(catalog.intents.map(\.id))
                    if !unknown.isEmpty { throw CommandFailure("\(file): unbekannte Intents: \(unknown.sorted().joined(separator: ", "))") }
                    let unknownSignposts = Set(cases.compactMap(\.signpost)).subtracting(catalog.outOfScope.map(\.id))
                    if !unknownSignposts.isEmpty {
                        say("Hinweis: \(file) erwartet Wegweiser von Blöcken, die der Katalog nicht hat: \(unknownSignposts.sorted().joined(separator: ", "))")
                    }
                    say("\nTestdatei \(file) (\(cases.count) Fragen):")
                    let index = IntentIndex(catalog: catalog)
                    let tested = EvaluationReport.evaluate(index: index, cases: cases, policy: policy)
                    show(tested, perIntent: false)
                    if showMisses { IntentsCommand.showMisses(tested) }
                }
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Zeigt, wie eine Frage verstanden wird: Wörter, Kandidaten, Nachfragethema, Entscheidung.")

        @OptionGroup var intents: IntentsOptions
        @Option(name: .long, help: "Sprache: de oder en (Standard: erkennen).") var language: String?
        @Argument(help: "Die Frage.") var question: [String]

        func run() throws {
            try reporting {
                let (configuration, catalog) = try intents.load()
                let chosen = try language.map { code -> ChatLanguage in
                    guard let known = ChatLanguage(rawValue: code) else { throw CommandFailure("--language: de oder en") }
                    return known
                }
                let index = IntentIndex(catalog: catalog)
                let policy = IntentsCommand.policy(configuration)
                let read = index.match(question.joined(separator: " "), language: chosen)
                // As the first question of a conversation: a follow-up may be read as a new question.
                let match = policy.opening(read)
                say("Sprache: \(match.language.rawValue)")
                if !match.setAside.isEmpty { say("Begrüßung oder Dank, beiseitegelassen: \(match.setAside.joined(separator: " "))") }
                if !match.otherClauses.isEmpty { say("Gelesen: ein Satzteil allein; die anderen beiseitegelassen: \(match.otherClauses.joined(separator: " "))") }
                if let analyzed = match.analyzed {
                    let terms = analyzed.terms.map { term -> String in
                        switch term.kind {
                        case .known: term.stem
                        case .compoundPart: "\(term.stem) (Teil von \(term.source))"
                        case .corrected: "\(term.stem) (korrigiert aus \(term.source))"
                        case .compoundHead, .unfamiliarHead: "\(term.stem) (Wortende von \(term.source))"
                        case .derived: "\(term.stem) (abgeleitet von \(term.source))"
                        case .unknown: "\(term.stem) (unbekannt)"
                        case .stopword: "\(term.stem) (Füllwort)"
                        case .other: term.stem
                        }
                    }
                    say("Wörter: \(terms.joined(separator: ", "))")
                }
                say("Verstanden: \(String(format: "%.0f %%", match.coverage * 100)) von \(match.contentWords) Inhaltswörtern (bei neuen Fragen im Katalog typisch \(String(format: "%.0f %%", match.expectedCoverage * 100))); Stärke \(String(format: "%.2f", match.strength)), Rückhalt \(String(format: "%.2f", match.support))")
                if !match.wordsAgainst.isEmpty { say("Sprechen nicht für das beste Intent: \(match.wordsAgainst.joined(separator: ", "))") }
                for candidate in match.ranked.prefix(3) {
                    say("  \(candidate.intent): \(String(format: "%.3f", candidate.probability))")
                }
                if let outside = match.outside {
                    say("Außerhalb des Angebots: \(outside.intent) (\(String(format: "%.3f", outside.probability)))")
                    if let block = index.signpostBlock(for: match, policy: policy) {
                        say("Die Rückfallantwort beginnt mit dem Wegweiser von \(block).")
                    }
                }
                if let followUp = match.followUp { say("Nachfrage: \(followUp.intent) (\(String(format: "%.3f", followUp.probability)))") }
                if let followUp = read.followUp, match.followUp == nil {
                    say("Als Nachfrage gelesen (\(followUp.intent), \(String(format: "%.3f", followUp.probability))), ohne vorherige Antwort als neue Frage.")
                } else if match.followUp != nil, let alone = read.newQuestion, let best = alone.ranked.first {
                    say("Als erste Frage unter den Intents seines „standalone:“ gelesen: \(best.intent) (\(String(format: "%.3f", best.probability)), Stärke \(String(format: "%.2f", alone.strength)), Rückhalt \(String(format: "%.2f", alone.support))), zu unsicher")
                }
                if let topic = match.topic { say("Thema der Frage: \(topic.intent) (\(String(format: "%.3f", topic.probability)))") }
                say("Sicherheit: \(String(format: "%.3f", match.confidence)) → \(policy.decide(match))")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Gibt die Beispielfragen als JSON Lines aus ({\"text\": …, \"intent\": …}), z. B. als Trainingsdaten für intents eval.")

        @OptionGroup var intents: IntentsOptions
        @Option(name: .long, help: "Sprache: de oder en.") var language = "de"

        func run() throws {
            try reporting {
                guard let chosen = ChatLanguage(rawValue: language) else { throw CommandFailure("--language: de oder en") }
                let (_, catalog) = try intents.load()
                for intent in catalog.intents {
                    for example in intent.examples where example.language == chosen {
                        let data = try JSONSerialization.data(withJSONObject: ["text": example.text, "intent": intent.id], options: [.sortedKeys])
                        say(String(decoding: data, as: UTF8.self))
                    }
                }
            }
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bewertet die Erkennung auf beliebigen beschrifteten Daten: trainiert auf --train, misst auf --test.")

        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "Trainingsdaten (JSON Lines: {\"text\": \"…\", \"intent\": \"…\"}; intent null oder \"oos\": gelernt als Frage außerhalb des Angebots).") var train: String
        @Option(name: .long, help: "Testdaten (JSON Lines; intent null oder \"oos\": nicht im Katalog).") var test: String
        @Option(name: .long, help: "Sprache der Daten: de oder en (Standard: aus den Trainingsdaten erkannt).") var language: String?
        @Flag(name: .long, help: "Ausgabe als JSON.") var json = false
        @Flag(name: .long, help: "Fragen zeigen, die nicht wie erwartet behandelt wurden.") var showMisses = false

        func run() throws {
            try reporting {
                let requested = try language.map { code -> ChatLanguage in
                    guard let known = ChatLanguage(rawValue: code) else { throw CommandFailure("--language: de oder en") }
                    return known
                }
                guard !(json && showMisses) else { throw CommandFailure("--json und --show-misses schließen sich aus") }
                let configuration = try options.load()
                let trainingCases = try LabelledQuestions.read(train)
                let cases = try LabelledQuestions.read(test)
                guard !cases.isEmpty else { throw CommandFailure("\(test): keine Testfragen") }
                let chosen = requested ?? EvaluationReport.dominantLanguage(of: trainingCases.map(\.text))
                var examples: [String: [Intent.Example]] = [:]
                var order: [String] = []
                // Out-of-scope training lines become one `outside:` class, as in the intent files
                // ("oos" is no intent: the label means out of scope).
                var outside: [Intent.Example] = []
                for (number, item) in trainingCases.enumerated() {
                    guard let intent = item.expected else {
                        outside.append(Intent.Example(text: item.text, language: chosen, file: train, line: number + 1))
                        continue
                    }
                    if examples[intent] == nil { order.append(intent) }
                    examples[intent, default: []].append(Intent.Example(text: item.text, language: chosen, file: train, line: number + 1))
                }
                guard !order.isEmpty else { throw CommandFailure("\(train): keine Trainingsbeispiele") }
                let intents = order.map { id in
                    Intent(id: id, titles: [.german: id], examples: examples[id]!, answers: [.german: id], subAnswers: [:], related: [],
                           file: train, line: examples[id]![0].line)
                }
                let clock = ContinuousClock()
                var index: IntentIndex?
                let outOfScope = outside.isEmpty ? [] : [OutOfScopeTopic(id: "oos", titles: [.german: "oos"],
                                                                         examples: outside, file: train, line: outside[0].line)]
                let buildTime = clock.measure { index = IntentIndex(catalog: IntentCatalog(intents: intents, outOfScope: outOfScope)) }
                let report = EvaluationReport.evaluate(index: index!, cases: cases, policy: IntentsCommand.policy(configuration), language: chosen)
                if json {
                    let object: [String: Any] = [
                        "intents": intents.count, "train": trainingCases.count, "train_out_of_scope": outside.count,
                        "test": cases.count, "language": chosen.rawValue,
                        "in_scope_accuracy": report.inScopeAccuracy, "top1_accuracy": report.topOneAccuracy,
                        "out_of_scope_recall": report.outOfScope == 0 ? NSNull() : report.outOfScopeRecall as Any,
                        "macro_f1": report.macroF1, "latency_p50_us": report.latencyPercentile(50), "latency_p99_us": report.latencyPercentile(99),
                        "build_seconds": Double(buildTime.components.attoseconds) / 1e18 + Double(buildTime.components.seconds),
                    ]
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                    say(String(decoding: data, as: UTF8.self))
                } else {
                    say("\(intents.count) Intents, \(trainingCases.count) Trainings- und \(cases.count) Testfragen, Sprache \(chosen.rawValue) (\(requested == nil ? "erkannt" : "angegeben")); Aufbau \(buildTime.formatted(.units(allowed: [.milliseconds])))")
                    show(report, perIntent: false)
                    if showMisses { IntentsCommand.showMisses(report) }
                }
            }
        }
    }
}

private func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }

private func show(_ report: EvaluationReport, perIntent: Bool) {
    say("  Treffer (bestes Intent, ohne Schwellen): \(percent(report.topOneAccuracy)) von \(report.inScope)")
    say("  Genauigkeit im Katalog (richtig beantwortet): \(percent(report.inScopeAccuracy)); falsch beantwortet: \(report.answeredWrong)")
    if report.outOfScope > 0 {
        say("  Außerhalb des Katalogs erkannt (Rückfall): \(percent(report.outOfScopeRecall)) von \(report.outOfScope)")
    }
    if report.signpostExpected > 0 {
        say("  Wegweiser gezeigt (Rückfall mit dem erwarteten Hinweis): \(report.signpostShown) von \(report.signpostExpected)")
    }
    say("  Makro-F1: \(String(format: "%.3f", report.macroF1))")
    let total = max(1, report.total)
    let rates = ["answer", "clarify", "fallback"].map { "\($0) \(percent(Double(report.decisions[$0] ?? 0) / Double(total)))" }
    say("  Entscheidungen: \(rates.joined(separator: ", "))")
    say("  Erkennungszeit: p50 \(String(format: "%.0f", report.latencyPercentile(50))) µs, p99 \(String(format: "%.0f", report.latencyPercentile(99))) µs")
    if perIntent {
        let recalls = report.recallPerIntent.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        say("  Trefferquote je Intent (schwächste zuerst):")
        for (intent, recall) in recalls.prefix(15) { say("    \(intent): \(percent(recall))") }
    }
    let pairs = report.confusedPairs(limit: 10)
    if !pairs.isEmpty {
        say("  Häufigste Verwechslungen (erwartet → erkannt):")
        for pair in pairs { say("    \(pair.expected) → \(pair.predicted): \(pair.count)") }
    }
}

/// `--config` and `--directory`, shared by the commands that read the intents.
struct IntentsOptions: ParsableArguments {
    @OptionGroup var options: ConfigOptions
    @Option(name: .long, help: "Verzeichnis der Intents (Standard: aus der Konfiguration).") var directory: String?

    /// The configuration and the intents directory's catalog, or the first error.
    func load() throws -> (Configuration, IntentCatalog) {
        let configuration = try options.load()
        let path = directory ?? configuration.chatbot.intentsDirectory
        do {
            return (configuration, try IntentCatalog.load(directory: URL(fileURLWithPath: path), facts: configuration.installationFacts))
        } catch let error as IntentFileError {
            throw CommandFailure("Fehler in den Intents: \(error)")
        }
    }
}

/// Labelled questions, one JSON object a line: `{"text": "...", "intent": "..."}`.
enum LabelledQuestions {
    static func read(_ path: String) throws -> [EvaluationReport.Case] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure("\(path): Datei nicht lesbar") }
        guard let text = String(validating: data, as: UTF8.self) else { throw CommandFailure("\(path): kein gültiges UTF-8") }
        var cases: [EvaluationReport.Case] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any],
                  let question = object["text"] as? String else {
                throw CommandFailure("\(path):\(index + 1): erwartet {\"text\": \"…\", \"intent\": \"…\"}")
            }
            let intent = object["intent"] as? String
            if object["intent"] != nil, intent == nil, !(object["intent"] is NSNull) {
                throw CommandFailure("\(path):\(index + 1): \"intent\" muss Text oder null sein")
            }
            // Out of scope, optionally with the `outside:` block whose signpost should be shown.
            let signpost = object["signpost"] as? String
            if object["signpost"] != nil, signpost == nil || intent != nil && intent != "oos" {
                throw CommandFailure("\(path):\(index + 1): \"signpost\" ist der Text eines \"outside:\"-Blocks und nur bei Fragen außerhalb des Katalogs erlaubt")
            }
            cases.append(.init(text: question, expected: intent == "oos" ? nil : intent, signpost: signpost.flatMap { $0.isEmpty ? nil : $0 }))
        }
        return cases
    }
}
