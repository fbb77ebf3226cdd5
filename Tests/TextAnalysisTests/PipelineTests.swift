import Testing
import TextAnalysis

@Suite struct VocabularyTests {
    let german = Analyzer(language: .german)

    func vocabulary(_ corpus: String...) -> Vocabulary {
        Vocabulary(tokens: corpus.flatMap { german.tokens($0) }, analyzer: german)
    }

    @Test func compoundsSplitIntoKnownParts() {
        let words = vocabulary("Wunschkennzeichen reservieren", "Wann kommt die Abfuhr?", "Termine der Müllabfuhr", "Ordnung", "Müll")
        #expect(words.compoundParts(of: "wunschkennzeichenreservierung") == [german.stem("wunschkennzeichen"), german.stem("reservieren")])
        let parts = words.compoundParts(of: german.tokens("Müllabfuhrtermine")[0]) ?? []
        #expect(parts.contains(german.stem("termine")), "\(parts)")
        #expect(parts.contains { $0.hasSuffix("abfuhr") }, "\(parts)")
        // A linking "s" between parts: Ordnung-s-amt needs "amt" to be known.
        #expect(words.compoundParts(of: "ordnungsamt") == nil)
        #expect(vocabulary("Ordnung", "Amt").compoundParts(of: "ordnungsamt") == ["ordnung", "amt"])
        // A linking "n" or "e", the modifier known by its stem: Rente-n-antrag, Hund-e-schule.
        #expect(vocabulary("Rente", "Antrag").compoundParts(of: "rentenantrag") == [german.stem("rente"), german.stem("antrag")])
        #expect(vocabulary("Hund", "Schule").compoundParts(of: "hundeschule") == [german.stem("hund"), german.stem("schule")])
        #expect(vocabulary("Antrag").compoundParts(of: "rentenantrag") == nil)
        // A part of three letters is a word of its own, not the stem of a longer one:
        // "Unterstand" is no "unt" (of "unten"), "erst" and "and" (of "andere").
        let shelter = vocabulary("unten", "erst", "andere", "Stand des Antrags")
        #expect(shelter.compoundParts(of: "unterstand") == nil)
        #expect(vocabulary("Amt", "Ordnung").compoundParts(of: "amtsordnung") == ["amt", "ordnung"])
        // Nothing to split, or unknown parts.
        #expect(words.compoundParts(of: "abfuhr") == nil)
        #expect(words.compoundParts(of: "donaudampfschiff") == nil)
        // Only the head known: a weaker match of its own, and whether the rest (the modifier)
        // begins or ends a known word or is a verb's particle.
        let tonne = german.stem("tonne")
        #expect(vocabulary("Tonne leeren").compoundHead(of: "biotonne") == .init(stem: tonne, modifierKnown: false))
        #expect(vocabulary("Tonne leeren", "Biomüll").compoundHead(of: "biotonne") == .init(stem: tonne, modifierKnown: true))
        #expect(vocabulary("Kalender", "Müllabfuhr").compoundHead(of: "abfuhrkalender")?.modifierKnown == true)
        #expect(vocabulary("Tonne leeren", "Hundesteuer").compoundHead(of: "hundetonne")?.modifierKnown == true)
        #expect(vocabulary("bauen").compoundHead(of: "draufbauen") == .init(stem: german.stem("bauen"), modifierKnown: true))
        // A particle verb's end is another verb; a compound noun's head is what it is a kind of.
        #expect(Vocabulary.isParticleVerb("beibringen", head: german.stem("bringen")))
        #expect(Vocabulary.isParticleVerb("rausbringen", head: german.stem("bringen")))
        #expect(!Vocabulary.isParticleVerb("herzprobleme", head: german.stem("probleme")))
        #expect(vocabulary("Tonne leeren").compoundHead(of: "tonnenweise") == nil)
        // A head read off an unknown word is a known word, not a derived form of one:
        // "scheinigung" of "Schulbescheinigung" is not "Schein" (the fishing licence answered).
        #expect(vocabulary("Angelschein", "Schein").compoundHead(of: "schulbescheinigung") == nil)
        // Nor a function word's stem: "seits" of "allerseits" is no "seit".
        #expect(vocabulary("Seit wann ist offen?").compoundHead(of: "allerseits") == nil)
        #expect(vocabulary("Angelschein", "Schein").compoundHead(of: "segelschein")?.stem == german.stem("schein"))
        // A head shorter than half the word, after a modifier a known word begins with
        // ("Gesundheitsamt"); not after one the corpus has nothing of.
        #expect(vocabulary("Belehrung", "Gesundheitsamt").compoundHead(of: "gesundheitsbelehrung")
                == .init(stem: german.stem("belehrung"), modifierKnown: true))
        #expect(vocabulary("Belehrung").compoundHead(of: "gesundheitsbelehrung") == nil)
    }

    @Test func typosMapToTheNearestKnownWord() {
        let words = vocabulary("Führerschein verloren", "Antrag stellen", "Kennzeichen reservieren", "Auto")
        #expect(words.correction(for: "fuhrerschien") == "fuhrerschein")   // transposition
        #expect(words.correction(for: "fuhrrschein") == "fuhrerschein")    // deletion
        #expect(words.correction(for: "fuhreerscheinn") == "fuhrerschein") // two insertions, long word
        #expect(words.correction(for: "antrga") == "antrag")              // distance 1 at six letters
        #expect(words.correction(for: "antxxg") == nil)                   // distance 2 needs eight letters
        #expect(words.correction(for: "verloren") == nil)                 // known words stay as they are
        #expect(words.correction(for: "aut") == nil)                      // too short to guess
        #expect(words.correction(for: "xylophon") == nil)
    }

    /// Misspelt by ear, more letters away than typo tolerance reaches: the known word that
    /// sounds the same (German only).
    @Test func germanWordsSpeltByEarMapToTheWordTheySoundLike() {
        let words = vocabulary("BAföG beantragen", "Fahrzeugschein verloren", "Wohngeld", "Stadt")
        #expect(words.correction(for: "bafock") == "bafog")                   // "ck" and a final "g"
        #expect(words.correction(for: "farzeugschain") == "fahrzeugschein")   // lengthening "h", "ai"
        #expect(words.correction(for: "wonnkelt") == nil)                     // "nn" is "n", but "k" no "g"
        #expect(words.correction(for: "bafokk") == "bafog")
        #expect(words.correction(for: "bafik") == nil)
        #expect(words.correction(for: "stadtt") == "stadt" && words.correction(for: "sstatt") == "stadt")  // "dt" is "t"
        let english = Vocabulary(tokens: Analyzer(language: .english).tokens("driving licence"), analyzer: Analyzer(language: .english))
        #expect(english.correction(for: "lisense") == nil, "no German sounds in English")
    }

    @Test func editDistanceLimits() {
        let words = vocabulary("reservieren")
        #expect(words.correction(for: "resevieren") == "reservieren")
        #expect(words.correction(for: "rsevieren") == "reservieren")
        #expect(words.correction(for: "rsvieren") == nil)
    }
}

@Suite struct SynonymTableTests {
    @Test func variantsBecomeTheCanonicalWords() throws {
        let table = try SynonymTable.parse("""
            # comment
            Führerschein = Lappen, Fleppe
            Bürgergeld = Hartz IV, Hartz 4

            Kraftfahrzeug = Kfz
            """, file: "synonyms.txt")
        let analyzer = Analyzer(language: .german)
        #expect(table.apply(analyzer.tokens("Lappen verloren")) == ["fuhrerschein", "verloren"])
        #expect(table.apply(analyzer.tokens("Antrag auf HARTZ-IV")) == ["antrag", "auf", "burgergeld"])
        #expect(table.apply(analyzer.tokens("KFZ-Zulassung")) == ["kraftfahrzeug", "zulassung"])
        #expect(table.count == 5)
    }

    /// A variant read off a word stands for its canonical word too: the head of
    /// "Jagdgewehre" and the part of "Gewehrschrank" are "Waffe", as "Gewehr" alone is.
    @Test func variantsInsideWordsBecomeTheCanonicalWords() throws {
        let german = Analyzer(language: .german)
        let table = try SynonymTable.parse("Waffe = Gewehr, Pistole\nTier = Schaf", file: "synonyms.txt", analyzer: german)
        let pipeline = TextPipeline(analyzer: german, synonyms: table, corpus: ["Waffe geerbt", "Schrank", "Nachbar", "Nachbarschaft"])
        let waffe = german.stem("waffe")
        #expect(pipeline.analyze("Gewehr").terms.map(\.stem) == [waffe])
        let head = pipeline.analyze("Jagdgewehre").terms
        #expect(head.map(\.stem) == [waffe], "\(head)")
        #expect(head.first?.kind == .unfamiliarHead)
        let parts = pipeline.analyze("Gewehrschrank").terms
        #expect(parts.map(\.stem) == [waffe, german.stem("schrank")], "\(parts)")
        // A known word stays itself, and "-schaft" is no "Schaf".
        #expect(pipeline.analyze("Nachbarschaft").terms.map(\.stem) == [german.stem("nachbarschaft")])
    }

    @Test func errorsNameTheLine() {
        #expect(throws: TextAnalysisError(file: "s.txt", line: 2, "erwartet \"Begriff = Variante, Variante\", aber kein \"=\" gefunden")) {
            try SynonymTable.parse("a = b\nkein gleichheitszeichen\n", file: "s.txt")
        }
        #expect(throws: TextAnalysisError.self) { try SynonymTable.parse("a = \n", file: "s.txt") }
        do {
            _ = try SynonymTable.parse("Auto = Karre\nSchrott = Karre\n", file: "s.txt")
            Issue.record("a variant for two words must fail")
        } catch let error as TextAnalysisError {
            #expect(error.line == 2)
            #expect(error.message.contains("Zeile 1"))
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite struct TextPipelineTests {
    let pipeline: TextPipeline

    init() throws {
        let synonyms = try SynonymTable.parse("Führerschein = Lappen\nPersonalausweis = Perso\n", file: "s")
        pipeline = TextPipeline(analyzer: Analyzer(language: .german), synonyms: synonyms, corpus: [
            "Ich habe meinen Führerschein verloren", "Wunschkennzeichen reservieren", "Wann kommt die Müllabfuhr?", "Müll",
            "Abfuhr Termine", "Personalausweis beantragen",
        ])
    }

    func stems(_ text: String) -> [String] { pipeline.analyze(text).terms.map(\.stem) }

    /// German texts are analysed clause by clause, and the clauses are kept.
    @Test func clausesAreKept() {
        let told = pipeline.analyze("Wir waren am Strand, mein Lappen ist weg. Wunschkennzeichen?")
        #expect(told.clauseStarts.count == 3, "\(told.clauseStarts)")
        #expect(told.clauses.map { $0.terms.map(\.source) } == [["wir", "waren", "am", "strand"], ["mein", "fuhrerschein", "ist", "weg"],
                                                                 ["wunschkennzeichen"]])
        #expect(told.clauses.flatMap(\.terms) == told.terms)
        let single = pipeline.analyze("Führerschein verloren")
        #expect(single.clauses == [single])
    }

    @Test func spellingsMeet() {
        let reference = stems("Führerschein verloren")
        for variant in ["Fuehrerschein verloren", "Fuhrerschein verloren", "FÜHRERSCHEIN VERLOREN", "Lappen verloren"] {
            #expect(stems(variant) == reference, "\(variant)")
        }
    }

    @Test func compoundsTyposAndSynonymsAreMarked() {
        let analyzed = pipeline.analyze("Wunschkennzeichenreservierung Fuhrerschien Perso xyzzy und")
        let kinds = Dictionary(analyzed.terms.map { ($0.source, $0.kind) }, uniquingKeysWith: { first, _ in first })
        #expect(kinds["wunschkennzeichenreservierung"] == .compoundPart)
        #expect(kinds["fuhrerschien"] == .corrected)
        #expect(kinds["personalausweis"] == .known)
        #expect(kinds["xyzzy"] == .unknown)
        #expect(kinds["und"] == .stopword)
        #expect(analyzed.contentWords == 4)
        #expect(analyzed.coverage > 0.6 && analyzed.coverage < 0.8)
        #expect(pipeline.analyze("und oder").coverage == 0)
    }

    /// Who a story happened to, how much and who is responsible name no topic: they do not
    /// count as words the vocabulary failed to understand.
    @Test func storyWordsAreFunctionWords() {
        let pipeline = TextPipeline(analyzer: Analyzer(language: .german), corpus: ["Rente und Miete", "Batterien entsorgen"])
        let widow = pipeline.analyze("Seit mein Mann gestorben ist, reicht die Rente kaum für die Miete")
        #expect(widow.terms.first { $0.source == "mann" }?.kind == .stopword)
        #expect(widow.terms.first { $0.source == "kaum" }?.kind == .stopword)
        #expect(pipeline.analyze("Meine 15-jährige Tochter, wer ist zuständig?").terms
            .filter { ["jahrige", "zustandig"].contains($0.source) }.allSatisfy { $0.kind == .stopword })
        #expect(pipeline.analyze("jede Menge Batterien entsorgen").coverage == 1)
        // Spoken vagueness: "irgendwo", "rum".
        #expect(pipeline.analyze("Batterien irgendwo rum entsorgen").coverage == 1)
    }

    /// "ver-", "ent-", "zer-" make other verbs: "verdienen" is no compound of "dienen".
    @Test func inseparablePrefixesMakeNoCompoundHead() {
        let german = Analyzer(language: .german)
        let words = Vocabulary(tokens: german.tokens("Online-Dienste dienen"), analyzer: german)
        #expect(words.compoundHead(of: "verdienen") == nil)
        #expect(words.compoundHead(of: "entdienen") == nil)
        // A modifier that is a word of its own still makes one.
        #expect(words.compoundHead(of: "burgerdienste")?.stem == german.stem("dienste"))
    }

    @Test func bothSidesOfACompoundMeet() {
        let compound = Set(stems("Müllabfuhrtermine"))
        #expect(compound.isSuperset(of: Set(stems("Abfuhr Termine"))), "\(compound)")
    }

    /// A verb the corpus only has as its noun in "-ung", and the other way round.
    @Test func verbsMeetTheirNouns() {
        let german = Analyzer(language: .german)
        // Snowball drops a long word's "-ung" itself ("Anmeldung" and "anmelden" are both
        // "anmeld"); a short one keeps it ("Impfung" is "impfung", "impfen" is "impf").
        #expect(german.stem("anmeldung") == german.stem("anmelden"))
        #expect(german.stem("impfung") != german.stem("impfen"))
        let pipeline = TextPipeline(analyzer: german, corpus: ["Impfung für die Reise", "Gebühren zahlen", "Auto anmelden"])
        let impfen = pipeline.analyze("impfen").terms
        #expect(impfen.map(\.kind) == [.derived])
        #expect(impfen.map(\.stem) == [german.stem("impfung")])
        #expect(pipeline.analyze("impfen").coverage == 1)
        #expect(pipeline.analyze("Zahlung").terms.map(\.stem) == [german.stem("zahlen")])
        #expect(pipeline.analyze("Zahlung").terms.map(\.kind) == [.derived])
        // Known words stay as they are; an unknown word without a counterpart stays unknown.
        #expect(pipeline.analyze("Impfung anmelden").terms.map(\.kind) == [.known, .known])
        #expect(pipeline.analyze("Rechnung").terms.map(\.kind) == [.unknown])
        // English has no such rule.
        let english = TextPipeline(analyzer: Analyzer(language: .english), corpus: ["vaccination appointment"])
        #expect(english.analyze("vaccinate").terms.map(\.kind) != [.derived])
    }

    /// A participle the corpus does not have is read as the infinitive it does have:
    /// citizens tell what happened, the examples ask what to do.
    @Test func participlesMeetTheirInfinitives() {
        let german = Analyzer(language: .german)
        let pipeline = TextPipeline(analyzer: german, corpus: ["Jagdschein machen", "Auto abmelden", "Bus fahren", "Heißes Auto"])
        for (participle, infinitive) in [("gemacht", "machen"), ("abgemeldet", "abmelden"), ("abgemeldetes", "abmelden"),
                                         ("gefahren", "fahren")] {
            let terms = pipeline.analyze(participle).terms
            #expect(terms.map(\.stem) == [german.stem(infinitive)], "\(participle)")
            #expect(terms.map(\.kind) == [.known], "\(participle)")
        }
        // Only a participle: "heißt" is no form of the corpus's "heißes" (a finite form is too
        // often another word's), and "gesagt" stays unknown without "sagen" in the corpus.
        #expect(pipeline.analyze("heißt").terms.map(\.kind) == [.unknown])
        #expect(pipeline.analyze("gesagt").terms.map(\.kind) == [.unknown])
    }

    /// The "ge" of a participle may follow any first part, and a participle of a synonym's
    /// variant stands for the canonical word: "stillgelegt" is "stilllegen", is "abmelden".
    @Test func participlesAfterAnyFirstPartMeetTheirCanonicalWords() throws {
        let german = Analyzer(language: .german)
        let synonyms = try SynonymTable.parse("abmelden = stilllegen", file: "synonyms.txt", analyzer: german)
        let pipeline = TextPipeline(analyzer: german, synonyms: synonyms, corpus: ["Auto abmelden", "Konto freischalten"])
        #expect(pipeline.analyze("stillgelegt").terms.map(\.stem) == [german.stem("abmelden")])
        #expect(pipeline.analyze("freigeschaltet").terms.map(\.stem) == [german.stem("freischalten")])
        #expect(pipeline.analyze("freigeschaltet").terms.map(\.kind) == [.known])
    }

    /// A separable verb's finite form is joined with its particle and met through its
    /// infinitive's stem, which the corpus may know from a noun only.
    @Test func finiteSeparableVerbsMeetTheirNouns() {
        let german = Analyzer(language: .german)
        let pipeline = TextPipeline(analyzer: german, corpus: ["Ausbildung beim Landkreis", "Stellenangebote"])
        let terms = pipeline.analyze("Bildet der Landkreis auch Informatiker aus?").terms
        #expect(terms.first?.stem == german.stem("ausbildung"), "\(terms)")
        #expect(terms.first?.kind == .known)
        #expect(!terms.contains { $0.source == "aus" || $0.source == "bildet" })
        // Without the particle there is nothing to join.
        #expect(pipeline.analyze("Bildet der Landkreis Informatiker?").terms.first?.kind == .unknown)
    }

    /// Units after a number are part of the quantity, not unknown words of the question.
    @Test func unitsAfterANumberAreNotContentWords() {
        let speeding = pipeline.analyze("27 km/h zu schnell, Führerschein verloren")
        #expect(speeding.terms.prefix(3).map(\.source) == ["27", "km", "h"])
        #expect(speeding.terms.prefix(3).allSatisfy { $0.kind == .other }, "\(speeding.terms)")
        #expect(pipeline.analyze("3,5 t Müll").terms.map(\.kind).suffix(2) == [.other, .known])
        #expect(pipeline.analyze("80 m² Müll").terms.map(\.kind) == [.other, .other, .known])
        // Without a number before it, the same token is a word like any other.
        #expect(pipeline.analyze("km Müll").terms.first?.kind == .unknown)
        #expect(pipeline.analyze("Müll h").terms.last?.kind == .unknown)
        // Nor does a word after a number stop being one.
        #expect(pipeline.analyze("2 Müll").terms.map(\.kind) == [.other, .known])
        let english = TextPipeline(analyzer: Analyzer(language: .english), corpus: ["speeding ticket"])
        #expect(english.analyze("30 mph speeding").terms.map(\.kind) == [.other, .other, .known])
    }

    /// A word of the language is no typo: it is not corrected to the corpus's nearest word,
    /// unless only its ending or a prefix differs.
    @Test func wordsOfTheLanguageAreNotCorrected() {
        let german = Analyzer(language: .german)
        let corpus = ["Passwort vergessen", "Küche renovieren", "Einbürgerung beantragen", "Führerschein getauscht", "Adresse ändern",
                      "Nichts gehört"]
        let lexicon = Lexicon(words: ["passiert", "koche", "einbürgern", "umgetauscht", "Führerschein", "wandern", "geholt"],
                              analyzer: german)
        let plain = TextPipeline(analyzer: german, corpus: corpus)
        let withLexicon = TextPipeline(analyzer: german, corpus: corpus, lexicon: lexicon)
        // Without the lexicon, "passiert" became "passwort" and "koche" "küche".
        #expect(plain.analyze("passiert").terms.map(\.kind) == [.corrected])
        #expect(plain.analyze("koche").terms.map(\.kind) == [.corrected])
        #expect(withLexicon.analyze("passiert").terms.map(\.kind) == [.unknown])
        #expect(withLexicon.analyze("koche").terms.map(\.kind) == [.unknown])
        // An ending or a verb prefix apart: still read as the corpus's word.
        #expect(withLexicon.analyze("einbürgern").terms.map(\.kind) == [.corrected])
        #expect(withLexicon.analyze("umgetauscht").terms.map(\.stem) == [german.stem("getauscht")])
        // What differs must be endings: "geholt" is no "gehört".
        #expect(plain.analyze("geholt").terms.map(\.kind) == [.corrected])
        #expect(withLexicon.analyze("geholt").terms.map(\.kind) == [.unknown])
        // Another letter in front is no verb prefix: "wandern" is no "ändern".
        #expect(plain.analyze("wandern").terms.map(\.kind) == [.corrected])
        #expect(withLexicon.analyze("wandern").terms.map(\.kind) == [.unknown])
        // A typo, which no word list has, is corrected as before.
        #expect(withLexicon.analyze("Passwrot").terms.map(\.stem) == [german.stem("passwort")])
        #expect(withLexicon.analyze("Fürerschein").terms.map(\.kind) == [.corrected])
        #expect(lexicon.contains("fuhrerschein"))
        #expect(!lexicon.contains("fuhrerschien"))
    }

    /// The system's word lists (Debian `wngerman`, `wbritish`, `wamerican`, which
    /// `scripts/install-deps.sh` installs) are read, folded as questions are.
    @Test func theSystemWordListsAreRead() throws {
        let german = try #require(Lexicon.system(.german))
        #expect(german.count > 300_000)
        for word in ["passiert", "gestorben", "fuehrerschein", "strasse", "MÜLLABFUHR"] {
            #expect(german.contains(Analyzer(language: .german).tokens(word)[0]), "\(word)")
        }
        #expect(!german.contains("fuhrerschien"))
        let english = try #require(Lexicon.system(.english))
        #expect(english.contains("hiring") && english.contains("licence") && english.contains("license"))
    }
}
