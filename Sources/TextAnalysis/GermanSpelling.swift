/// Makes the spellings of German umlauts meet after diacritics are gone: "fuehrerschein",
/// "führerschein" (folded to "fuhrerschein") and "fuhrerschein" all become "fuhrerschein".
/// An "e" after "a", "o" or "u" is dropped, except where the vowel belongs to another sound:
/// after "q" ("quelle") and in "eu"/"au"/"ie"-like runs ("feuer", "steuer" keep their e).
enum GermanSpelling {
    static func normalize(_ word: String) -> String {
        var reader = Reader()
        var result = String.UnicodeScalarView()
        for scalar in word.unicodeScalars where reader.keeps(scalar.value) {
            result.append(scalar)
        }
        return String(result)
    }

    /// A folded word in UTF-16, normalised: ASCII words (nearly all, once folded) go to UTF-8
    /// directly, without a String in between.
    static func normalize(_ units: ArraySlice<UInt16>) -> String {
        var reader = Reader()
        return ICUBridge.asciiString(units, keeping: { reader.keeps(UInt32($0)) })
            ?? normalize(String(decoding: units, as: UTF16.self))
    }

    /// The rule, one scalar at a time: whether the scalar stays.
    private struct Reader {
        private enum State { case other, vowel, umlautCandidate }
        private var state = State.other

        mutating func keeps(_ scalar: UInt32) -> Bool {
            switch scalar {
            case 0x61, 0x6F:  // a, o
                state = .umlautCandidate
            case 0x75:  // u
                state = state == .other ? .umlautCandidate : .vowel
            case 0x65:  // e
                if state == .umlautCandidate {
                    state = .vowel
                    return false  // "ae", "oe", "ue" spell an umlaut: drop the e
                }
                state = .vowel
            case 0x69, 0x71, 0x79:  // i, q, y
                state = .vowel
            default:
                state = .other
            }
            return true
        }
    }
}
