/// Makes the spellings of German umlauts meet after diacritics are gone: "fuehrerschein",
/// "führerschein" (folded to "fuhrerschein") and "fuhrerschein" all become "fuhrerschein".
/// An "e" after "a", "o" or "u" is dropped, except where the vowel belongs to another sound:
/// after "q" ("quelle") and in "eu"/"au"/"ie"-like runs ("feuer", "steuer" keep their e).
enum GermanSpelling {
    static func normalize(_ word: String) -> String {
        enum State { case other, vowel, umlautCandidate }
        var state = State.other
        var result = String.UnicodeScalarView()
        for scalar in word.unicodeScalars {
            switch scalar {
            case "a", "o":
                state = .umlautCandidate
            case "u":
                state = state == .other ? .umlautCandidate : .vowel
            case "e":
                if state == .umlautCandidate {
                    state = .vowel
                    continue  // "ae", "oe", "ue" spell an umlaut: drop the e
                }
                state = .vowel
            case "i", "q", "y":
                state = .vowel
            default:
                state = .other
            }
            result.append(scalar)
        }
        return String(result)
    }
}
