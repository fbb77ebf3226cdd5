/// Turns a match into what the bot does: answer when confident, ask back when the top two
/// are close, fall back when nothing fits. The thresholds come from the configuration;
/// `intents test` reports the rates they produce.
public struct DecisionPolicy: Sendable, Equatable {
    /// Minimum confidence to answer.
    public var answerThreshold: Double
    /// Minimum combined confidence of the top two to ask back between them.
    public var clarifyThreshold: Double
    /// Ask back when the second candidate's score reaches this share of the first's.
    public var clarifyRatio: Double

    /// Answers below this confidence are listed for the admins to review (with the question).
    public var reviewBelow: Double { answerThreshold + 0.15 }

    public init(answerThreshold: Double = 0.4, clarifyThreshold: Double = 0.35, clarifyRatio: Double = 0.6) {
        self.answerThreshold = answerThreshold
        self.clarifyThreshold = clarifyThreshold
        self.clarifyRatio = clarifyRatio
    }

    public enum Decision: Sendable, Equatable {
        case answer(String)
        case clarify(String, String)
        case fallback

        public var kind: String {
            switch self {
            case .answer: "answer"
            case .clarify: "clarify"
            case .fallback: "fallback"
            }
        }
    }

    public func decide(_ match: IntentMatch) -> Decision {
        guard let best = match.best, match.contentWords > 0, match.outside == nil else { return .fallback }
        let factor = match.certainty
        let first = best.probability * factor
        if match.ranked.count > 1 {
            let runnerUp = match.ranked[1]
            // Close in score, and the model itself gives the runner-up a real chance.
            let close = best.score > 0 && runnerUp.score >= best.score * clarifyRatio && runnerUp.probability >= 0.1
            if close && (first + runnerUp.probability * factor) >= clarifyThreshold {
                return .clarify(best.intent, runnerUp.intent)
            }
        }
        return first >= answerThreshold ? .answer(best.intent) : .fallback
    }

    /// How a question that opens a conversation is read: a follow-up there has nothing to
    /// refer to, so it is a new question when the intents alone answer it or ask back about it
    /// (`IntentMatch.asNewQuestion`: "Wann habt ihr offen?", "Brauche ich einen Termin?");
    /// otherwise it stays a follow-up, and the bot asks which topic is meant ("Was kostet das?").
    public func opening(_ match: IntentMatch) -> IntentMatch {
        guard match.followUp != nil else { return match }
        let alone = match.asNewQuestion
        return decide(alone) == .fallback ? match : alone
    }

    /// Whether a fallback offers the best candidates as suggestions: when the question was at
    /// least partly understood, or when its best reading reaches half the answer threshold
    /// although the words around it were unknown ("Wir sind jetzt zu fünft und die Tonne
    /// quillt immer über": the bin at 0.99, but two of three content words unknown).
    public func suggestsCandidates(_ match: IntentMatch) -> Bool {
        match.coverage >= 0.67 || match.confidence >= answerThreshold / 2
    }

    /// The `outside:` block a question is read as, when as surely as asking back would need
    /// (a signpost is a pointer, like a clarifying question, and the reply stays a fallback):
    /// the block's signpost, if it has one, opens the fallback ("Steuerfragen beantwortet Ihr
    /// Finanzamt …"). Nil for every other question.
    public func surelyOutside(_ match: IntentMatch) -> String? {
        guard let outside = match.outside, match.contentWords > 0, outside.probability * match.certainty >= clarifyThreshold else { return nil }
        return outside.intent
    }
}
