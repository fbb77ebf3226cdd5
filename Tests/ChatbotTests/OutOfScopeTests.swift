@testable import Chatbot
import Foundation
import HTTPServerTesting
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
        #expect(answered?.message.contains("hat keine Antwort") == true)
        #expect(files.error("outside: x\ntitle: X\n")?.message == "x: \"examples:\" fehlt")
        #expect(files.error("outside: x\nexamples:\n  Wetter\n")?.message == "x: \"title:\" fehlt")
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
        #expect(findings.contains { $0.contains("Beispiel \"Halterwechsel\" steht auch in outside:x") })
        #expect(findings.contains { $0.hasPrefix("x: Beispiel wiederholt") && $0.contains("wetter MORGEN") })
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
        // Without the block, the intent that shares their words read them (and answered one).
        #expect(without.match("Welches Motorrad soll ich kaufen?").best?.intent == "kfz-neuzulassung")
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

    static let taxes = """
        outside: finanzamt
        title: Steuern
        examples:
          Steuererklärung abgeben
          Wo finde ich meine Steuer-ID?
          Steuernummer beantragen
          Lohnsteuer zurückholen
          Frist für die Steuererklärung
          Einspruch gegen den Steuerbescheid
        examples.en:
          tax return deadline
          income tax refund
        signpost:
          Steuerfragen beantwortet Ihr **Finanzamt**, nicht die {{zulassung.name}}: [ELSTER](https://www.elster.de).
        signpost.en: Taxes are handled by your tax office.
        """

    @Test func signpostsAreForOutsideBlocksOnly() throws {
        let parsed = try IntentFileTests().parse(Self.taxes)
        let block = try #require(parsed.outOfScope.first)
        #expect(block.signpost(.german) == "Steuerfragen beantwortet Ihr **Finanzamt**, nicht die Zulassungsstelle: [ELSTER](https://www.elster.de).")
        #expect(block.signpost(.english) == "Taxes are handled by your tax office.")
        #expect(try IntentFileTests().parse(Self.shopping).outOfScope.allSatisfy { $0.signposts.isEmpty })

        let files = IntentFileTests()
        let onIntent = files.error("intent: x\ntitle: X\nexamples:\n  Auto\nanswer:\n  A\nsignpost:\n  B\n")
        #expect(onIntent?.line == 7)
        #expect(onIntent?.message.hasPrefix("unbekannter Schlüssel \"signpost\"") == true, "\(String(describing: onIntent))")
        #expect(files.error("outside: x\ntitle: X\nexamples:\n  Steuer\nsignpost.en: Tax office.\n")?.message
                == "x: \"signpost.en:\" ohne das deutsche \"signpost:\"")
        #expect(files.error("outside: x\ntitle: X\nexamples:\n  Steuer\nsignpost:\n\n")?.message == "\"signpost\" ist leer")
        #expect(files.error("outside: x\ntitle: X\nexamples:\n  Steuer\nsignpost: {{nirgends}}\n")?.line == 5)
    }

    /// A signpost is shown only for a question read as its block as surely as asking back
    /// would need.
    @Test func aSignpostNeedsACertainReading() {
        let policy = DecisionPolicy()
        let finanzamt = IntentMatch.Candidate(intent: "finanzamt", probability: 0.9, score: 1)
        var match = IntentMatch(language: .german, ranked: [], followUp: nil, outside: finanzamt, topic: nil, coverage: 1,
                                contentWords: 2, strength: 1, support: 1)
        #expect(policy.surelyOutside(match) == "finanzamt")
        match.support = 0.3     // 0.9 × 0.3 = 0.27, below the clarify threshold
        #expect(policy.surelyOutside(match) == nil)
        match.support = 1
        match.outside = nil
        #expect(policy.surelyOutside(match) == nil)
        match.outside = finanzamt
        match.contentWords = 0
        #expect(policy.surelyOutside(match) == nil)
    }

    /// "Wo gebe ich die Steuererklärung ab?": still a fallback (no intent, the contact), but
    /// it opens with where to turn; a block without a signpost keeps the usual opening.
    @Test func aSignpostOpensTheFallback() throws {
        let chat = try ChatFixture()
        try chat.intents.write("ausserhalb.intent", Self.shopping + "\n\n" + Self.taxes)
        #expect(chat.library.reload() == nil)
        let usual = try chat.ask("Welches Motorrad soll ich kaufen?")
        #expect(usual.kind == "fallback")
        #expect(!usual.answer.contains("Finanzamt"))

        let taxes = try chat.ask("Bis wann muss ich die Steuererklärung abgeben?")
        #expect(taxes.kind == "fallback")
        #expect(taxes.intent == nil)
        #expect(taxes.answer.hasPrefix("Steuerfragen beantwortet Ihr **Finanzamt**, nicht die Zulassungsstelle"), "\(taxes.answer)")
        #expect(taxes.html.contains("<strong>Finanzamt</strong>"))
        #expect(taxes.html.contains("href=\"https://www.elster.de\""))
        // The contact follows, as in every fallback; the usual "no reliable answer" does not.
        #expect(taxes.answer.contains("Bürgerservice"))
        #expect(!taxes.answer.contains(usual.answer.prefix(30)))
        #expect(try chat.ask("income tax refund", language: "en").answer.hasPrefix("Taxes are handled by your tax office."))
        #expect(try chat.ask("Wie melde ich mein Auto an?").intent == "kfz-neuzulassung")
    }

    /// The admins see which other authorities citizens were sent to, and which unanswered
    /// question got which signpost; the reply itself does not say.
    @Test func signpostedFallbacksAreCountedForTheAdmins() throws {
        let chat = try ChatFixture()
        try chat.intents.write("ausserhalb.intent", Self.shopping + "\n\n" + Self.taxes)
        #expect(chat.library.reload() == nil)
        let taxes = try chat.ask("Bis wann muss ich die Steuererklärung abgeben?")
        _ = try chat.ask("Bis wann muss ich die Steuererklärung abgeben?")   // from the reply cache
        _ = try chat.ask("Welches Motorrad soll ich kaufen?")
        #expect(!String(decoding: taxes.fieldsJSON(), as: UTF8.self).contains("finanzamt"))
        let report = try chat.analytics.report(days: 1)
        #expect(report.signposts == [.init(intent: "finanzamt", count: 2)])
        #expect(report.daily.first?.fallback == 3)
        let unanswered = Dictionary(uniqueKeysWithValues: report.unanswered.map { ($0.question, $0) })
        #expect(unanswered["Bis wann muss ich die Steuererklärung abgeben?"]?.signpost == "finanzamt")
        #expect(unanswered["Bis wann muss ich die Steuererklärung abgeben?"]?.intent == nil)
        #expect(unanswered["Welches Motorrad soll ich kaufen?"]?.signpost == nil)
        #expect(report.topIntents.isEmpty)

        let client = TestClient(try chat.application())
        let page = client.execute(.get, "/chatbot?tage=7")
        #expect(page.text.contains("<h3>Wegweiser zu anderen Stellen</h3>"))
        #expect(page.text.contains("<li>Steuern <code>finanzamt</code>: 2</li>"), "\(page.text)")
        #expect(page.text.contains("<td>Steuern <code>finanzamt</code></td>"))
        let api = client.execute(.get, "/api/chat/analytics?days=7")
        #expect((api.json?["signposts"] as? [[String: Any]])?.first?["intent"] as? String == "finanzamt")
    }

    @Test func testFilesCountSignpostsShown() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        try fixture.write("ausserhalb.intent", Self.taxes)
        let index = IntentIndex(catalog: try fixture.catalog())
        let report = EvaluationReport.evaluate(index: index, cases: [
            .init(text: "Frist für die Steuererklärung", expected: nil, signpost: "finanzamt"),
            .init(text: "Steuernummer beantragen", expected: nil, signpost: "rente"),
            .init(text: "Wie wird das Wetter?", expected: nil),
        ], policy: DecisionPolicy())
        #expect(report.signpostExpected == 2)
        #expect(report.signpostShown == 1)
        #expect(report.outOfScopeFallback == 3)
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

    /// The country the bot serves is no topic: with "in Deutschland" in the foreign licence's
    /// examples, every question that named Germany ("Wetter in Deutschland morgen", "Wie
    /// viele Einwohner hat Deutschland?") was answered with the foreign licence.
    @Test func theCountryItselfIsNoTopic() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        try fixture.write("ausserhalb.intent", Self.shopping)
        try fixture.write("ausland.intent", """
            intent: fuehrerschein-ausland
            title: Ausländischen Führerschein umschreiben
            examples:
              Gilt mein ausländischer Führerschein in Deutschland?
              Führerschein aus der Türkei in Deutschland umschreiben
              amerikanischen Führerschein in Deutschland nutzen
              EU-Führerschein nach Umzug nach Deutschland
              Wie lange darf ich mit meinem ausländischen Führerschein fahren?
            examples.en:
              Is my foreign licence valid in Germany?
              use an American licence in Germany
            answer:
              Bei der Führerscheinstelle.
            """)
        let index = IntentIndex(catalog: try fixture.catalog())
        let policy = DecisionPolicy()
        for question in ["Wie viele Einwohner hat Deutschland?", "Wer ist der Bundeskanzler von Deutschland?",
                         "Hauptstadt von Deutschland", "Who is the chancellor of Germany?"] {
            let match = index.match(question)
            #expect(policy.decide(match) == .fallback, "\(question): \(match.ranked), confidence \(match.confidence)")
        }
        #expect(policy.decide(index.match("Gilt mein türkischer Führerschein in Deutschland?")) == .answer("fuehrerschein-ausland"))
        #expect(policy.decide(index.match("Is my Indian licence valid in Germany?")) == .answer("fuehrerschein-ausland"))
    }

    /// Spoken contractions are function words: "das wars" had "wars" stemmed to "war", the
    /// stem of "Ware", and "danke, das wars" was answered with food inspection.
    @Test func spokenContractionsAreNoTopic() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        try fixture.write("ausserhalb.intent", Self.shopping)
        try fixture.write("themen.intent", """
            intent: verabschiedung
            title: Dank und Verabschiedung
            social: yes
            examples:
              Danke
              Vielen Dank
              Tschüss
              Danke, das hat geholfen
              Auf Wiedersehen
            answer:
              Gern geschehen.

            intent: lebensmittelkontrolle
            title: Hygienemängel melden
            examples:
              abgelaufene Ware verkauft
              Waren im Supermarkt verdorben
              Schimmel im Restaurant
              Hygienemängel in der Bäckerei melden
              Lebensmittelkontrolle beim Imbiss
            answer:
              Bei der Lebensmittelüberwachung.
            """)
        let index = IntentIndex(catalog: try fixture.catalog())
        let policy = DecisionPolicy()
        for question in ["danke, das wars", "Das wars, danke!"] {
            let match = index.match(question)
            #expect(policy.decide(match) == .answer("verabschiedung"), "\(question): \(match.ranked), confidence \(match.confidence)")
        }
        #expect(policy.decide(index.match("abgelaufene Ware im Supermarkt")) == .answer("lebensmittelkontrolle"))
    }
}
