import Foundation
import HTTPServer
import Logging
import Synchronization
import TextAnalysis

/// A citizen's message to the bot (`POST /api/chat`).
public struct ChatRequest: Sendable, Decodable {
    public var message: String
    public var session: String?
    public var language: String?
    /// The intent of an option the citizen picked after a clarify question.
    public var choice: String?

    /// The JSON keys of a chat request.
    static let fieldNames = ["message", "session", "language", "choice"]

    public init(message: String, session: String? = nil, language: String? = nil, choice: String? = nil) {
        self.message = message
        self.session = session
        self.language = language
        self.choice = choice
    }
}

/// The bot's reply.
public struct ChatReply: Sendable, Equatable {
    public struct Option: Sendable, Codable, Equatable {
        public var intent: String
        public var title: String
    }

    /// answer | clarify | fallback
    public var kind: String { didSet { encodedFields = nil } }
    public var intent: String? { didSet { encodedFields = nil } }
    public var confidence: Double { didSet { encodedFields = nil } }
    public var answer: String { didSet { prepared = nil; encodedFields = nil } }
    public var html: String { didSet { prepared = nil; encodedFields = nil } }
    public var options: [Option] { didSet { encodedFields = nil } }
    public var suggestions: [Option] { didSet { encodedFields = nil } }
    public var articles: [KnowledgeArticle] { didSet { encodedFields = nil } }
    public var session: String
    /// Identifies this reply for feedback.
    public var id: String
    public var language: String { didSet { encodedFields = nil } }
    /// `answer` and `html` as JSON, when they are a catalog answer escaped at load (dropped
    /// when either is changed).
    var prepared: ChatService.PartJSON?
    /// `fieldsJSON()`, kept with a reply that is answered again from the reply cache
    /// (dropped when a field in it is changed).
    var encodedFields: [UInt8]?
    /// The `outside:` block whose signpost opens this fallback, for the analytics (not sent).
    var signpost: String?

    public init(kind: String, intent: String?, confidence: Double, answer: String, html: String, options: [Option],
                suggestions: [Option], articles: [KnowledgeArticle], session: String, id: String, language: String) {
        self.kind = kind
        self.intent = intent
        self.confidence = confidence
        self.answer = answer
        self.html = html
        self.options = options
        self.suggestions = suggestions
        self.articles = articles
        self.session = session
        self.id = id
        self.language = language
    }

    /// Equal when every public field is (whether texts were escaped ahead does not count).
    public static func == (lhs: ChatReply, rhs: ChatReply) -> Bool {
        lhs.kind == rhs.kind && lhs.intent == rhs.intent && lhs.confidence == rhs.confidence && lhs.answer == rhs.answer
            && lhs.html == rhs.html && lhs.options == rhs.options && lhs.suggestions == rhs.suggestions
            && lhs.articles == rhs.articles && lhs.session == rhs.session && lhs.id == rhs.id && lhs.language == rhs.language
    }

    /// The reply as JSON, written by hand (Foundation's encoder was a tenth of a request):
    /// the fields that depend on the question, then the conversation's and the reply's ids.
    public var jsonData: Data {
        var json = encodedFields.map { JSONWriter(continuing: $0, reserving: 96) } ?? fieldsWriter(reserving: 96)
        json.raw(",\"session\":"); json.string(session)
        json.raw(",\"id\":"); json.string(id)
        json.raw("}")
        return json.data
    }

    /// Everything in the JSON but the session and the id, without the closing brace.
    func fieldsJSON() -> [UInt8] {
        fieldsWriter(reserving: 0).bytes
    }

    private func fieldsWriter(reserving extra: Int) -> JSONWriter {
        // Room for the texts as they go out (escaped: a newline takes two bytes), so that the
        // buffer is not grown and copied halfway.
        let texts = prepared.map { $0.markdown.bytes.count + $0.html.bytes.count } ?? (answer.utf8.count + html.utf8.count) * 9 / 8
        var json = JSONWriter(capacity: 448 + texts + extra)
        json.raw("{\"kind\":"); json.string(kind)
        json.raw(",\"intent\":"); json.optionalString(intent)
        json.raw(",\"confidence\":"); json.number(confidence, decimals: 3)
        if let prepared {
            json.raw(",\"answer\":"); json.literal(prepared.markdown)
            json.raw(",\"html\":"); json.literal(prepared.html)
        } else {
            json.raw(",\"answer\":"); json.string(answer)
            json.raw(",\"html\":"); json.string(html)
        }
        for (key, list) in [("options", options), ("suggestions", suggestions)] {
            json.raw(","); json.string(key); json.raw(":[")
            for (position, option) in list.enumerated() {
                if position > 0 { json.raw(",") }
                json.raw("{\"intent\":"); json.string(option.intent); json.raw(",\"title\":"); json.string(option.title); json.raw("}")
            }
            json.raw("]")
        }
        json.raw(",\"articles\":[")
        for (position, article) in articles.enumerated() {
            if position > 0 { json.raw(",") }
            json.raw("{\"title\":"); json.string(article.title); json.raw(",\"url\":"); json.string(article.url); json.raw("}")
        }
        json.raw("],\"language\":"); json.string(language)
        return json
    }
}

/// Replies that depend only on the intent index they were made from, the message, the
/// requested language and the conversation's last intent, with their JSON fields: citizens
/// ask the same questions again and again ("Sperrmüll", "Öffnungszeiten"), and such a reply
/// is the same every time but for its ids. One per index (a reload starts afresh); bounded,
/// cleared when full. Keyed by the bytes (`UTF8Key` says why) of the message with personal
/// data stripped, which is all such a reply depends on: no name or address stays in memory.
/// A reply is kept from its question's second time on (the first leaves only a hash), so
/// that questions asked once neither cost an entry nor push out the ones asked again.
final class ReplyCache: Sendable {
    struct Key: Hashable, Sendable {
        var message: UTF8Key
        var language: ChatLanguage?
        var previous: String?
    }

    struct Entry: Sendable {
        var reply: ChatReply
        /// What analytics record (answer, clarify, fallback).
        var kind: String
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        /// Hashes of keys asked once (seeded per process, so not predictable from outside;
        /// a collision only admits a reply early).
        var seen: Set<Int> = []
    }

    private let state = Mutex(State())
    static let capacity = 4_096

    func entry(_ key: Key) -> Entry? {
        state.withLock { $0.entries[key] }
    }

    /// Keeps `entry` when `key` was asked before. The entry is made only then: a question
    /// asked once (most of them) costs no copy of its reply.
    func store(_ entry: @autoclosure () -> Entry, for key: Key) {
        let hash = key.hashValue
        state.withLock { state in
            if state.seen.count >= 4 * Self.capacity { state.seen.removeAll(keepingCapacity: true) }
            guard !state.seen.insert(hash).inserted else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = entry()
        }
    }
}

/// Bad input to the chat API, with a message for the citizen.
public struct ChatInputError: Error, Sendable, Equatable {
    public var code: String
    public var message: String
}

/// The dialogue: decides between answer, clarify and fallback, resolves follow-ups against the
/// conversation's last topic, and records what happened for the admins.
public final class ChatService: Sendable {
    public static let maximumMessageLength = 500

    public let library: IntentLibrary
    public let policy: DecisionPolicy
    let facts: InstallationFacts
    let conversations: Conversations
    let knowledge: (any KnowledgeSearch)?
    let analytics: ChatAnalytics?
    /// The bot's own fixed paragraphs per language, rendered once.
    private let fixed: [ChatLanguage: FixedParts]
    /// Paragraphs composed per reply from titles (a clarifying question, a topic's heading)
    /// rendered once each: a finite set, but rendering them on every reply was a tenth of a
    /// distinct question's time. Keyed by bytes (String keys hash through Unicode
    /// normalisation); cleared when full.
    private let composedHTML = Mutex<[UTF8Key: String]>([:])
    static let composedHTMLCapacity = 4_096

    private struct FixedParts {
        var noAnswer: Part
        var contact: Part
        var contactBlock: Part?
        /// The usual fallback (no answer, the contact, no articles) composed at start, with
        /// its JSON: escaping its kilobyte on every reply was a tenth of an unanswered question.
        var usualFallback: Part

        init(noAnswer: Part, contact: Part, contactBlock: Part?) {
            self.noAnswer = noAnswer
            self.contact = contact
            self.contactBlock = contactBlock
            let parts = [noAnswer, contact] + (contactBlock.map { [$0] } ?? [])
            let markdown = ChatService.joined(parts.map(\.markdown))
            let html = parts.map { $0.html ?? AnswerMarkdown.html($0.markdown) }.joined()
            usualFallback = Part(markdown, html: html, json: PartJSON(markdown: markdown, html: html))
        }
    }

    /// A paragraph of a reply: its Markdown and, when known in advance, its HTML.
    struct Part {
        var markdown: String
        var html: String?
        /// Both texts as JSON string literals, when prepared at load (catalog answers).
        var json: PartJSON?

        init(_ markdown: String, html: String? = nil, json: PartJSON? = nil) {
            self.markdown = markdown
            self.html = html
            self.json = json
        }
    }

    /// A text and its HTML as JSON string literals, escaped once.
    struct PartJSON: Sendable, Equatable {
        let markdown: JSONLiteral
        let html: JSONLiteral

        init(markdown: String, html: String) {
            self.markdown = JSONLiteral(markdown)
            self.html = JSONLiteral(html)
        }
    }

    public init(library: IntentLibrary, policy: DecisionPolicy, facts: InstallationFacts, conversationTTL: Duration,
                knowledge: (any KnowledgeSearch)? = nil, analytics: ChatAnalytics? = nil) {
        self.library = library
        self.policy = policy
        self.facts = facts
        self.conversations = Conversations(timeToLive: conversationTTL)
        self.knowledge = knowledge
        self.analytics = analytics
        var fixed: [ChatLanguage: FixedParts] = [:]
        let block = facts["contact.block"].flatMap { $0.isEmpty ? nil : Part($0, html: AnswerMarkdown.html($0)) }
        for language in ChatLanguage.allCases {
            let texts = Texts(language)
            fixed[language] = FixedParts(noAnswer: Part(texts.noAnswer, html: AnswerMarkdown.html(texts.noAnswer)),
                                         contact: Part(texts.contact, html: AnswerMarkdown.html(texts.contact)), contactBlock: block)
        }
        self.fixed = fixed
    }

    /// Markdown paragraphs joined, and their HTML (pre-rendered where known; blank-line
    /// separated paragraphs render independently, so the HTML parts can be concatenated).
    /// Looking answers up by their text cost a Unicode-normalising hash of the whole answer.
    private func compose(_ parts: [Part]) -> (markdown: String, html: String, json: PartJSON?) {
        if parts.count == 1 { return (parts[0].markdown, parts[0].html ?? html(parts[0].markdown), parts[0].html == nil ? nil : parts[0].json) }
        return (Self.joined(parts.map(\.markdown)), parts.map { $0.html ?? html($0.markdown) }.joined(), nil)
    }

    /// Markdown paragraphs as one text.
    private static func joined(_ paragraphs: [String]) -> String {
        paragraphs.joined(separator: "\n\n")
    }

    /// `AnswerMarkdown.html` of a composed paragraph, remembered.
    private func html(_ markdown: String) -> String {
        let key = UTF8Key(markdown)
        if let known = composedHTML.withLock({ $0[key] }) { return known }
        let rendered = AnswerMarkdown.html(markdown)
        composedHTML.withLock { cache in
            if cache.count >= Self.composedHTMLCapacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = rendered
        }
        return rendered
    }

    public func reply(to request: ChatRequest) throws -> ChatReply {
        // The message as sent is measured in Unicode code points, as the API's JSON Schema
        // (maxLength) counts; they are only counted when the bytes could exceed the limit.
        guard request.message.utf8.count <= Self.maximumMessageLength || request.message.unicodeScalars.count <= Self.maximumMessageLength else {
            throw ChatInputError(code: "message_too_long", message: "Die Nachricht ist zu lang (höchstens \(Self.maximumMessageLength) Zeichen).")
        }
        let message = Self.trimmed(request.message)
        guard !message.isEmpty else { throw ChatInputError(code: "empty_message", message: "Bitte geben Sie eine Frage ein.") }
        var requestedLanguage: ChatLanguage?
        if let language = request.language, !language.isEmpty {
            guard let known = ChatLanguage(rawValue: language) else {
                throw ChatInputError(code: "invalid_language", message: "Unbekannte Sprache \"\(language.prefix(10))\" (möglich: de, en).")
            }
            requestedLanguage = known
        }
        let session: String
        let sessionKey: Conversations.Key
        var previous: String?
        if let given = request.session, !given.isEmpty {
            guard Conversations.isValidIdentifier(given) else {
                throw ChatInputError(code: "invalid_session", message: "Ungültige Sitzungskennung.")
            }
            session = given
            sessionKey = Conversations.Key(given)
            previous = conversations.state(sessionKey)?.lastIntent
        } else {
            (session, sessionKey) = Conversations.newID()  // new: nothing to look up
        }
        let index = library.index
        let (replyID, replyKey) = Conversations.newID()

        var reply: ChatReply
        var recordedKind: String
        // A chosen option answers its intent; one that no longer exists (the intents were
        // reloaded since it was offered) is ignored, and the message is matched as usual.
        if let choice = request.choice, let intent = index.intent(choice) {
            // The option's title came in the conversation's language.
            let language = requestedLanguage ?? index.match(message).language
            reply = answer(intent, parts: [index.answerPart(intent, topic: nil, language)], confidence: 1, language: language, index: index)
            recordedKind = "choice"
        } else {
            // Matched, and kept, without personal data: a name or an e-mail address says
            // nothing about what the citizen asks.
            let stripped = PersonalDataScrubber.strip(message)
            let key = ReplyCache.Key(message: UTF8Key(stripped), language: requestedLanguage, previous: previous)
            if let cached = index.replies.entry(key) {
                (reply, recordedKind) = (cached.reply, cached.kind)
            } else {
                let match = index.match(stripped, language: requestedLanguage)
                (reply, recordedKind) = respond(to: match, message: message, previous: previous, index: index)
                // A fallback may list wiki articles, which change: made afresh each time.
                if recordedKind != "fallback" || knowledge == nil {
                    reply.encodedFields = reply.fieldsJSON()  // for the reply now, and for the cache
                    index.replies.store(.init(reply: reply, kind: recordedKind), for: key)
                }
            }
        }
        reply.session = session
        reply.id = replyID
        conversations.update(sessionKey, lastIntent: reply.kind == "answer" ? reply.intent : nil, known: request.session?.isEmpty == false,
                             answer: (replyKey, .init(intent: reply.intent, at: .now)))
        analytics?.record(ChatAnalytics.Event(answerId: replyID, at: Date(), language: reply.language, question: message,
                                              kind: recordedKind, intent: reply.intent ?? reply.signpost.map(ChatAnalytics.signpostKey),
                                              confidence: reply.confidence))
        return reply
    }

    static func trimmed(_ text: String) -> String {
        // Most messages need no trimming: decided on the bytes at both ends when they are
        // visible ASCII (such a byte is a Character of its own: no grapheme cluster joins an
        // ASCII letter or sign to what comes before), else on the Characters at both ends.
        // Neither walks the whole text; taking a Character was half of this path.
        if let head = text.utf8.first, let tail = text.utf8.last, Self.isVisibleASCII(head), Self.isVisibleASCII(tail) { return text }
        if let head = text.first, let tail = text.last, !head.isWhitespace, !tail.isWhitespace { return text }
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return String(text[first...last])
    }

    private static func isVisibleASCII(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }

    /// Stores feedback for a reply given earlier in the conversation window.
    public func feedback(replyID: String, helpful: Bool, comment: String?) throws {
        guard Conversations.isValidIdentifier(replyID), let given = conversations.answer(replyID) else {
            throw ChatInputError(code: "unknown_reply", message: "Zu dieser Antwort kann keine Rückmeldung mehr gegeben werden.")
        }
        if let comment, comment.unicodeScalars.count > 1000 {
            throw ChatInputError(code: "comment_too_long", message: "Der Kommentar ist zu lang (höchstens 1000 Zeichen).")
        }
        do {
            try analytics?.recordFeedback(answerId: replyID, intent: given.intent, helpful: helpful, comment: comment)
        } catch {
            throw ChatInputError(code: "unavailable", message: "Die Rückmeldung konnte gerade nicht gespeichert werden.")
        }
    }

    private func respond(to read: IntentMatch, message: String, previous: String?, index: IntentIndex) -> (ChatReply, String) {
        let lastAnswer = previous.flatMap(index.intent)
        let match = lastAnswer == nil ? policy.opening(read) : read
        let language = match.language
        let texts = Texts(language)

        // A follow-up ("Und was kostet das?") refers to the last answer's topic.
        if let followUp = match.followUp, followUp.probability * match.certainty >= policy.clarifyThreshold {
            let topicTitle = index.catalog.followUps.first { $0.id == followUp.intent }?.title(language) ?? followUp.intent
            guard let intent = lastAnswer else {
                let reply = fallback(Part(texts.whichTopic(topicTitle)), match: match, message: message, language: language, index: index, searchArticles: false)
                return (reply, "fallback")
            }
            let confidence = followUp.probability * match.certainty
            if intent.subAnswer(followUp.intent, language) != nil {
                let parts = [Part("**\(intent.title(language)): \(topicTitle)**"), index.answerPart(intent, topic: followUp.intent, language)]
                return (answer(intent, parts: parts, confidence: confidence, language: language, index: index), "answer")
            }
            let parts = [Part(texts.noSubAnswer(topicTitle, intent.title(language))), index.answerPart(intent, topic: nil, language)]
            return (answer(intent, parts: parts, confidence: confidence, language: language, index: index), "answer")
        }

        switch policy.decide(match) {
        case .answer(let id):
            guard let intent = index.intent(id) else { break }
            // "Was kostet ein Wunschkennzeichen?": the topic's sub-answer, when the question names it.
            if let topic = match.topic, topic.probability >= 0.5, intent.subAnswer(topic.intent, language) != nil {
                let topicTitle = index.catalog.followUps.first { $0.id == topic.intent }?.title(language) ?? topic.intent
                let parts = [Part("**\(intent.title(language)): \(topicTitle)**"), index.answerPart(intent, topic: topic.intent, language)]
                return (answer(intent, parts: parts, confidence: match.confidence, language: language, index: index), "answer")
            }
            return (answer(intent, parts: [index.answerPart(intent, topic: nil, language)], confidence: match.confidence, language: language, index: index), "answer")
        case .clarify(let first, let second):
            guard let a = index.intent(first), let b = index.intent(second) else { break }
            let text = texts.clarify(a.title(language), b.title(language))
            let reply = ChatReply(kind: "clarify", intent: nil, confidence: match.confidence, answer: text, html: html(text),
                                  options: [option(a, language), option(b, language)], suggestions: [], articles: [],
                                  session: "", id: "", language: language.rawValue)
            return (reply, "clarify")
        case .fallback:
            // A question for another authority ("Wo gebe ich meine Steuererklärung ab?"): when
            // it is read surely enough as an `outside:` block with a signpost, the fallback
            // opens with where to turn instead.
            if let signpost = index.signpost(for: match, policy: policy) {
                var reply = fallback(signpost.part, match: match, message: message, language: language, index: index, searchArticles: true)
                reply.signpost = signpost.block
                return (reply, "fallback")
            }
        }
        return (fallback(nil, match: match, message: message, language: language, index: index, searchArticles: true), "fallback")
    }

    private func option(_ intent: Intent, _ language: ChatLanguage) -> ChatReply.Option {
        .init(intent: intent.id, title: intent.title(language))
    }

    private func answer(_ intent: Intent, parts: [Part], confidence: Double, language: ChatLanguage, index: IntentIndex) -> ChatReply {
        let related = intent.related.compactMap(index.intent).prefix(3).map { option($0, language) }
        let (text, html, json) = compose(parts)
        var reply = ChatReply(kind: "answer", intent: intent.id, confidence: confidence, answer: text, html: html,
                              options: [], suggestions: Array(related), articles: [], session: "", id: "", language: language.rawValue)
        reply.prepared = json
        return reply
    }

    /// `opening` nil: the bot's usual "no reliable answer".
    private func fallback(_ opening: Part?, match: IntentMatch, message: String, language: ChatLanguage, index: IntentIndex,
                          searchArticles: Bool) -> ChatReply {
        let texts = Texts(language)
        let fixedParts = fixed[language]!
        var articles: [KnowledgeArticle] = []
        if searchArticles, let knowledge, match.contentWords > 0 {
            articles = knowledge.searchPublicArticles(message, limit: 3)
        }
        let composed: (markdown: String, html: String, json: PartJSON?)
        if opening == nil && articles.isEmpty {
            let usual = fixedParts.usualFallback
            composed = (usual.markdown, usual.html!, usual.json)
        } else {
            var parts = [opening ?? fixedParts.noAnswer]
            if !articles.isEmpty {
                parts.append(Part(texts.articlesIntro + "\n" + articles.map { "- [\($0.title)](\($0.url))" }.joined(separator: "\n")))
            }
            parts.append(fixedParts.contact)
            if let block = fixedParts.contactBlock { parts.append(block) }
            composed = compose(parts)
        }
        // Candidates that were not good enough to answer, offered as suggestions.
        var suggestions: [ChatReply.Option] = []
        if policy.suggestsCandidates(match) {
            suggestions = match.ranked.prefix(3).filter { $0.probability >= 0.25 }.compactMap { index.intent($0.intent) }.map { option($0, language) }
        }
        if let human = index.intent("mitarbeiter"), !suggestions.contains(where: { $0.intent == human.id }) {
            suggestions.append(option(human, language))
        }
        var reply = ChatReply(kind: "fallback", intent: nil, confidence: match.confidence, answer: composed.markdown, html: composed.html,
                              options: [], suggestions: suggestions, articles: articles, session: "", id: "", language: language.rawValue)
        reply.prepared = composed.json
        return reply
    }

    /// The bot's own sentences, German and English.
    struct Texts {
        let language: ChatLanguage
        init(_ language: ChatLanguage) { self.language = language }

        var noAnswer: String {
            language == .english
                ? "Sorry, I have no reliable answer to that. I can only answer questions about the services of this district administration."
                : "Dazu habe ich leider keine sichere Antwort. Ich kenne mich mit den Dienstleistungen der Kreisverwaltung aus."
        }
        var articlesIntro: String {
            language == .english ? "These articles might help:" : "Vielleicht helfen Ihnen diese Artikel weiter:"
        }
        var contact: String {
            language == .english
                ? "You can also talk to a person at our citizens' service:"
                : "Gern hilft Ihnen auch ein Mensch weiter. Unser Bürgerservice:"
        }
        func clarify(_ first: String, _ second: String) -> String {
            language == .english ? "Did you mean “\(first)” or “\(second)”?" : "Meinten Sie „\(first)“ oder „\(second)“?"
        }
        func whichTopic(_ topic: String) -> String {
            language == .english
                ? "What is your question about (\(topic))? Please name the topic, for example “register a car”."
                : "Worauf bezieht sich Ihre Frage (\(topic))? Nennen Sie mir bitte das Thema, zum Beispiel „Auto anmelden“."
        }
        func noSubAnswer(_ topic: String, _ intent: String) -> String {
            language == .english
                ? "I have no separate information on \(topic) for “\(intent)”. Here is the main answer again:"
                : "Zu „\(intent)“ habe ich keine eigene Auskunft zum Thema \(topic). Hier noch einmal das Wichtigste:"
        }
    }
}
