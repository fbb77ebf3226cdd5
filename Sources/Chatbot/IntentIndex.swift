import Foundation
import Synchronization
import TextAnalysis

/// The in-memory matcher built from a catalog: per language, a text pipeline over the
/// catalog's vocabulary and a linear model over its examples. Built once per load, never
/// changed; a reload builds a new one and swaps it in whole.
///
/// ```swift
/// let index = IntentIndex(catalog: catalog)
/// let match = index.match("Wie melde ich mein Auto an?")
/// match.best?.intent    // "kfz-neuzulassung"
/// ```
public final class IntentIndex: Sendable {
    public let catalog: IntentCatalog
    let languages: [ChatLanguage: LanguageIndex]
    /// The intents marked `social: yes` (greetings, thanks).
    let social: Set<String>
    /// Softmax temperature, relative to the model's reference score: turns margins into
    /// probabilities.
    /// Chosen with `intents test` on held-out and out-of-scope questions (bench/data).
    static let temperature: Float = 0.05
    /// A best score at this share of the reference score counts as full-strength evidence.
    static let fullStrength: Float = 0.4

    /// A class, not a struct: a question takes its index out of `languages`, and a struct's
    /// copy retained each of its dozen arrays and objects (51 reference-count operations a
    /// question, on memory both request threads share).
    final class LanguageIndex: Sendable {
        let pipeline: TextPipeline
        let model: LinearModel
        /// Class ids: intents first, then follow-up topics, then the out-of-scope classes.
        let labels: [String]
        let intentCount: Int
        /// Where the follow-up topics and the out-of-scope classes are in `labels`.
        let topicRange: Range<Int>
        let outsideRange: Range<Int>
        /// Only the follow-up topics: tells which topic a question asks about.
        let topicModel: LinearModel?
        /// `model`'s feature ids -> `topicModel`'s.
        let topicFeatureMap: [Int32]
        let topicLabels: [String]
        /// How much of an in-scope question the vocabulary typically understands (see
        /// `heldOutCoverage`).
        let expectedCoverage: Double
        /// The stems of the social intents' examples (`Intent.social`: "hallo", "tag", "danke"):
        /// set aside at the start of a message that asks something besides.
        let socialStems: Set<String>
        /// For each follow-up topic (by its position in `topicRange`), the positions of the
        /// intents it names as `standalone:`.
        let standaloneMembers: [[Int]]
        /// `model`'s features of each term seen so far.
        let termFeatures = TermFeatureCache()

        init(pipeline: TextPipeline, model: LinearModel, labels: [String], intentCount: Int, topicRange: Range<Int>,
             outsideRange: Range<Int>, topicModel: LinearModel?, topicFeatureMap: [Int32], topicLabels: [String],
             expectedCoverage: Double, socialStems: Set<String>, standaloneMembers: [[Int]]) {
            self.pipeline = pipeline
            self.model = model
            self.labels = labels
            self.intentCount = intentCount
            self.topicRange = topicRange
            self.outsideRange = outsideRange
            self.topicModel = topicModel
            self.topicFeatureMap = topicFeatureMap
            self.topicLabels = topicLabels
            self.expectedCoverage = expectedCoverage
            self.socialStems = socialStems
            self.standaloneMembers = standaloneMembers
        }
    }

    /// A term's features in one model (`LinearModel.termFeatures`), by stem and kind: they
    /// depend on nothing else, and citizens use a small vocabulary. Hashing every character
    /// n-gram of every word and looking it up again for each question cost about 6k of a
    /// distinct question's 180k instructions; with this, only the bigrams are.
    /// Bounded: cleared when full rather than grown. Keyed by the stem's bytes, hashed with
    /// Swift's seeded hasher, so that nobody can make one stem's entry answer for another.
    final class TermFeatureCache: Sendable {
        private struct Key: Hashable {
            var stem: UTF8Key
            var kind: AnalyzedTerm.Kind
        }

        private let entries = Mutex<[Key: [LinearModel.Feature]]>([:])
        static let capacity = 20_000

        func features(of term: AnalyzedTerm, in model: LinearModel, buffer: inout [UInt8]) -> [LinearModel.Feature] {
            let key = Key(stem: UTF8Key(term.stem), kind: term.kind)
            if let known = entries.withLock({ $0[key] }) { return known }
            let features = model.termFeatures(Features.termFeatures(term, buffer: &buffer))
            entries.withLock { entries in
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = features
            }
            return features
        }
    }

    /// The question's features merged over the model's ids: the same as
    /// `model.merged(Features.extract(analyzed))`, in the same order, with each term's own
    /// features from the cache and only the bigrams between terms hashed and looked up.
    static func mergedFeatures(_ analyzed: AnalyzedText, index: LanguageIndex) -> LinearModel.MergedFeatures {
        var buffer: [UInt8] = []
        var perTerm: [[LinearModel.Feature]] = []
        perTerm.reserveCapacity(analyzed.terms.count)
        var count = 0
        for term in analyzed.terms {
            let features = index.termFeatures.features(of: term, in: index.model, buffer: &buffer)
            perTerm.append(features)
            count += features.count + 1
        }
        var merger = LinearModel.Merger(capacity: count)
        var previous: String?
        for (term, features) in zip(analyzed.terms, perTerm) {
            merger.add(features[0])  // the stem, then the bigram, then the n-grams, as in `Features.extract`
            if let key = Features.bigramKey(after: &previous, term) {
                merger.add(LinearModel.Feature(key: key, id: index.model.featureID(of: key) ?? -1, value: Features.bigramWeight))
            }
            for feature in features.dropFirst() { merger.add(feature) }
        }
        return merger.result(rareIDF: index.model.rareIDF)
    }

    /// How much of a question the vocabulary understands when the question is in scope but
    /// new: the mean coverage of the examples, each counting only the words that another
    /// example also uses (a word only it has would be unknown had it been held out). With a
    /// thousand examples most words recur (about 0.9); with thirty, an in-scope question
    /// typically brings more unknown words than known ones, and unknown words say less.
    static func heldOutCoverage(_ examples: [AnalyzedText]) -> Double {
        var frequency: [String: Int] = [:]
        for example in examples {
            for stem in Set(example.terms.lazy.filter(\.isContentWord).map(\.stem)) {
                frequency[stem, default: 0] += 1
            }
        }
        var sum = 0.0, counted = 0
        for example in examples {
            let heldOut = AnalyzedText.perContentWord(example.terms) { term in
                (frequency[term.stem] ?? 0) >= 2 ? term.kind.understood : 0
            }
            guard heldOut.words > 0 else { continue }
            sum += heldOut.mean
            counted += 1
        }
        return counted == 0 ? 1 : max(0.05, sum / Double(counted))
    }

    public init(catalog: IntentCatalog) {
        self.catalog = catalog
        intentsByID = Dictionary(catalog.intents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var rendered: [AnswerKey: RenderedAnswer] = [:]
        var byText: [String: RenderedAnswer] = [:]  // the same text in several places is rendered once
        func render(_ text: String) -> RenderedAnswer {
            if let known = byText[text] { return known }
            let html = AnswerMarkdown.html(text)
            let answer = RenderedAnswer(html: html, json: ChatService.PartJSON(markdown: text, html: html))
            byText[text] = answer
            return answer
        }
        for intent in catalog.intents {
            for language in ChatLanguage.allCases {
                rendered[AnswerKey(intent: intent.id, topic: nil, language: language)] = render(intent.answer(language))
                for topic in intent.subAnswers.keys {
                    if let sub = intent.subAnswer(topic, language) { rendered[AnswerKey(intent: intent.id, topic: topic, language: language)] = render(sub) }
                }
            }
        }
        renderedAnswers = rendered
        var signposts: [AnswerKey: ChatService.Part] = [:]
        for topic in catalog.outOfScope {
            for language in ChatLanguage.allCases {
                guard let text = topic.signpost(language) else { continue }
                let answer = render(text)
                signposts[AnswerKey(intent: topic.id, topic: nil, language: language)] = ChatService.Part(text, html: answer.html, json: answer.json)
            }
        }
        renderedSignposts = signposts
        var languages: [ChatLanguage: LanguageIndex] = [:]
        for language in ChatLanguage.allCases {
            let intents = catalog.intents.filter { intent in intent.examples.contains { $0.language == language } }
            guard !intents.isEmpty else { continue }
            let topics = catalog.followUps.filter { topic in topic.examples.contains { $0.language == language } }
            var corpus: [String] = []
            for intent in intents {
                corpus.append(intent.title(language))
                corpus += intent.examples.filter { $0.language == language }.map(\.text)
                // Not the answers: their general words ("meist", "heute") made out-of-scope
                // questions look understood (measured on the out-of-scope set).
            }
            for topic in topics { corpus += topic.examples.filter { $0.language == language }.map(\.text) }
            // Out-of-scope words are known: "Lottozahlen" splits into "Lotto" and "Zahlen", and a
            // known word that speaks for no intent counts against an answer. But no misspelt
            // word is corrected to one of them.
            let outside = catalog.outOfScope.filter { topic in topic.examples.contains { $0.language == language } }
            let outsideTexts = outside.flatMap { topic in topic.examples.filter { $0.language == language }.map(\.text) }
            let analyzer = Analyzer(language: language)
            let synonyms = catalog.synonyms(for: language)
            let pipeline = TextPipeline(analyzer: analyzer, synonyms: synonyms, corpus: corpus, knownOnly: outsideTexts,
                                        lexicon: Lexicon.system(analyzer.language))

            var examples: [LinearModel.Example] = []
            var topicExamples: [LinearModel.Example] = []
            var analyzedExamples: [AnalyzedText] = []
            var socialStems: Set<String> = []
            for (label, intent) in intents.enumerated() {
                for example in intent.examples where example.language == language {
                    let analyzed = pipeline.analyze(example.text)
                    analyzedExamples.append(analyzed)
                    if intent.social {
                        for term in analyzed.terms where term.isContentWord { socialStems.insert(term.stem) }
                    }
                    examples.append(.init(features: Features.extract(analyzed), label: label))
                }
            }
            for (offset, topic) in topics.enumerated() {
                for example in topic.examples where example.language == language {
                    let features = Features.extract(pipeline.analyze(example.text))
                    examples.append(.init(features: features, label: intents.count + offset))
                    topicExamples.append(.init(features: features, label: offset))
                }
            }
            let outsideStart = intents.count + topics.count
            for (offset, topic) in outside.enumerated() {
                for example in topic.examples where example.language == language {
                    examples.append(.init(features: Features.extract(pipeline.analyze(example.text)), label: outsideStart + offset))
                }
            }
            let model = LinearModel(examples: examples, classCount: outsideStart + outside.count)
            let topicModel = topics.count > 1 ? LinearModel(examples: topicExamples, classCount: topics.count) : nil
            let index = LanguageIndex(pipeline: pipeline, model: model, labels: intents.map(\.id) + topics.map(\.id) + outside.map(\.id),
                                      intentCount: intents.count, topicRange: intents.count..<outsideStart,
                                      outsideRange: outsideStart..<(outsideStart + outside.count), topicModel: topicModel,
                                      topicFeatureMap: topicModel?.featureMap(from: model) ?? [], topicLabels: topics.map(\.id),
                                      expectedCoverage: Self.heldOutCoverage(analyzedExamples), socialStems: socialStems,
                                      standaloneMembers: topics.map { topic in
                                          intents.indices.filter { topic.standalone.contains(intents[$0].id) }
                                      })
            // The examples' terms are what questions mostly consist of: their features are
            // ready before the first question (a few milliseconds for 500 intents).
            var buffer: [UInt8] = []
            for analyzed in analyzedExamples {
                for term in analyzed.terms { _ = index.termFeatures.features(of: term, in: model, buffer: &buffer) }
            }
            languages[language] = index
        }
        self.languages = languages
        social = Set(catalog.intents.lazy.filter(\.social).map(\.id))
    }

    public var intentCount: Int { catalog.intents.count }
    /// Words in the typo-tolerance word list of each language the index has (0: none installed).
    public var lexiconWords: [ChatLanguage: Int] { languages.mapValues { $0.pipeline.lexicon?.count ?? 0 } }
    public var availableLanguages: [ChatLanguage] { ChatLanguage.allCases.filter { languages[$0] != nil } }

    public func intent(_ id: String) -> Intent? { intentsByID[id] }
    private let intentsByID: [String: Intent]
    /// Every answer and sub-answer rendered once at load (rendering per reply was a third of a
    /// chat request's time), keyed by intent, topic and language (no key string built per reply).
    private let renderedAnswers: [AnswerKey: RenderedAnswer]

    /// An answer's HTML, and both texts as JSON string literals, made once at load.
    private struct RenderedAnswer {
        let html: String
        let json: ChatService.PartJSON
    }

    private struct AnswerKey: Hashable {
        var intent: String
        var topic: String?
        var language: ChatLanguage
    }

    /// The signposts of `outside:` blocks, rendered at load like the answers.
    private let renderedSignposts: [AnswerKey: ChatService.Part]

    /// Where to turn instead: the signpost that opens the fallback of a question read as an
    /// `outside:` block that has one, as surely as `policy` asks (`surelyOutside`).
    func signpost(for match: IntentMatch, policy: DecisionPolicy) -> (block: String, part: ChatService.Part)? {
        guard let block = policy.surelyOutside(match),
              let part = renderedSignposts[AnswerKey(intent: block, topic: nil, language: match.language)] else { return nil }
        return (block, part)
    }

    /// The `outside:` block whose signpost opens this question's fallback, if any.
    public func signpostBlock(for match: IntentMatch, policy: DecisionPolicy) -> String? {
        signpost(for: match, policy: policy)?.block
    }

    /// An intent's answer (or sub-answer for `topic`) in `language`, with its pre-rendered HTML.
    func answerPart(_ intent: Intent, topic: String?, _ language: ChatLanguage) -> ChatService.Part {
        let markdown = topic.flatMap { intent.subAnswer($0, language) } ?? intent.answer(language)
        let rendered = renderedAnswers[AnswerKey(intent: intent.id, topic: topic, language: language)]
        return ChatService.Part(markdown, html: rendered?.html, json: rendered?.json)
    }

    /// Matches one question. `language` nil: the language whose vocabulary covers the
    /// question better (German on a tie). Not cached here: the chat keeps whole replies
    /// (`replies`), which is where repeated questions are answered from.
    public func match(_ text: String, language requested: ChatLanguage? = nil) -> IntentMatch {
        if let requested, let index = languages[requested] {
            return answering(index.pipeline.analyze(text), index: index, language: requested)
        }
        guard let german = languages[.german] else {
            guard let (language, index) = languages.first else {
                return IntentMatch(language: requested ?? .german, ranked: [], followUp: nil, topic: nil, coverage: 0, contentWords: 0, strength: 0, support: 0)
            }
            return answering(index.pipeline.analyze(text), index: index, language: language)
        }
        let germanText = german.pipeline.analyze(text)
        // Without a requested language: English only when its vocabulary explains the
        // question clearly better.
        // A question German explains fully (every content word known) is German.
        // So is one with German function words and no English ones ("wo kann ich …").
        let germanFunctionWords = germanText.terms.contains { $0.kind == .stopword }
        let englishFunctionWords = germanText.terms.contains { Stopwords.contains($0.source, language: .english) }
        let clearlyGerman = (germanText.coverage >= 1 && germanText.terms.contains { $0.kind == .stopword || $0.kind == .known })
            || (germanFunctionWords && !englishFunctionWords)
        if !clearlyGerman, let english = languages[.english] {
            let englishText = english.pipeline.analyze(text)
            let (englishWords, germanWords) = (english.pipeline.lexicon, german.pipeline.lexicon)
            if Self.evidence(englishText, lexicon: englishWords, other: germanWords, otherLanguage: .german)
                > Self.evidence(germanText, lexicon: germanWords, other: englishWords, otherLanguage: .english) {
                return answering(englishText, index: english, language: .english)
            }
        }
        return answering(germanText, index: german, language: .german)
    }

    /// `match`, with a greeting or thanks around a question set aside: "Hallo zusammen, wie
    /// lange habt ihr heute offen?" was answered with the greeting, because "hallo" and
    /// "zusammen" are the greeting's strongest words and the question's are shared by many
    /// intents; "hello, when is the waste collection?" fell back, because "hello" spoke
    /// against the waste calendar; "Wie melde ich mein Auto an? Danke!" was asked back
    /// between registration and the thanks. When a message starts or ends with a word of the
    /// social intents (`Intent.social`), it is matched again without the social and function
    /// words at its start and end. If something understood is left, that reading counts when
    /// it is a question the bot is not there for, when the first reading was a social intent,
    /// or when it is the more certain one. A message that is nothing but greeting and thanks
    /// ("Hallo, danke für die Hilfe") stays as it was, and so does one whose other words are
    /// all unknown, if it begins or ends with the greeting or thanks.
    func answering(_ question: AnalyzedText, index: LanguageIndex, language: ChatLanguage) -> IntentMatch {
        let analyzed = Self.resolvingHeads(question, index: index)
        let first = byClause(match(analyzed, index: index, language: language), analyzed, index: index, language: language)
        let terms = analyzed.terms
        guard !index.socialStems.isEmpty,
              let lead = terms.first(where: \.isContentWord), let last = terms.last(where: \.isContentWord),
              index.socialStems.contains(lead.stem) || index.socialStems.contains(last.stem) else { return first }
        func aside(_ term: AnalyzedTerm) -> Bool { !term.isContentWord || index.socialStems.contains(term.stem) }
        // Either some term is kept (start <= its index < end) or none (start == end == endIndex).
        let start = terms.firstIndex { !aside($0) } ?? terms.endIndex
        let end = terms.lastIndex { !aside($0) }.map { $0 + 1 } ?? start
        let rest = AnalyzedText(terms: Array(terms[start..<end]))
        guard rest.contentWords > 0 else { return first }
        // Nothing of the rest understood: a greeting with words the bot does not know ("Hallo
        // Leute", "Na hallo") when the message begins (after interjections) or ends with the
        // social word; otherwise a question that merely has one inside ("Wo kann man hier gut
        // wandern?" got the greeting).
        if rest.coverage == 0 {
            let opening = terms.first { !Stopwords.interjections.contains($0.source) }
            let framed = [opening, terms.last].contains { $0.map { index.socialStems.contains($0.stem) } == true }
            return framed ? first : match(rest, index: index, language: language)
        }
        var question = match(rest, index: index, language: language)
        question.setAside = (terms[..<start] + terms[end...]).filter(\.isContentWord).map(\.source)
        if question.outside != nil { return question }
        guard let answer = question.ranked.first, !social.contains(answer.intent) else { return first }
        if let best = first.ranked.first, social.contains(best.intent) { return question }
        return question.confidence >= first.confidence ? question : first
    }

    /// A question told in several clauses, read by its surest clause when that clause alone
    /// speaks for the question's best intent: the story around it no longer counts as words
    /// not understood. "Ich bin Koreaner und wohne seit drei Monaten hier, kann ich meinen
    /// Führerschein umschreiben lassen?" fell back at 0.27 with the foreign licence first;
    /// its second clause alone answers. Only when the whole question already leans to the intent (a
    /// probability of at least a half), is not a greeting or thanks (a "Hallo," clause alone
    /// is the greeting), and the clause has two content words or more, every known one
    /// speaking for the intent ("Ich will eine Wohnung mieten, hast du Angebote?" is not
    /// housing benefit). Questions already sure enough are left as they are.
    func byClause(_ whole: IntentMatch, _ analyzed: AnalyzedText, index: LanguageIndex, language: ChatLanguage) -> IntentMatch {
        guard analyzed.clauseStarts.count > 1, whole.followUp == nil, whole.outside == nil,
              whole.confidence < Self.clauseReadingBelow, let best = whole.best, best.probability >= 0.5,
              !social.contains(best.intent) else { return whole }
        var chosen = whole
        var chosenClause: AnalyzedText?
        for clause in analyzed.clauses where clause.contentWords >= 2 {
            let reading = match(clause, index: index, language: language)
            if reading.best?.intent == best.intent, reading.outside == nil, reading.followUp == nil, reading.support >= 1,
               reading.confidence > chosen.confidence {
                (chosen, chosenClause) = (reading, clause)
            }
        }
        if let chosenClause {
            let read = Set(chosenClause.terms.map(\.source))
            chosen.otherClauses = analyzed.terms.filter { $0.isContentWord && !read.contains($0.source) }.map(\.source)
        }
        return chosen
    }

    /// Above this confidence a question is not read clause by clause: it answers as it is.
    static let clauseReadingBelow = 0.6

    /// Each unfamiliar compound head (`AnalyzedTerm.Kind.unfamiliarHead`) read as the head when
    /// the examples of one class alone (intent or out-of-scope block) use it, else as unknown:
    /// "Musikschule" was answered with school transport, "Baumfällgenehmigung" with the
    /// building permit, while "Masernimpfung" is rightly a vaccination. (A head one class
    /// alone uses still stands for an unrelated compound: "Fahrplanauskunft" gets data
    /// protection's "Auskunft".)
    static func resolvingHeads(_ analyzed: AnalyzedText, index: LanguageIndex) -> AnalyzedText {
        guard analyzed.terms.contains(where: { $0.kind == .unfamiliarHead }) else { return analyzed }
        let model = index.model
        var resolved = AnalyzedText(terms: analyzed.terms.map { term in
            guard term.kind == .unfamiliarHead else { return term }
            let classes = model.featureID(of: Features.unigramKey(term.stem)).map { feature in
                model.classFrequency(ofFeature: feature, below: index.labels.count)
                    - model.classFrequency(ofFeature: feature, below: index.topicRange.upperBound)
                    + model.classFrequency(ofFeature: feature, below: index.intentCount)
            } ?? 0
            return term.resolvingHead(specific: classes == 1, analyzer: index.pipeline.analyzer)
        })
        resolved.addedBySynonyms = analyzed.addedBySynonyms
        resolved.clauseStarts = analyzed.clauseStarts  // one term for one: the clauses stay where they were
        return resolved
    }

    /// Replies made from this index, for repeated questions (see `ReplyCache`): a reload
    /// starts with an empty one.
    let replies = ReplyCache()

    /// The share of the question's content words the model knows that speak for `owner`
    /// (a positive weight of the word's stem for that class, or for one of the `neutral`
    /// classes: follow-up topic words like "kostet" go with any intent), and the words that
    /// do not. "speeding ticket" answered with school transport because of "ticket" alone:
    /// half the known words disagree. A word in the examples of many classes ("bekomme" in
    /// "Wo bekomme ich die Umweltplakette?") counts when it speaks for the class and is left
    /// out when it does not: it says little against any one class.
    static func support(of owner: Int, in analyzed: AnalyzedText, model: LinearModel,
                        neutral: Range<Int>) -> (share: Double, against: [String]) {
        // Out-of-scope classes (after `neutral`) do not make a word common: "kaufen" in the
        // shopping examples still counts against the animal-welfare answer to "Pferd kaufen".
        let common = max(4, neutral.upperBound / 10)
        // A compound noun's head that does not speak for the class is no word against it: it
        // is a guess at what the unknown word is a kind of, and "Herzprobleme" next to
        // "Behindertenausweis" says nothing against that card. A particle verb's end is
        // another verb: "bringen" in "Kannst du mir Englisch beibringen?" is against.
        func isNounHead(_ term: AnalyzedTerm) -> Bool {
            (term.kind == .compoundHead || term.kind == .unfamiliarHead) && !Vocabulary.isParticleVerb(term.source, head: term.stem)
        }
        // A question has a handful of words: arrays, not sets of strings.
        var known: [String] = [], supporting: [String] = []
        var against: [String] = []
        known.reserveCapacity(analyzed.terms.count)  // one allocation each, not one per doubling
        supporting.reserveCapacity(analyzed.terms.count)
        for term in analyzed.terms where term.isContentWord && term.kind != .unknown {
            guard let feature = model.featureID(of: Features.unigramKey(term.stem)) else { continue }
            if model.weight(ofFeature: feature, forClass: owner) > 0 || model.hasPositiveWeight(ofFeature: feature, forAnyOf: neutral) {
                if !known.contains(term.source) { known.append(term.source) }
                if !supporting.contains(term.source) { supporting.append(term.source) }
            } else if !isNounHead(term), model.classFrequency(ofFeature: feature, below: neutral.upperBound) < common {
                if !known.contains(term.source) { known.append(term.source) }
                against.append(term.stem)
            }
        }
        against.removeAll { stem in analyzed.terms.contains { $0.stem == stem && supporting.contains($0.source) } }
        return (known.isEmpty ? 1 : Double(supporting.count) / Double(known.count), against)
    }

    /// Whether a known content word of the question speaks for `intent` and for no follow-up topic.
    static func hasIntentEvidence(for intent: String, in analyzed: AnalyzedText, index: LanguageIndex) -> Bool {
        guard let owner = index.labels.firstIndex(of: intent) else { return false }
        let topics = index.topicRange
        return analyzed.terms.contains { term in
            guard term.kind != .stopword, term.kind != .other, term.kind != .unknown else { return false }
            guard let feature = index.model.featureID(of: Features.unigramKey(term.stem)),
                  index.model.weight(ofFeature: feature, forClass: owner) > 0 else { return false }
            return !index.model.hasPositiveWeight(ofFeature: feature, forAnyOf: topics)
        }
    }

    /// How well a language's analysis explains a question: its known words, half its function
    /// words and its coverage, less the words its synonyms added (one German "Biotonne" is
    /// three known English words, "organic waste bin", and made "Abfuhrkalender Biotonne" English).
    /// A word the catalog does not use but only this language's lexicon has counts as known:
    /// "Garten" alone was read as English, corrected to "garden", because German did not know
    /// it. (Words both languages have, "die", "hat", "person", say nothing; nor does one the
    /// other language reads as a function word: "nu" is a Greek letter to the English lexicon
    /// and German for "nun", and made "führerschein verlorn was nu" English.)
    private static func evidence(_ analyzed: AnalyzedText, lexicon: Lexicon?, other: Lexicon?,
                                 otherLanguage: Analyzer.Language) -> Double {
        var known = 0, stopwords = 0
        for term in analyzed.terms {
            switch term.kind {
            case .known: known += 1
            case .stopword: stopwords += 1
            case .unknown, .corrected:
                if lexicon?.contains(term.source) == true && other?.contains(term.source) != true
                    && !Stopwords.contains(term.source, language: otherLanguage) {
                    known += 1
                }
            default: break
            }
        }
        return Double(known) + 0.5 * Double(stopwords) + analyzed.coverage - Double(analyzed.addedBySynonyms)
    }

    func match(_ analyzed: AnalyzedText, index: LanguageIndex, language: ChatLanguage) -> IntentMatch {
        let merged = Self.mergedFeatures(analyzed, index: index)
        let vector = index.model.vector(merged)
        var scores = [Float](repeating: 0, count: index.labels.count)
        index.model.scores(vector, into: &scores)
        let reference = index.model.referenceScore
        let probabilities = Self.softmax(scores, temperature: Self.temperature * reference)
        let order = Self.topIndices(probabilities, count: 4)
        var ranked: [IntentMatch.Candidate] = []
        ranked.reserveCapacity(order.count)
        var followUp: IntentMatch.Candidate?
        var followUpPosition = 0
        var outside: IntentMatch.Candidate?
        var topicBehindIntent: Int?
        for (rank, position) in order.prefix(4).enumerated() {
            let candidate = IntentMatch.Candidate(intent: index.labels[position], probability: Double(probabilities[position]),
                                                  score: Double(scores[position] / reference))
            if position < index.intentCount {
                ranked.append(candidate)
            } else if index.outsideRange.contains(position) {
                // Only a question read as out of scope before anything else is declined.
                if rank == 0 { outside = candidate }
            } else if followUp == nil && ranked.isEmpty {
                followUp = candidate
                followUpPosition = position
            } else if topicBehindIntent == nil && outside == nil {
                topicBehindIntent = position
            }
        }
        // A topic's question that an intent of its own `standalone:` outranks is that intent's
        // question ("Termin machen": the appointments intent just ahead of the topic
        // "Termin", which had taken half the word): the topic's probability goes to its
        // standalone intents among the candidates, shared as they weigh.
        if followUp == nil, let topicPosition = topicBehindIntent {
            // The intents among the candidates, in the order of `ranked` (no array: this runs
            // for every question).
            let intentPositions = order.prefix(4).lazy.filter { $0 < index.intentCount }
            let members = index.standaloneMembers[topicPosition - index.topicRange.lowerBound]
            if let best = intentPositions.first, members.contains(best) {
                let mass = members.reduce(Float(0)) { $0 + probabilities[$1] }
                let share = probabilities[topicPosition]
                for (member, position) in intentPositions.enumerated() where members.contains(position) {
                    ranked[member].probability = min(1, ranked[member].probability + Double(share * probabilities[position] / mass))
                }
            }
        }
        // "Was muss ich mitbringen, um einen Roller anzumelden?" names a topic (documents) and
        // an intent: words that speak for the intent and for no topic make it a new question,
        // read among the intents alone, not a follow-up to the last answer.
        // The probability the model gives the intents, without the topics and outside blocks.
        func intentMass() -> Float { (0..<index.intentCount).reduce(Float(0)) { $0 + probabilities[$1] } }
        if followUp != nil, let best = ranked.first,
           Self.hasIntentEvidence(for: best.intent, in: analyzed, index: index) {
            followUp = nil
            let intentMass = intentMass()
            if intentMass > 0 {
                for position in ranked.indices { ranked[position].probability = min(1, ranked[position].probability / Double(intentMass)) }
            }
        }
        var topic: IntentMatch.Candidate?
        if let topicModel = index.topicModel {
            // Only the words a topic knows count: "kostet" in a long question still names costs.
            let topicVector = topicModel.vector(topicModel.merged(fromParent: merged, map: index.topicFeatureMap))
            var topicScores = [Float](repeating: 0, count: index.topicLabels.count)
            topicModel.scores(topicVector, into: &topicScores)
            if let best = topicScores.indices.max(by: { topicScores[$0] < topicScores[$1] }), topicScores[best] > 0 {
                topic = .init(intent: index.topicLabels[best], probability: Double(min(1, topicScores[best])), score: Double(topicScores[best]))
            }
        } else if index.topicLabels.count == 1 {
            topic = followUp
        }
        let best = order.first.map { scores[$0] } ?? 0
        let strength = Double(min(1, max(0, best / (Self.fullStrength * reference))))
        let support = order.first.map {
            Self.support(of: $0, in: analyzed, model: index.model, neutral: index.topicRange)
        } ?? (share: 0, against: [])
        // A follow-up with no earlier answer to refer to may be a new question. Asked first, a
        // topic's question means the intents the topic names as `standalone:` ("Brauche ich
        // einen Termin?": the Kreisverwaltung's appointments), and the question has no word
        // for another intent (that would have made it a new question above): it is read
        // among them, the topic's probability shared as the intents alone weigh them. Read
        // among all intents, "Ich brauche einen Termin" fell back: the topic had taken most
        // of the word "Termin" from the intent, and what was left went to the waste calendar.
        var newQuestion: IntentMatch.NewQuestion?
        if let followUp {
            let positions = index.standaloneMembers[followUpPosition - index.topicRange.lowerBound]
            let mass = positions.reduce(Float(0)) { $0 + probabilities[$1] }
            if mass > 0 {
                let candidates = positions.sorted { probabilities[$0] > probabilities[$1] }.map {
                    IntentMatch.Candidate(intent: index.labels[$0], probability: followUp.probability * Double(probabilities[$0] / mass),
                                          score: Double(scores[$0] / reference))
                }
                // The topic's reading is what the question said: its strength and support.
                newQuestion = .init(ranked: candidates, strength: strength, support: support.share, wordsAgainst: support.against)
            }
        }
        return IntentMatch(language: language, ranked: ranked, followUp: followUp, outside: outside, topic: topic,
                           coverage: analyzed.coverage, expectedCoverage: index.expectedCoverage,
                           contentWords: analyzed.contentWords, strength: strength,
                           support: support.share, wordsAgainst: support.against, analyzed: analyzed, newQuestion: newQuestion)
    }

    /// The indices of the `count` largest values, largest first (a partial selection: the
    /// full sort of hundreds of classes showed up in profiles).
    static func topIndices(_ values: [Float], count: Int) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(count + 1)
        // The value a candidate must beat once `count` are held (the last one held): most
        // values do not, and are passed over with one comparison.
        var bar = -Float.infinity
        for index in values.indices {
            let value = values[index]
            if top.count == count && bar >= value { continue }
            var position = top.count
            while position > 0 && values[top[position - 1]] < value { position -= 1 }
            top.insert(index, at: position)
            if top.count > count { top.removeLast() }
            if top.count == count { bar = values[top[count - 1]] }
        }
        return top
    }

    static func softmax(_ scores: [Float], temperature: Float) -> [Float] {
        guard let maximum = scores.max() else { return [] }
        var exps = scores.map { expf(($0 - maximum) / temperature) }
        let sum = exps.reduce(0, +)
        for index in exps.indices { exps[index] /= sum }
        return exps
    }
}

/// What the matcher made of one question.
public struct IntentMatch: Sendable {
    public struct Candidate: Sendable, Equatable {
        public var intent: String
        public var probability: Double
        /// The model's score relative to its reference score (1: as strong as a typical
        /// training example).
        public var score: Double
    }

    public var language: ChatLanguage
    /// The most likely intents, best first.
    public var ranked: [Candidate]
    /// Set when the question is best read as a follow-up ("Und was kostet das?").
    public var followUp: Candidate?
    /// Set when the question is best read as one the bot is not there for (an `outside:`
    /// class of the catalog ranks first): it gets the fallback.
    public var outside: Candidate? = nil
    /// The follow-up topic the question mentions, if any ("kosten" in "Was kostet ein
    /// Wunschkennzeichen?"), with its strength (0…1).
    public var topic: Candidate?
    /// How much of the question's content the vocabulary understood (0…1).
    public var coverage: Double
    /// How much of an in-scope question the vocabulary typically understands (0…1): what
    /// `coverage` is measured against.
    public var expectedCoverage: Double = 1
    public var contentWords: Int
    /// How strong the best score is compared with what training examples score (0…1).
    public var strength: Double
    /// The share of the known content words that speak for the best intent (0…1).
    public var support: Double = 1
    /// Stems of known words that do not speak for the best intent (for `intents explain`).
    public var wordsAgainst: [String] = []
    /// The analysis the match was made from (for `intents explain`).
    public var analyzed: AnalyzedText? = nil
    /// The greeting and thanks words before and after the question that the match left out
    /// (the function words among them were left out too; see `IntentIndex.answering`). For
    /// `intents explain`.
    public var setAside: [String] = []
    /// The content words of the other clauses, when one clause of the question was read alone
    /// (see `IntentIndex.byClause`). For `intents explain`.
    public var otherClauses: [String] = []

    /// For a question read as a follow-up: the intents alone, their probabilities renormalised,
    /// with the strength and support of the best of them (see `asNewQuestion`).
    public struct NewQuestion: Sendable {
        public var ranked: [Candidate]
        public var strength: Double
        public var support: Double
        public var wordsAgainst: [String]
    }
    public var newQuestion: NewQuestion? = nil

    /// The match for a conversation with no earlier answer: a follow-up there has nothing to
    /// refer to, so the question is read among the intents alone ("Wann habt ihr offen?" is the
    /// opening hours; "Was kostet das?" stays unclear). Unchanged when it was no follow-up.
    public var asNewQuestion: IntentMatch {
        guard followUp != nil, let newQuestion else { return self }
        var match = self
        match.followUp = nil
        match.ranked = newQuestion.ranked
        match.strength = newQuestion.strength
        match.support = newQuestion.support
        match.wordsAgainst = newQuestion.wordsAgainst
        match.newQuestion = nil
        return match
    }

    public var best: Candidate? { ranked.first }

    /// The best intent's probability, discounted by how much of the question was understood
    /// and by how weak the evidence is.
    public var confidence: Double {
        guard let best else { return 0 }
        return best.probability * certainty
    }

    /// The discount applied to probabilities: coverage of the question times strength times
    /// support (known words that speak for another intent are evidence against a confident
    /// answer). Chosen with `intents test` on the question sets in bench/data when it was
    /// made: support squared answered 87% of in-scope questions right, support alone 91%,
    /// with the same wrong answers and 94% against 93% out-of-scope recall.
    public var certainty: Double {
        (contentWords == 0 ? 0.5 : understood) * strength * support
    }

    /// Coverage on the scale the thresholds were chosen on: the shipped catalog, where a new
    /// in-scope question's words are typically 84 % known. A catalog with a smaller
    /// vocabulary (thirty examples instead of a thousand) counts a question's unknown words
    /// for correspondingly less; one with a larger vocabulary, for more.
    var understood: Double {
        min(1, coverage * Self.referenceCoverage / max(0.05, expectedCoverage))
    }

    /// `IntentIndex.heldOutCoverage` of the shipped German catalog when the thresholds were chosen.
    static let referenceCoverage = 0.84
}
