@testable import Chatbot
import Foundation
import Testing
import TextAnalysis

@Suite struct MatcherTests {
    let index: IntentIndex
    let policy = DecisionPolicy()

    init() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        index = IntentIndex(catalog: try fixture.catalog())
    }

    func decision(_ text: String, language: ChatLanguage? = nil) -> DecisionPolicy.Decision {
        policy.decide(index.match(text, language: language))
    }

    /// The per-term cache must give exactly what extracting and merging the whole question
    /// gives: the same ids in the same order, the same sums, the same unknown weight.
    @Test func cachedTermFeaturesMergeLikeTheWholeQuestion() throws {
        let german = try #require(index.languages[.german])
        let questions = [
            "wie kann ich meinen neuen Wagen anmelden", "Auto Auto anmelden abmelden", "Wunschkennzeichenreservierung online",
            "führerschien verloren, was nun?", "xyzzy quux Wagen 2024", "Lappen weg und Perso abgelaufen", "anan nana",
        ]
        for _ in 0..<2 {  // the second time from the cache
            for question in questions {
                let analyzed = german.pipeline.analyze(question)
                let expected = german.model.merged(Features.extract(analyzed))
                let cached = IntentIndex.mergedFeatures(analyzed, index: german)
                #expect(cached.ids == expected.ids, "\(question)")
                #expect(cached.values == expected.values, "\(question)")
                #expect(cached.unknownSquare == expected.unknownSquare, "\(question)")
            }
        }
        #expect(IntentIndex.mergedFeatures(german.pipeline.analyze("Auto Auto"), index: german).values.first == 2)
    }

    /// The known end of an unknown compound whose beginning the catalog has nothing of stands
    /// for the compound only when one intent alone uses it: "Masernimpfung" is a vaccination,
    /// "Musikschule" no school the catalog knows of (it was answered with school transport).
    @Test func anUnfamiliarCompoundIsReadByItsHeadOnlyWhenTheHeadIsSpecific() throws {
        let fixture = try IntentsFixture(files: ["a.intent": """
            intent: impfung
            title: Impfungen
            examples:
              Impfung beim Gesundheitsamt
              Reiseimpfung beraten lassen
              Impfpass verloren
            answer:
              Beim Gesundheitsamt.
            intent: schulbus
            title: Schülerbeförderung
            examples:
              Mit dem Bus zur Schule
              Fahrkarte für die Schule
            answer:
              Beim Schulamt.
            intent: schulgeld
            title: Schulgeld
            examples:
              Förderung für die Schule
              Schule Zuschuss beantragen
            answer:
              Beim Sozialamt.
            """])
        defer { fixture.cleanUp() }
        let index = IntentIndex(catalog: try fixture.catalog())
        let german = try #require(index.languages[.german])
        #expect(german.pipeline.analyze("Masernimpfung").terms.map(\.kind) == [.unfamiliarHead])
        let vaccination = index.match("Masernimpfung")
        #expect(vaccination.analyzed?.terms.map(\.kind) == [.compoundHead])
        #expect(policy.decide(vaccination) == .answer("impfung"), "\(vaccination.ranked)")
        let music = index.match("Musikschule")
        #expect(music.analyzed?.terms.map(\.kind) == [.unknown])
        #expect(policy.decide(music) == .fallback, "\(music.ranked)")
        // A modifier the catalog knows keeps the head: "Reise" of "Reiseimpfung".
        #expect(german.pipeline.analyze("Reiseschule").terms.map(\.kind) == [.compoundHead])
    }

    /// A greeting or thanks before or after a question does not answer it; alone, it does.
    @Test func greetingsAndThanksAroundAQuestionAreSetAside() throws {
        let social = """
            intent: begruessung
            title: Begrüßung
            title.en: Greeting
            social: yes
            examples:
              Hallo
              Hallo zusammen
              Guten Tag
              Guten Morgen
              Moin
              Hallo, ich habe eine Frage
            examples.en:
              hello
              hi there
            answer:
              Guten Tag! Was möchten Sie wissen?

            intent: verabschiedung
            title: Dank
            social: yes
            examples:
              Danke
              Vielen Dank
              Danke für die Hilfe
              Tschüss
            answer:
              Gern geschehen.

            outside: wetter
            title: Wetter
            examples:
              Wie wird das Wetter morgen?
              Regnet es heute?
              Wetterbericht
            """
        let fixture = try IntentsFixture(files: [
            "followups.intent": IntentsFixture.followUps, "kfz.intent": IntentsFixture.vehicles, "other.intent": IntentsFixture.other,
            "social.intent": social,
            "synonyms.txt": IntentsFixture.synonyms,
        ])
        defer { fixture.cleanUp() }
        let index = IntentIndex(catalog: try fixture.catalog())
        let cases: [(String, String?)] = [
            ("Hallo zusammen, ich habe meinen Führerschein verloren", "fuehrerschein-ersatz"),
            ("Guten Tag, ich habe eine Frage: wann kommt die Müllabfuhr?", "abfall-kalender"),
            ("Moin, Auto anmelden", "kfz-neuzulassung"),
            ("hello, I lost my driving licence", "fuehrerschein-ersatz"),
            ("Hallo", "begruessung"),
            ("Guten Morgen zusammen", "begruessung"),
            ("Vielen Dank, tschüss", "verabschiedung"),
            ("Hallo, danke für die Hilfe", "verabschiedung"),
            ("Hallo, wie wird das Wetter morgen?", nil),  // a question the bot is not there for
            ("Auto anmelden, vielen Dank!", "kfz-neuzulassung"),
            ("Hallo! Wann kommt die Müllabfuhr? Danke", "abfall-kalender"),
            // The rest unknown: a greeting when it opens (after an interjection) or closes the
            // message, not when a question merely has its word inside.
            ("Hallo Leute", "begruessung"),
            ("Na hallo", "begruessung"),
            ("Wo kann man hier gut wandern?", nil),
        ]
        for (question, intent) in cases {
            let match = index.match(question)
            if let intent {
                #expect(policy.decide(match) == .answer(intent), "\(question): \(match.ranked), confidence \(match.confidence)")
            } else {
                #expect(policy.decide(match) == .fallback, "\(question): \(match.ranked)")
            }
        }
        #expect(index.match("Hallo zusammen, ich habe meinen Führerschein verloren").setAside == ["hallo", "zusammen"])
        #expect(index.match("Hallo! Wann kommt die Müllabfuhr? Danke").setAside == ["hallo", "danke"])
        #expect(index.match("Hallo").setAside.isEmpty)
        #expect(index.match("Führerschein verloren").setAside.isEmpty)
        // Without social intents nothing is set aside (the shared fixture has none).
        #expect(self.index.social.isEmpty)
    }

    @Test func questionsNotInTheFilesFindTheirIntent() {
        let cases: [(String, String)] = [
            ("wie kann ich meinen neuen Wagen anmelden", "kfz-neuzulassung"),
            ("KFZ anmelden", "kfz-neuzulassung"),
            ("Fuehrerschein verloren", "fuehrerschein-ersatz"),
            ("FÜHRERSCHEIN GESTOHLEN", "fuehrerschein-ersatz"),
            ("Fuhrerschein weg", "fuehrerschein-ersatz"),
            ("führerschien verloren", "fuehrerschein-ersatz"),      // typo
            ("Lappen verloren", "fuehrerschein-ersatz"),            // synonym
            ("Wunschkennzeichenreservierung", "kfz-wunschkennzeichen"),  // compound
            ("Müllabfuhrtermine", "abfall-kalender"),                // compound against "Müll Abfuhr Termin"
            ("Nummernschild aussuchen", "kfz-wunschkennzeichen"),
            ("I lost my driving licence", "fuehrerschein-ersatz"),
            ("how can I register my car", "kfz-neuzulassung"),
        ]
        for (question, intent) in cases {
            let match = index.match(question)
            #expect(match.best?.intent == intent, "\(question): \(match.ranked)")
            #expect(decision(question) == .answer(intent), "\(question): confidence \(match.confidence)")
        }
        #expect(index.match("how can I register my car").language == .english)
        #expect(index.match("Wie melde ich mein Auto an?").language == .german)
    }

    @Test func outOfScopeFallsBack() {
        for question in ["Wie wird das Wetter morgen?", "Wer hat das Fußballspiel gewonnen?", "Rezept für Apfelkuchen",
                         "asdkjh qwezui", "xyzzy", "what is the weather tomorrow", "", "und oder aber", "123"] {
            #expect(decision(question) == .fallback, "\(question): \(index.match(question).ranked.first.map { "\($0)" } ?? "")")
        }
    }

    @Test func confidenceIsAProbabilityDiscountedByUnderstanding() {
        let clear = index.match("Führerschein verloren")
        #expect(clear.confidence > 0.8 && clear.confidence <= 1)
        let half = index.match("Führerschein Quantenphysik Sternbild")
        #expect(half.confidence < clear.confidence)
        let sum = index.match("Auto").ranked.map(\.probability).reduce(0, +)
        #expect(sum <= 1.0001)
    }

    @Test func aWordThatSpeaksForAnotherIntentLowersConfidence() {
        // Each word is known, but they point to different intents: at most half as sure.
        let mixed = index.match("Führerschein Mülltonne")
        #expect(mixed.support == 0.5, "\(mixed.support)")
        #expect(mixed.wordsAgainst == ["mulltonn"])
        #expect(mixed.confidence <= 0.5 * (mixed.best?.probability ?? 0) + 1e-9)
        #expect(index.match("Führerschein verloren").support == 1)
        // Follow-up words go with any intent.
        #expect(index.match("Was kostet ein Wunschkennzeichen?").support == 1)
    }

    @Test func aStoryIsReadByItsSurestClause() {
        // Most words are unknown to the catalog: read whole, the question is too little
        // understood; its last clause alone is the lost licence.
        let told = "Beim Schnorcheln vor Kroatien mit Freunden auf der Yacht, dann Tauchen und Segeln, Führerschein verloren"
        #expect(decision(told) == .answer("fuehrerschein-ersatz"), "\(index.match(told).confidence)")
        #expect(index.match(told).otherClauses.contains("kroatien"))
        // The same words in one clause: as before, not understood enough.
        let oneClause = "Beim Schnorcheln vor Kroatien mit Freunden auf der Yacht dann Tauchen und Segeln Führerschein verloren"
        #expect(decision(oneClause) == .fallback, "\(index.match(oneClause).confidence)")
        #expect(index.match(oneClause).otherClauses.isEmpty)
    }

    @Test func aCompoundNounsHeadIsNoWordAgainst() {
        // "Großumzug" is unknown; its head "Umzug" speaks for the change of keeper, but a
        // licence lost in a big move is still a lost licence: the guess says nothing against it.
        let moving = index.match("Führerschein beim Großumzug verloren")
        #expect(moving.best?.intent == "fuehrerschein-ersatz")
        #expect(moving.analyzed?.terms.contains { $0.source == "grossumzug" && $0.kind == .compoundHead } == true,
                "\(moving.analyzed?.terms ?? [])")
        #expect(moving.support == 1 && moving.wordsAgainst.isEmpty, "\(moving.wordsAgainst)")
        // The known word itself still is.
        #expect(index.match("Führerschein beim Umzug verloren").support < 1)
    }

    @Test func unknownWordsCountForLessWhenTheVocabularyIsSmall() {
        func text(_ terms: [(String, AnalyzedTerm.Kind)]) -> AnalyzedText {
            AnalyzedText(terms: terms.map { AnalyzedTerm(stem: $0.0, source: $0.0, kind: $0.1) })
        }
        // "auto" recurs; "anmeld" and "zulass" occur once each and would be unknown had their
        // example been held out. Stopwords do not count.
        let examples = [text([("auto", .known), ("anmeld", .known), ("ich", .stopword)]),
                        text([("auto", .known), ("zulass", .known)])]
        #expect(IntentIndex.heldOutCoverage(examples) == 0.5)
        #expect(IntentIndex.heldOutCoverage([text([("auto", .known)]), text([("auto", .known)])]) == 1)

        var match = IntentMatch(language: .english, ranked: [], followUp: nil, topic: nil, coverage: 0.4, contentWords: 5,
                                strength: 1, support: 1)
        match.expectedCoverage = 0.4          // thirty examples: a new question is typically this well understood
        #expect(abs(match.understood - IntentMatch.referenceCoverage) < 1e-9)
        match.expectedCoverage = IntentMatch.referenceCoverage
        #expect(abs(match.understood - 0.4) < 1e-9)
        match.expectedCoverage = 0.2
        #expect(match.understood == 1)
        // The shipped-style catalog of the fixture lies in between.
        let shipped = index.match("Führerschein verloren")
        #expect(shipped.expectedCoverage > 0.3 && shipped.expectedCoverage <= 1)
    }

    @Test func recognisesTheLanguageOfADataSet() {
        #expect(EvaluationReport.dominantLanguage(of: ["Wie melde ich mein Auto an?", "Wo bekomme ich einen Führerschein?"]) == .german)
        #expect(EvaluationReport.dominantLanguage(of: ["How do I register my car?", "where is the nearest ATM"]) == .english)
        #expect(EvaluationReport.dominantLanguage(of: []) == .german)
    }

    @Test func closeCandidatesAreClarified() {
        // The question names both.
        let question = "Fahrzeug zulassen oder umschreiben"
        guard case .clarify(let first, let second) = decision(question) else {
            Issue.record("expected a clarify question, got \(decision(question)): \(index.match(question).ranked)")
            return
        }
        #expect(Set([first, second]) == ["kfz-neuzulassung", "kfz-umschreibung"])
    }

    @Test func separableVerbsKeepTheirParticle() {
        // "an" and "ab" are stopwords, yet they decide between registering and deregistering.
        let on = index.match("Wie melde ich mein Auto an?")
        #expect(on.analyzed?.terms.map(\.stem).contains("anmeld") == true)
        #expect(on.best?.intent == "kfz-neuzulassung")
        // The particle ends the clause, not the text.
        let clause = index.match("Wie melde ich mein Auto an, was brauche ich?")
        #expect(clause.analyzed?.terms.map(\.stem).contains("anmeld") == true)
        // "anzumelden" is "anmelden".
        #expect(index.match("Was brauche ich, um mein Auto anzumelden?").analyzed?.terms.map(\.stem).contains("anmeld") == true)
        // A finite form the stemmer leaves whole is joined as the infinitive, and stands for
        // the verb: "meldet ... an" is "anmelden", with no unknown or corrected "meldet" left.
        let finite = index.match("Wie meldet ihr ein Auto an?")
        #expect(finite.analyzed?.terms.map(\.stem) == ["wie", "anmeld", "ihr", "ein", "auto"])
        #expect(finite.best?.intent == "kfz-neuzulassung")
        // The verb need not be among the clause's first words when no comma marks the clause.
        #expect(index.match("Gebrauchtwagen gekauft wie melde ich den an").analyzed?.terms.map(\.stem).contains("anmeld") == true)
    }

    @Test func aTopicWithAnIntentWordIsANewQuestion() {
        // "Was muss ich mitbringen?" alone is a follow-up; with "Motorrad anmelden" it is a new question.
        #expect(index.match("Was muss ich mitbringen?").followUp?.intent == "unterlagen")
        let question = index.match("Was muss ich mitbringen, um ein Motorrad anzumelden?")
        #expect(question.followUp == nil)
        #expect(question.best?.intent == "kfz-neuzulassung")
        #expect(question.topic?.intent == "unterlagen")
    }

    @Test func followUpsAndTopicsAreRecognised() {
        let followUp = index.match("Und was kostet das?")
        #expect(followUp.followUp?.intent == "kosten")
        let topic = index.match("Was kostet ein Wunschkennzeichen?")
        #expect(topic.best?.intent == "kfz-wunschkennzeichen")
        #expect(topic.topic?.intent == "kosten")
    }

    @Test func theOrderOfIntentsAndExamplesDoesNotMatter() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        let catalog = try fixture.catalog()
        var reversed = catalog
        reversed.intents = catalog.intents.reversed().map { intent in
            var turned = intent
            turned.examples.reverse()
            return turned
        }
        reversed.followUps = catalog.followUps.reversed().map { topic in
            var turned = topic
            turned.examples.reverse()
            return turned
        }
        let (first, second) = (IntentIndex(catalog: catalog), IntentIndex(catalog: reversed))
        for question in ["Wie melde ich mein Auto an?", "Führerschein verloren", "Auto abmelden oder umschreiben?",
                         "Und was kostet das?", "Wann wird die Tonne geleert?", "lost my driving licence", "Pizza bestellen"] {
            let (a, b) = (first.match(question), second.match(question))
            // Candidates tied at (near) zero may come in either order.
            let (likely, alsoLikely) = (a.ranked.filter { $0.probability > 1e-3 }, b.ranked.filter { $0.probability > 1e-3 })
            #expect(likely.map(\.intent) == alsoLikely.map(\.intent), "\(question)")
            for (x, y) in zip(likely, alsoLikely) { #expect(abs(x.probability - y.probability) < 1e-4, "\(question)") }
            #expect(a.followUp?.intent == b.followUp?.intent)
            #expect(abs(a.confidence - b.confidence) < 1e-4, "\(question)")
        }
    }

    @Test func topIndicesAreTheLargestInOrder() {
        var generator = SeededGenerator(seed: 11)
        for length in [0, 1, 3, 4, 5, 40, 150] {
            // Few distinct values, so that ties are common: the earlier index comes first.
            let values = (0..<length).map { _ in Float(generator.next() % 7) / 2 }
            let expected = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(4)
            #expect(IntentIndex.topIndices(values, count: 4) == Array(expected), "\(values)")
        }
    }

    @Test func crossValidationReportsRates() throws {
        let fixture = try IntentsFixture()
        defer { fixture.cleanUp() }
        let report = EvaluationReport.crossValidate(catalog: try fixture.catalog(), folds: 3, policy: policy)
        #expect(report.inScope == 37)
        #expect(report.topOneAccuracy > 0.6)
        #expect(report.decisions.values.reduce(0, +) == 37)
        #expect(report.macroF1 > 0.5)
        #expect(report.latencyPercentile(99) > 0)
    }
}

@Suite struct LinearModelTests {
    @Test func separatesClassesAndIsDeterministic() {
        func example(_ words: [String], _ label: Int) -> LinearModel.Example {
            var features = Features.Hashed()
            for word in words { features.add(UInt64(truncatingIfNeeded: word.hashValue & 0xFFFF_FFFF) | 1 << 40, 1) }
            return .init(features: features, label: label)
        }
        let examples = [
            example(["auto", "anmelden"], 0), example(["auto", "zulassen"], 0), example(["wagen", "anmelden"], 0),
            example(["auto", "abmelden"], 1), example(["wagen", "abmelden"], 1), example(["stilllegen"], 1),
        ]
        let first = LinearModel(examples: examples, classCount: 2)
        let second = LinearModel(examples: examples, classCount: 2)
        #expect(first.weights == second.weights)
        var scores = [Float](repeating: 0, count: 2)
        first.scores(first.vector(first.merged(example(["auto", "abmelden"], 0).features)), into: &scores)
        #expect(scores[1] > scores[0])
        first.scores(first.vector(first.merged(example(["wagen", "zulassen"], 0).features)), into: &scores)
        #expect(scores[0] > scores[1])
        first.scores(first.vector(first.merged(example(["unbekannt"], 0).features)), into: &scores)
        #expect(scores == [0, 0])

        // A model of a subset of the examples reads the larger model's merged features through
        // a feature map: the same vector as its own lookup, without the unknown features' weight.
        let subset = LinearModel(examples: [examples[0], examples[3], examples[5]], classCount: 2)
        let map = subset.featureMap(from: first)
        #expect(map.filter { $0 >= 0 }.count == subset.featureKeys.count)
        let question = example(["auto", "abmelden", "stilllegen", "unbekannt"], 0).features
        var direct = subset.merged(question)
        #expect(direct.unknownSquare > 0)
        direct.unknownSquare = 0
        let expected = subset.vector(direct)
        let mapped = subset.vector(subset.merged(fromParent: first.merged(question), map: map))
        let sortedMapped = zip(mapped.indices, mapped.values).sorted { $0.0 < $1.0 }
        let sortedExpected = zip(expected.indices, expected.values).sorted { $0.0 < $1.0 }
        #expect(sortedMapped.map(\.0) == sortedExpected.map(\.0) && sortedMapped.map(\.1) == sortedExpected.map(\.1))
        #expect(expected.indices.count == 3)

        // Repeated features are summed once per feature; unknown ones, repeated, weigh in the
        // norm as their sum.
        let repeated = first.merged(example(["auto", "abmelden", "auto", "unbekannt", "unbekannt"], 0).features)
        #expect(repeated.ids.count == 2 && Set(repeated.ids).count == 2)
        #expect(repeated.values.sorted() == [1, 2])
        let once = first.merged(example(["unbekannt"], 0).features)
        #expect(once.ids.isEmpty && once.unknownSquare > 0)
        #expect(abs(repeated.unknownSquare - 4 * once.unknownSquare) < 1e-4 * once.unknownSquare)
    }
}

extension LinearModelTests {
    /// Features most classes share are scored from dense rows in training; the weights must be
    /// bit for bit those of scoring every feature through its postings, ties between equally
    /// strong rivals (all weights start at zero) broken in the same order. (That both match
    /// the loop before dense rows was checked on the shipped catalog and 500 synthetic intents
    /// by hashing the weights.)
    @Test func denseRowsTrainTheSameWeights() {
        var generator = SeededGenerator(seed: 11)
        let common: [UInt64] = (0..<6).map { 1 << 40 | $0 }
        var examples: [LinearModel.Example] = []
        for label in 0..<40 {
            let own: [UInt64] = (0..<4).map { 2 << 40 | UInt64(label * 4 + $0) }
            for _ in 0..<8 {
                // The classes' own features first, so that they get the lower feature ids and
                // an example's postings touch its own and its neighbour's class before the
                // common (dense) features touch all of them: ties are broken in touch order,
                // which is then not the classes' order.
                var features = Features.Hashed()
                for key in own where generator.next() % 2 == 0 { features.add(key, 1) }
                // A feature of the next class: postings of two classes.
                features.add(2 << 40 | UInt64(((label + 1) % 40) * 4), generator.next() % 4 == 0 ? 1 : 0.25)
                for key in common where generator.next() % 3 != 0 { features.add(key, 0.4) }
                examples.append(.init(features: features, label: label))
            }
        }
        let dense = LinearModel(examples: examples, classCount: 40)
        let scattered = LinearModel(examples: examples, classCount: 40, denseRows: false)
        #expect(dense.weights.count == scattered.weights.count)
        #expect(dense.weights.map(\.bitPattern) == scattered.weights.map(\.bitPattern))
        #expect(dense.referenceScore == scattered.referenceScore)
    }
}

@Suite struct FeatureTableTests {
    @Test func findsEveryKeyItWasGivenAndNoOther() {
        var generator = SeededGenerator(seed: 7)
        var reference: [UInt64: Int32] = [0: 99]   // key 0 is stored aside
        for id in 0..<5_000 { reference[generator.next()] = Int32(id) }
        // Keys that share their high bits land on neighbouring slots: probing must pass them.
        for id in 0..<64 { reference[UInt64(id) << 3 | 1] = Int32(10_000 + id) }
        var table = FeatureTable(capacity: reference.count)
        for (key, id) in reference { table.insert(key, id) }
        #expect(table.count == reference.count)
        for (key, id) in reference { #expect(table[key] == id) }
        for _ in 0..<5_000 {
            let absent = generator.next()
            #expect(table[absent] == reference[absent])
        }
        table.insert(0, 5)
        #expect(table[0] == 5 && table.count == reference.count)
    }
}

extension LinearModel {
    /// A whole question's hashed features merged at once: the reference that the per-term
    /// cache (`IntentIndex.mergedFeatures`) must equal, and the short way to score in tests.
    func merged(_ features: Features.Hashed) -> MergedFeatures {
        var merger = Merger(capacity: features.keys.count)
        for (key, weight) in zip(features.keys, features.weights) {
            merger.add(Feature(key: key, id: featureID(of: key) ?? -1, value: weight))
        }
        return merger.result(rareIDF: rareIDF)
    }
}

/// A small seedable generator (SplitMix64), so that the tests' random data is the same each run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }
}
