@testable import Chatbot
import Foundation
import Testing
import TextAnalysis

/// `outside:` blocks: questions the bot is not there for, learned as classes of their own.
@Suite struct OutOfScopeTests {
    static let shopping = """
        # Not ours.
        outside: einkaufen
        title: Einkaufen
        title.en: Shopping
        examples:
          Welches Handy soll ich mir kaufen?
          Wo kann ich günstig Möbel kaufen?
          Welcher Fernseher ist der beste?
          Staubsauger kaufen Empfehlung
          Welches Auto ist am sparsamsten?
          Gebrauchtwagen Empfehlung kaufen
          Schuhe online kaufen
        examples.en:
          Which phone should I buy?

        outside: wissen
        title: Allgemeinwissen
        examples:
          Wer hat das Telefon erfunden?
          Was ist die Hauptstadt von Frankreich?
          Erzähl mir einen Witz
        """

    static func index(outside: Bool) throws -> IntentIndex {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        if outside { try fixture.write("ausserhalb.intent", shopping) }
        return IntentIndex(catalog: try fixture.catalog())
    }

    @Test func blocksParseWithoutAnswers() throws {
        let parsed = try IntentFileTests().parse(Self.shopping)
        #expect(parsed.intents.isEmpty)
        #expect(parsed.outOfScope.map(\.id) == ["einkaufen", "wissen"])
        #expect(parsed.outOfScope[0].title(.english) == "Shopping")
        #expect(parsed.outOfScope[0].examples.filter { $0.language == .german }.count == 7)
        #expect(parsed.outOfScope[0].examples[0].line == 6)

        let files = IntentFileTests()
        let answered = files.error("outside: x\ntitle: X\nexamples:\n  Wetter\nanswer:\n  Sonnig\n")
        #expect(answered?.line == 5)
        #expect(answered?.message.contains("it has no answer") == true)
        #expect(files.error("outside: x\ntitle: X\n")?.message == "x: missing \"examples:\"")
        #expect(files.error("outside: x\nexamples:\n  Wetter\n")?.message == "x: missing \"title:\"")
    }

    @Test func anIdIsNotAnIntentsAndExamplesDoNotRepeat() throws {
        let clash = try IntentsFixture()
        defer { clash.cleanUp() }
        try clash.write("ausserhalb.intent", "outside: kfz-umschreibung\ntitle: X\nexamples:\n  Wetter morgen\n")
        #expect(throws: IntentFileError.self) { try clash.catalog() }

        let repeated = try IntentsFixture()
        defer { repeated.cleanUp() }
        try repeated.write("ausserhalb.intent", "outside: x\ntitle: X\nexamples:\n  Halterwechsel\n  Wetter morgen\n  wetter MORGEN\n")
        let findings = try repeated.catalog().lint(minimumExamples: 5).map(\.message)
        #expect(findings.contains { $0.contains("example \"Halterwechsel\" also stands in outside:x") })
        #expect(findings.contains { $0.hasPrefix("x: example repeats") && $0.contains("wetter MORGEN") })
    }

    /// The same off-topic question is answered without the block and declined with it, while
    /// the intents' own questions keep their answers.
    @Test func aQuestionLikeAnOutsideBlockFallsBack() throws {
        let policy = DecisionPolicy()
        let without = try Self.index(outside: false)
        let with = try Self.index(outside: true)
        for question in ["Welches Motorrad soll ich kaufen?", "Gebrauchtwagen kaufen", "Welches Handy ist das beste?"] {
            #expect(without.match(question).outside == nil)
            let match = with.match(question)
            #expect(match.outside?.intent == "einkaufen", "\(question)")
            #expect(policy.decide(match) == .fallback, "\(question)")
        }
        // Without the block, the intent that shares their words answered them.
        #expect(policy.decide(without.match("Welches Motorrad soll ich kaufen?")) == .answer("kfz-neuzulassung"))
        #expect(policy.decide(without.match("Gebrauchtwagen kaufen")) == .answer("kfz-neuzulassung"))
        #expect(with.match("Which phone should I buy?").outside?.intent == "einkaufen")
        for (question, intent) in [("Wie melde ich mein Auto an?", "kfz-neuzulassung"), ("Auto gekauft, jetzt umschreiben", "kfz-umschreibung"),
                                   ("Führerschein verloren", "fuehrerschein-ersatz")] {
            let match = with.match(question)
            #expect(match.outside == nil, "\(question)")
            #expect(policy.decide(match) == .answer(intent), "\(question)")
        }
    }

    /// Out-of-scope words are known (compounds split into them), but a misspelt or unknown
    /// word is never corrected to one: "gefunden" is not "erfunden".
    @Test func outsideWordsAreKnownButNoCorrectionTarget() {
        let german = Analyzer(language: .german)
        let corpus = ["Führerschein verloren", "Telefonnummer der Zentrale"]
        let outside = ["Wer hat das Telefon erfunden?", "Lotto Gewinnzahlen"]
        let pipeline = TextPipeline(analyzer: german, corpus: corpus, knownOnly: outside)
        #expect(pipeline.analyze("erfunden").terms.map(\.kind) == [.known])
        #expect(pipeline.analyze("gefunden").terms.map(\.kind) == [.unknown])
        #expect(pipeline.analyze("Lottogewinnzahlen").terms.map(\.stem).contains("lotto"))
        // The same words in the corpus itself are what a typo is corrected to.
        let plain = TextPipeline(analyzer: german, corpus: corpus + outside)
        #expect(plain.analyze("gefunden").terms.map(\.kind) == [.corrected])
    }

    @Test func crossValidationHoldsOutsideExamplesOutAsOutOfScope() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        try fixture.write("ausserhalb.intent", Self.shopping)
        let report = EvaluationReport.crossValidate(catalog: try fixture.catalog(), folds: 3, policy: DecisionPolicy())
        #expect(report.inScope == 37)
        #expect(report.outOfScope == 10)
        #expect(report.outOfScopeFallback >= 5)
    }

    @Test func theChatFallsBackAndTheStatusCountsTheBlocks() throws {
        let chat = try ChatFixture()
        try chat.intents.write("ausserhalb.intent", Self.shopping)
        #expect(chat.library.reload() == nil)
        #expect(chat.library.status.outOfScope == 2)
        let reply = try chat.ask("Welches Motorrad soll ich kaufen?")
        #expect(reply.kind == "fallback")
        #expect(reply.intent == nil)
        #expect(try chat.ask("Wie melde ich mein Auto an?").intent == "kfz-neuzulassung")
    }
}
