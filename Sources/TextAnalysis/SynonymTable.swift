import Foundation

/// Colloquial words and abbreviations mapped to the words the knowledge base uses, from an
/// admin-edited file. Each line names the canonical phrase, then its variants:
///
/// ```text
/// # canonical = variant, variant, ...
/// Führerschein = Lappen, Fleppe, Fahrerlaubnis
/// Bürgergeld = Hartz IV, Hartz 4
/// ```
///
/// Phrases are compared as analysed tokens, so case, umlaut spelling and hyphens do not
/// matter. Applied to questions and examples alike, so both sides meet on the canonical words.
public struct SynonymTable: Sendable, Equatable {
    /// Variant token sequence -> canonical tokens.
    private var replacements: [[String]: [String]] = [:]
    /// The variants by their first token, longest first: a question's token is looked up
    /// once, instead of one array built and hashed per position and length.
    private var variantsByFirstToken: [String: [Variant]] = [:]
    /// Bit `firstTokenBit(t)` is set for every variant's first token `t`: most tokens of a
    /// question begin no variant, and this tells so without hashing the token with the seeded
    /// hasher (a dictionary lookup per token was a tenth of a question's analysis). A set bit
    /// only means "look it up".
    private var firstTokenBits = [UInt64](repeating: 0, count: SynonymTable.filterWords)
    private static let filterWords = 64

    private struct Variant: Sendable, Equatable {
        var tokens: [String]
        var canonical: [String]
    }

    public init() {}

    public var isEmpty: Bool { replacements.isEmpty }
    public var count: Int { replacements.count }

    /// Parses the file text; `file` names it in errors.
    public static func parse(_ text: String, file: String, analyzer: Analyzer = Analyzer(language: .german)) throws -> SynonymTable {
        var table = SynonymTable()
        var origin: [[String]: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let sides = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard sides.count == 2 else {
                throw TextAnalysisError(file: file, line: lineNumber, "erwartet \"Begriff = Variante, Variante\", aber kein \"=\" gefunden")
            }
            let canonical = analyzer.tokens(String(sides[0]))
            guard !canonical.isEmpty else { throw TextAnalysisError(file: file, line: lineNumber, "vor \"=\" steht kein Wort") }
            let variants = sides[1].split(separator: ",").map { analyzer.tokens(String($0)) }.filter { !$0.isEmpty }
            guard !variants.isEmpty else { throw TextAnalysisError(file: file, line: lineNumber, "nach \"=\" steht keine Variante") }
            for variant in variants where variant != canonical {
                if let previous = origin[variant], table.replacements[variant] != canonical {
                    throw TextAnalysisError(file: file, line: lineNumber,
                                            "\"\(variant.joined(separator: " "))\" steht schon in Zeile \(previous) für etwas anderes")
                }
                origin[variant] = lineNumber
                table.replacements[variant] = canonical
            }
        }
        for (variant, canonical) in table.replacements {
            table.variantsByFirstToken[variant[0], default: []].append(Variant(tokens: variant, canonical: canonical))
            let bit = firstTokenBit(variant[0])
            table.firstTokenBits[bit >> 6] |= 1 << UInt64(bit & 63)
        }
        for first in table.variantsByFirstToken.keys {
            // Longest first (the longest match wins); equal lengths in a fixed order, so that
            // equal tables compare equal.
            table.variantsByFirstToken[first]!.sort {
                $0.tokens.count != $1.tokens.count ? $0.tokens.count > $1.tokens.count : $0.tokens.lexicographicallyPrecedes($1.tokens)
            }
        }
        return table
    }

    /// Replaces every variant (longest match first) by its canonical tokens.
    public func apply(_ tokens: [String]) -> [String] {
        guard !replacements.isEmpty else { return tokens }
        var result: [String] = []
        result.reserveCapacity(tokens.count)
        var index = 0
        outer: while index < tokens.count {
            let bit = Self.firstTokenBit(tokens[index])
            guard firstTokenBits[bit >> 6] & (1 << UInt64(bit & 63)) != 0 else {
                result.append(tokens[index])
                index += 1
                continue
            }
            for variant in variantsByFirstToken[tokens[index]] ?? [] where index + variant.tokens.count <= tokens.count
                && tokens[index..<index + variant.tokens.count].elementsEqual(variant.tokens) {
                result += variant.canonical
                index += variant.tokens.count
                continue outer
            }
            result.append(tokens[index])
            index += 1
        }
        return result
    }

    /// A token's bit in `firstTokenBits` (`stableHash`, unseeded, and harmless so: a token that
    /// collides is only looked up).
    private static func firstTokenBit(_ token: String) -> Int {
        Int(truncatingIfNeeded: stableHash(token) >> 32) & (filterWords * 64 - 1)
    }

    /// The one-word variants with their canonical tokens ("gewehr" -> ["waffe"]).
    public var wordVariants: [String: [String]] {
        var variants: [String: [String]] = [:]
        for (variant, canonical) in replacements where variant.count == 1 { variants[variant[0]] = canonical }
        return variants
    }

    /// Every canonical and variant token, so that typo tolerance knows them too.
    public var words: Set<String> {
        var words = Set<String>()
        for (variant, canonical) in replacements {
            words.formUnion(variant)
            words.formUnion(canonical)
        }
        return words
    }
}

/// A problem in an admin-edited text file, with its place.
public struct TextAnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let message: String

    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}
