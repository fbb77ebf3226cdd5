import TextAnalysis

/// The languages the chatbot answers in. German is the default and the fallback.
public typealias ChatLanguage = Analyzer.Language

/// One thing citizens ask about, with the examples that teach the matcher and the answer.
public struct Intent: Sendable, Equatable, Identifiable {
    public struct Example: Sendable, Equatable {
        public var text: String
        public var language: ChatLanguage
        public var file: String
        public var line: Int

        public init(text: String, language: ChatLanguage, file: String, line: Int) {
            self.text = text
            self.language = language
            self.file = file
            self.line = line
        }
    }

    public var id: String
    public var titles: [ChatLanguage: String]
    public var examples: [Example]
    /// The main answer (Markdown subset, installation facts filled in), per language.
    public var answers: [ChatLanguage: String]
    /// Follow-up topic id ("kosten") -> answer per language.
    public var subAnswers: [String: [ChatLanguage: String]]
    public var related: [String]
    /// A greeting or thanks (`social: yes`): answered when a message is nothing else. Before
    /// or after a question ("Hallo zusammen, wie lange habt ihr heute offen?", "… Danke!") its
    /// words are set aside and the question is answered.
    public var social: Bool
    public var file: String
    public var line: Int

    public init(id: String, titles: [ChatLanguage: String], examples: [Example], answers: [ChatLanguage: String],
                subAnswers: [String: [ChatLanguage: String]] = [:], related: [String] = [], social: Bool = false,
                file: String, line: Int) {
        self.id = id
        self.titles = titles
        self.examples = examples
        self.answers = answers
        self.subAnswers = subAnswers
        self.related = related
        self.social = social
        self.file = file
        self.line = line
    }

    public func title(_ language: ChatLanguage) -> String { titles[language] ?? titles[.german] ?? id }
    public func answer(_ language: ChatLanguage) -> String { answers[language] ?? answers[.german] ?? "" }
    public func subAnswer(_ topic: String, _ language: ChatLanguage) -> String? {
        guard let answers = subAnswers[topic] else { return nil }
        return answers[language] ?? answers[.german]
    }
}

/// A named set of example questions with no answer of its own, read from the intent files
/// like an intent: a follow-up topic or questions the bot is not there for.
public struct ExampleTopic: Sendable, Equatable, Identifiable {
    public var id: String
    public var titles: [ChatLanguage: String]
    public var examples: [Intent.Example]
    /// Where to turn instead (`signpost:` of an `outside:` block, per language): "Steuerfragen
    /// beantwortet Ihr Finanzamt …" opens the fallback in place of the bot's usual "no reliable
    /// answer". Empty for follow-up topics and for blocks without one.
    public var signposts: [ChatLanguage: String]
    /// The intents that may answer a follow-up topic's question when it opens a conversation,
    /// with no earlier answer to refer to (`standalone:`): "Wo kann ich einen Termin buchen?"
    /// is the appointment answer there; "Was kostet das?" (no such intents) asks which topic
    /// is meant. Empty for `outside:` blocks.
    public var standalone: [String]
    public var file: String
    public var line: Int

    public init(id: String, titles: [ChatLanguage: String], examples: [Intent.Example],
                signposts: [ChatLanguage: String] = [:], standalone: [String] = [], file: String, line: Int) {
        self.id = id
        self.titles = titles
        self.examples = examples
        self.signposts = signposts
        self.standalone = standalone
        self.file = file
        self.line = line
    }

    public func signpost(_ language: ChatLanguage) -> String? { signposts[language] ?? signposts[.german] }

    public func title(_ language: ChatLanguage) -> String { titles[language] ?? titles[.german] ?? id }
}

/// A kind of follow-up question ("Und was kostet das?") that refers to the topic of the
/// previous answer (`followup:`). Intents answer it in their sub-answer of the same id.
public typealias FollowUpTopic = ExampleTopic

/// Questions the bot is not there for (`outside:`: the weather, football results, what car
/// to buy), curated by the admins like intents: a question read as one of these gets the
/// fallback instead of the nearest intent's answer. The model learns them as classes of their
/// own, so their words count against the intents that share them.
public typealias OutOfScopeTopic = ExampleTopic
