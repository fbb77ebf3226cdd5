import Testing
import TextAnalysis

@Suite struct AnalyzerTests {
    let german = Analyzer(language: .german)
    let english = Analyzer(language: .english)

    @Test func umlautSpellingsAndCaseMeet() {
        let variants = ["Führerschein", "Fuehrerschein", "Fuhrerschein", "FÜHRERSCHEIN", "fu\u{308}hrerschein"]
        #expect(Set(variants.map { german.terms($0) }).count == 1, "\(variants.map { german.terms($0) })")
        #expect(german.terms("Straße") == german.terms("Strasse"))
        #expect(german.terms("Büro") == german.terms("Buero"))
    }

    @Test func eInOtherSoundsIsKept() {
        #expect(german.tokens("Feuer Steuer Quelle Bauer") == ["feuer", "steuer", "quelle", "bauer"])
    }

    @Test func wordBoundariesComeFromICU() {
        for text in ["Kfz-Zulassung", "KFZ Zulassung", "Kfz/Zulassung", "Kfz-Zulassung?"] {
            #expect(german.tokens(text) == ["kfz", "zulassung"], "\(text)")
        }
        // UAX #29 keeps letters joined by a full stop together: host names stay one token.
        #expect(german.tokens("www.beispielkreis.example") == ["www.beispielkreis.example"])
        #expect(german.tokens("  ,;!? ") == [])
        #expect(german.tokens("") == [])
        #expect(german.tokens("Termin am 24.11.2026 um 9 Uhr").contains("24.11.2026"))
    }

    @Test func snowballStemsInflections() {
        #expect(german.terms("Zulassungen") == german.terms("Zulassung"))
        #expect(german.terms("Mülltonnen") == german.terms("Mülltonne"))
        #expect(english.terms("registering vehicles") == english.terms("register vehicle"))
        #expect(english.tokens("Driver's licence") .first == "driver's")
    }

    /// Phones type "I’m" with a typographic apostrophe, the word lists "i'm": they meet, and
    /// English contractions are function words ("I’d like to know" has no content word).
    @Test func typographicApostrophesAreThePlainOne() {
        #expect(english.tokens("I’m sure it\u{02BC}s here") == ["i'm", "sure", "it's", "here"])
        #expect(german.tokens("Wie geht’s") == german.tokens("wie geht's"))
        #expect(english.tokens("I’d like to know").allSatisfy { Stopwords.contains($0, language: .english) })
    }

    @Test func stemmingIsSafeFromManyThreads() async {
        let analyzer = german
        await withTaskGroup(of: [String].self) { group in
            for _ in 0..<16 {
                group.addTask { (0..<200).flatMap { _ in analyzer.terms("Wunschkennzeichen reservieren") } }
            }
            for await terms in group {
                #expect(Set(terms) == Set(analyzer.terms("Wunschkennzeichen reservieren")))
            }
        }
    }
}
