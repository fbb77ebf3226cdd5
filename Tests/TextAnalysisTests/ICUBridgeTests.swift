import Testing
@testable import TextAnalysis

@Suite struct ICUBridgeTests {
    /// The shim folds ASCII text without ICU; a non-ASCII letter after it sends the same
    /// character through ICU's NFKC case folding and mark removal.
    @Test func asciiFoldsAsICUFoldsIt() throws {
        for value in UInt8(0)..<0x80 {
            let character = String(UnicodeScalar(value))
            let fast = try #require(ICUBridge.foldedWords(character)).units
            let throughICU = try #require(ICUBridge.foldedWords(character + "\u{E9}")).units  // é folds to e
            #expect(throughICU.last == UInt16(UInt8(ascii: "e")))
            #expect(fast == Array(throughICU.dropLast()), "\(value)")
        }
        #expect(try #require(ICUBridge.foldedWords("KFZ-Zulassung 2026")).units == Array("kfz-zulassung 2026".utf16))
    }
}
