import Testing
import TextAnalysis

@Suite struct TextNormalizerTests {
    @Test func caseAndCompositionVariantsMeet() {
        let variants = ["Führerschein", "FÜHRERSCHEIN", "Fu\u{308}hrerschein", "ｆüｈｒｅｒｓｃｈｅｉｎ"]
        #expect(Set(variants.map(TextNormalizer.fold)) == ["führerschein"])
    }

    @Test func sharpSIsFoldedFully() {
        #expect(TextNormalizer.fold("Straße") == TextNormalizer.fold("STRASSE"))
    }

    @Test func emptyAndLongInput() {
        #expect(TextNormalizer.fold("") == "")
        let long = String(repeating: "Ä", count: 10_000)
        #expect(TextNormalizer.fold(long) == String(repeating: "ä", count: 10_000))
    }

    @Test func reportsTheLinkedICU() {
        #expect(TextNormalizer.icuVersion.split(separator: ".").count >= 2)
    }
}
