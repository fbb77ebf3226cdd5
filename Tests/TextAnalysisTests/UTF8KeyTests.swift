import Foundation
import TextAnalysis
import Testing

@Suite struct UTF8KeyTests {
    @Test func equalExactlyWhenTheBytesAreEqual() {
        let texts = ["", "a", "b", "ab", "Führerschein", "Fu\u{308}hrerschein", "Führerschein ", String(repeating: "ä", count: 300),
                     String(repeating: "ä", count: 299) + "a", "Straße", "Strasse"]
        for left in texts {
            for right in texts {
                #expect((UTF8Key(left) == UTF8Key(right)) == Array(left.utf8).elementsEqual(right.utf8), "\(left) / \(right)")
            }
        }
        // Canonically equivalent, differently encoded: equal as Strings, different as keys.
        #expect("Führerschein" == "Fu\u{308}hrerschein")
        #expect(UTF8Key("Führerschein") != UTF8Key("Fu\u{308}hrerschein"))
    }

    @Test func worksAsADictionaryKey() {
        var counts: [UTF8Key: Int] = [:]
        let questions = (0..<2_000).map { "Wie melde ich mein Fahrzeug \($0 % 500) um? Größe \($0 % 7)" }
        for question in questions { counts[UTF8Key(question), default: 0] += 1 }
        #expect(counts.count == Set(questions).count)
        for question in Set(questions) {
            #expect(counts[UTF8Key(question)] == questions.filter { $0 == question }.count)
        }
        // A substring's bytes (not native storage until made contiguous) hash like the string's.
        let long = "xx Müllabfuhr xx"
        let slice = String(long.dropFirst(3).dropLast(3))
        #expect(UTF8Key(slice).hashValue == UTF8Key("Müllabfuhr").hashValue)
        #expect(UTF8Key(slice) == UTF8Key("Müllabfuhr"))
    }
}
