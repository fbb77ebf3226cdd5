import Foundation
import TextAnalysis

/// Scores the matcher on labelled questions: what `intents test` and `intents eval` print.
public struct EvaluationReport: Sendable {
    public struct Case: Sendable {
        public var text: String
        /// nil: out of scope.
        public var expected: String?
        /// Out of scope: the `outside:` block whose signpost should open the fallback
        /// ("finanzamt" for a tax question), when the test file names one.
        public var signpost: String?

        public init(text: String, expected: String?, signpost: String? = nil) {
            self.text = text
            self.expected = expected
            self.signpost = signpost
        }
    }

    public var inScope = 0
    public var outOfScope = 0
    /// In-scope questions whose best intent is right (thresholds ignored).
    public var topOneCorrect = 0
    /// In-scope questions answered with the right intent (thresholds applied).
    public var answeredCorrect = 0
    public var answeredWrong = 0
    /// Out-of-scope questions that got the fallback.
    public var outOfScopeFallback = 0
    /// Out-of-scope questions labelled with a signpost, and those whose fallback opened with it.
    public var signpostExpected = 0
    public var signpostShown = 0
    public var decisions: [String: Int] = [:]
    /// expected -> predicted -> count (top-1, in scope).
    public var confusion: [String: [String: Int]] = [:]
    public var latenciesMicroseconds: [Double] = []
    /// Questions not handled as expected: in scope and not answered right, or out of scope
    /// and answered.
    public var misses: [(text: String, expected: String?, decision: String)] = []

    public init() {}

    public var topOneAccuracy: Double { ratio(topOneCorrect, inScope) }
    public var inScopeAccuracy: Double { ratio(answeredCorrect, inScope) }
    public var outOfScopeRecall: Double { ratio(outOfScopeFallback, outOfScope) }
    public var total: Int { inScope + outOfScope }

    private func ratio(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }

    /// Recall per expected intent (top-1).
    public var recallPerIntent: [String: Double] {
        Dictionary(uniqueKeysWithValues: confusion.map { intent, row in
            (intent, Double(row[intent] ?? 0) / Double(max(1, row.values.reduce(0, +))))
        })
    }

    /// Macro-averaged F1 over the expected intents (top-1).
    public var macroF1: Double {
        let labels = Set(confusion.keys)
        guard !labels.isEmpty else { return 0 }
        var predictedTotals: [String: Int] = [:]
        for row in confusion.values { for (predicted, count) in row { predictedTotals[predicted, default: 0] += count } }
        var sum = 0.0
        for label in labels {
            let truePositives = Double(confusion[label]?[label] ?? 0)
            let actual = Double(confusion[label]?.values.reduce(0, +) ?? 0)
            let predicted = Double(predictedTotals[label] ?? 0)
            let precision = predicted == 0 ? 0 : truePositives / predicted
            let recall = actual == 0 ? 0 : truePositives / actual
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        }
        return sum / Double(labels.count)
    }

    /// The most frequent confusions (expected, predicted, count), worst first.
    public func confusedPairs(limit: Int = 10) -> [(expected: String, predicted: String, count: Int)] {
        var pairs: [(String, String, Int)] = []
        for (expected, row) in confusion {
            for (predicted, count) in row where predicted != expected { pairs.append((expected, predicted, count)) }
        }
        return Array(pairs.sorted { ($0.2, $1.0, $1.1) > ($1.2, $0.0, $0.1) }.prefix(limit))
    }

    public func latencyPercentile(_ percentile: Double) -> Double {
        guard !latenciesMicroseconds.isEmpty else { return 0 }
        let sorted = latenciesMicroseconds.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count - 1)).rounded())
        return sorted[min(sorted.count - 1, max(0, rank))]
    }

    public mutating func merge(_ other: EvaluationReport) {
        inScope += other.inScope
        outOfScope += other.outOfScope
        topOneCorrect += other.topOneCorrect
        answeredCorrect += other.answeredCorrect
        answeredWrong += other.answeredWrong
        outOfScopeFallback += other.outOfScopeFallback
        signpostExpected += other.signpostExpected
        signpostShown += other.signpostShown
        decisions.merge(other.decisions, uniquingKeysWith: +)
        for (expected, row) in other.confusion { confusion[expected, default: [:]].merge(row, uniquingKeysWith: +) }
        latenciesMicroseconds += other.latenciesMicroseconds
        misses += other.misses
    }

    /// Runs every case through `index` and `policy`.
    public static func evaluate(index: IntentIndex, cases: [Case], policy: DecisionPolicy, language: ChatLanguage? = nil) -> EvaluationReport {
        var report = EvaluationReport()
        report.latenciesMicroseconds.reserveCapacity(cases.count)
        let clock = ContinuousClock()
        for item in cases {
            var match: IntentMatch?
            let elapsed = clock.measure { match = index.match(item.text, language: language) }
            report.latenciesMicroseconds.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
            // Each question opens a conversation of its own.
            let result = policy.opening(match!)
            let decision = policy.decide(result)
            report.decisions[decision.kind, default: 0] += 1
            if let expected = item.expected {
                report.inScope += 1
                // Read as out of scope: not a top-1 hit, and named so in the confusions.
                let predicted = result.outside.map { "außerhalb:" + $0.intent } ?? result.best?.intent ?? "(keine)"
                report.confusion[expected, default: [:]][predicted, default: 0] += 1
                if predicted == expected { report.topOneCorrect += 1 }
                if case .answer(let answered) = decision {
                    if answered == expected { report.answeredCorrect += 1 } else { report.answeredWrong += 1 }
                }
                if decision != .answer(expected) {
                    report.misses.append((item.text, expected, describe(decision, result)))
                }
            } else {
                report.outOfScope += 1
                if let signpost = item.signpost {
                    report.signpostExpected += 1
                    if decision == .fallback, index.signpostBlock(for: result, policy: policy) == signpost {
                        report.signpostShown += 1
                    }
                }
                if decision == .fallback {
                    report.outOfScopeFallback += 1
                } else {
                    report.misses.append((item.text, nil, describe(decision, result)))
                }
            }
        }
        return report
    }

    /// "fallback (0.24: Abdeckung 0.50, Stärke 0.80, Rückhalt 1.00)": the decision with the
    /// confidence and its factors, for an admin reading the misses.
    private static func describe(_ decision: DecisionPolicy.Decision, _ match: IntentMatch) -> String {
        String(format: "%@ (%.2f: Abdeckung %.2f, Stärke %.2f, Rückhalt %.2f)", "\(decision)", match.confidence, match.coverage, match.strength, match.support)
    }

    /// The language of a data set: the one whose function words ("the", "how"; "der",
    /// "wie") its texts use more (up to 2,000 texts are looked at). German on a tie.
    public static func dominantLanguage(of texts: [String]) -> ChatLanguage {
        let analyzer = Analyzer(language: .german)
        var german = 0, english = 0
        for text in texts.prefix(2_000) {
            for token in analyzer.tokens(text) {
                if Stopwords.contains(token, language: .german) { german += 1 }
                if Stopwords.contains(token, language: .english) { english += 1 }
            }
        }
        return english > german ? .english : .german
    }

    /// k-fold cross-validation over the catalog's examples in `language`: each fold's
    /// examples are matched by an index built from the others. Examples of `outside:` blocks
    /// count as out-of-scope questions.
    public static func crossValidate(catalog: IntentCatalog, folds: Int, policy: DecisionPolicy, language: ChatLanguage = .german) -> EvaluationReport {
        var report = EvaluationReport()
        for fold in 0..<max(2, folds) {
            var training = catalog
            var held: [Case] = []
            training.intents = catalog.intents.map { intent in
                var copy = intent
                var kept: [Intent.Example] = []
                var position = 0
                for example in intent.examples {
                    if example.language == language {
                        if position % folds == fold { held.append(Case(text: example.text, expected: intent.id)) } else { kept.append(example) }
                        position += 1
                    } else {
                        kept.append(example)
                    }
                }
                copy.examples = kept
                return copy
            }
            // Out-of-scope examples are held out the same way: each should get the fallback.
            training.outOfScope = catalog.outOfScope.map { topic in
                var copy = topic
                var position = 0
                copy.examples = topic.examples.filter { example in
                    guard example.language == language else { return true }
                    defer { position += 1 }
                    if position % folds == fold { held.append(Case(text: example.text, expected: nil)); return false }
                    return true
                }
                return copy
            }
            let index = IntentIndex(catalog: training)
            report.merge(evaluate(index: index, cases: held, policy: policy, language: language))
        }
        return report
    }
}
