@testable import Chatbot
import Foundation
import GRDB
import HTTPServer
import HTTPServerTesting
import HTTPTypes
import Logging
import Storage
import Testing
import TextAnalysis
import WebUI

/// The chatbot with a real SQLite database and intents in a temporary directory.
final class ChatFixture: @unchecked Sendable {
    let intents: IntentsFixture
    let database: AppDatabase
    let library: IntentLibrary
    let analytics: ChatAnalytics
    let service: ChatService
    let databaseDirectory: URL

    init(conversationTTL: Duration = .seconds(600), textsPerMinute: Int = 60) throws {
        intents = try IntentsFixture()
        databaseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-chat-\(UUID().uuidString)")
        database = try AppDatabase.open(at: databaseDirectory.appendingPathComponent("k.sqlite").path,
                                        migrations: MigrationRegistry(ChatAnalytics.migrations))
        library = IntentLibrary(directory: intents.directory, facts: IntentsFixture.facts, logger: Logger(label: "test"))
        #expect(library.reload() == nil)
        analytics = ChatAnalytics(database: database, retentionDays: 90, reviewBelow: 0.65, textsPerMinute: textsPerMinute,
                                  logger: Logger(label: "test"))
        service = ChatService(library: library, policy: DecisionPolicy(), facts: IntentsFixture.facts,
                              conversationTTL: conversationTTL, analytics: analytics)
    }

    func application() throws -> HTTPApplication {
        let pages = try PageRenderer(organisation: "Test", templates: ChatRoutes.templates)
        return try HTTPApplication(routes: ChatRoutes(service: service, analytics: analytics, pages: pages).routes, middleware: [],
                                   logger: Logger(label: "test"))
    }

    func ask(_ message: String, session: String? = nil, language: String? = nil) throws -> ChatReply {
        try service.reply(to: ChatRequest(message: message, session: session, language: language))
    }

    deinit {
        intents.cleanUp()
        try? database.close()
        try? FileManager.default.removeItem(at: databaseDirectory)
    }
}

@Suite struct ChatServiceTests {
    @Test func answersClarifiesAndFallsBack() throws {
        let chat = try ChatFixture()
        let answer = try chat.ask("Wie melde ich mein Auto an?")
        #expect(answer.kind == "answer")
        #expect(answer.intent == "kfz-neuzulassung")
        #expect(answer.answer.contains("**Zulassungsstelle**"))
        #expect(answer.html.contains("<strong>Zulassungsstelle</strong>"))
        #expect(answer.suggestions.map(\.intent) == ["kfz-wunschkennzeichen"])
        #expect(answer.session.count == 32 && answer.id.count == 32)
        #expect(answer.session.allSatisfy(\.isHexDigit) && answer.session != answer.id)
        #expect(Set((0..<1000).map { _ in Conversations.newID().text }).count == 1000)

        let clarify = try chat.ask("Fahrzeug zulassen oder umschreiben")
        #expect(clarify.kind == "clarify")
        #expect(clarify.intent == nil)
        #expect(clarify.options.count == 2)
        #expect(clarify.answer.hasPrefix("Meinten Sie „"))

        let fallback = try chat.ask("Wer gewinnt die Bundesliga?")
        #expect(fallback.kind == "fallback")
        #expect(fallback.intent == nil)
        #expect(fallback.answer.contains("keine sichere Antwort"))
        #expect(fallback.answer.contains("Bürgerservice"))  // the general contact
        #expect(fallback.suggestions.contains { $0.intent == "mitarbeiter" })  // hand-off to a person
        #expect(fallback.suggestions.count == 1)  // nothing of the catalog for the Bundesliga

        // Too little understood to answer, but the one known word is clear: suggested.
        let unsure = try chat.ask("Wunschkennzeichen Oldtimer Garage Scheune")
        #expect(unsure.kind == "fallback")
        #expect(unsure.suggestions.map(\.intent) == ["kfz-wunschkennzeichen", "mitarbeiter"], "\(unsure.confidence)")

        let english = try chat.ask("I lost my driving licence")
        #expect(english.language == "en")
        #expect(english.answer == "Apply for a replacement licence.")
        let englishFallback = try chat.ask("what is the weather", language: "en")
        #expect(englishFallback.answer.hasPrefix("Sorry"))
    }

    @Test func theReplyJSONCarriesEveryFieldExactly() throws {
        let chat = try ChatFixture()
        let first = try chat.ask("Wie melde ich mein Auto an?")
        // Catalog answers and the usual fallback go out as JSON escaped once; composed replies
        // (a clarifying question) are escaped per reply.
        #expect(first.prepared != nil)
        #expect(try chat.ask("Wetter heute").prepared != nil)
        let clarify = try chat.ask("Fahrzeug zulassen oder umschreiben")
        #expect(clarify.kind == "clarify" && clarify.prepared == nil)
        var changed = first
        changed.answer = "Geändert \"hier\""
        #expect(changed.prepared == nil)
        #expect((try JSONSerialization.jsonObject(with: changed.jsonData) as? [String: Any])?["answer"] as? String == changed.answer)
        var replies = [first]
        for question in ["Auto", "Wetter \"heute\"\n\\ \u{1}", "I lost my driving licence"] {
            replies.append(try chat.ask(question))
        }
        replies.append(try chat.ask("Und was kostet das?", session: first.session))
        for reply in replies {
            let question = reply.answer.prefix(30)
            let json = try #require(try JSONSerialization.jsonObject(with: reply.jsonData) as? [String: Any], "\(question)")
            #expect(json["kind"] as? String == reply.kind)
            #expect(json["intent"] as? String == reply.intent)
            #expect(reply.intent != nil || json["intent"] is NSNull)
            #expect(json["confidence"] as? Double == (reply.confidence * 1000).rounded() / 1000)
            #expect(json["answer"] as? String == reply.answer)
            #expect(json["html"] as? String == reply.html)
            let options = (json["options"] as? [[String: String]])?.map { ChatReply.Option(intent: $0["intent"]!, title: $0["title"]!) }
            #expect(options == reply.options)
            let suggestions = (json["suggestions"] as? [[String: String]])?.map { ChatReply.Option(intent: $0["intent"]!, title: $0["title"]!) }
            #expect(suggestions == reply.suggestions)
            #expect((json["articles"] as? [Any])?.count == reply.articles.count)
            #expect(json["session"] as? String == reply.session)
            #expect(json["id"] as? String == reply.id)
            #expect(json["language"] as? String == reply.language)
        }
    }

    @Test func messagesAreTrimmedOfWhitespaceOfAnyKind() throws {
        let cases: [(String, String)] = [
            ("Auto", "Auto"), ("  Auto \n", "Auto"), ("\tAuto?", "Auto?"), ("Auto \u{301}", "Auto"), ("\u{3000}Auto\u{00A0}", "Auto"),
            ("Ä", "Ä"), ("a\u{301}", "a\u{301}"), ("   ", ""), ("\r\n", ""), ("", ""),
        ]
        for (message, expected) in cases {
            #expect(ChatService.trimmed(message) == expected, "\(Array(message.unicodeScalars))")
        }
        let chat = try ChatFixture()
        #expect(throws: ChatInputError(code: "empty_message", message: "Bitte geben Sie eine Frage ein.")) {
            try chat.service.reply(to: ChatRequest(message: " \n\u{3000} "))
        }
        #expect(try chat.ask("  Wie melde ich mein Auto an?\n").intent == "kfz-neuzulassung")
    }

    @Test func repeatedQuestionsAreAnsweredFromTheReplyCache() throws {
        let chat = try ChatFixture()
        let first = try chat.ask("Wie melde ich mein Auto an?")
        let key = ReplyCache.Key(message: UTF8Key("Wie melde ich mein Auto an?"), language: nil, previous: nil)
        #expect(chat.library.index.replies.entry(key) == nil)  // asked once: only its hash is kept
        _ = try chat.ask("Wie melde ich mein Auto an?")
        #expect(chat.library.index.replies.entry(key)?.reply.intent == "kfz-neuzulassung")
        let again = try chat.ask("Wie melde ich mein Auto an?")
        // The same reply, with ids of its own.
        #expect(again.kind == first.kind && again.intent == first.intent && again.answer == first.answer && again.html == first.html)
        #expect(again.suggestions == first.suggestions && again.confidence == first.confidence)
        #expect(again.id != first.id && again.session != first.session)
        let json = try #require(try JSONSerialization.jsonObject(with: again.jsonData) as? [String: Any])
        #expect(json["id"] as? String == again.id && json["session"] as? String == again.session)
        #expect(json["answer"] as? String == first.answer && json["kind"] as? String == "answer")
        // A changed field is written as changed, not from the cached JSON.
        var changed = again
        changed.kind = "clarify"
        changed.suggestions = []
        let changedJSON = try #require(try JSONSerialization.jsonObject(with: changed.jsonData) as? [String: Any])
        #expect(changedJSON["kind"] as? String == "clarify" && (changedJSON["suggestions"] as? [Any])?.isEmpty == true)
        // Follow-ups are kept per last intent.
        let car = try chat.ask("Ich möchte mein Auto zulassen")
        let plate = try chat.ask("Wunschkennzeichen reservieren")
        for _ in 0..<3 {
            #expect(try chat.ask("Und was kostet das?", session: car.session).answer.contains("30 Euro"))
            #expect(try chat.ask("Und was kostet das?", session: plate.session).answer.contains("12,80"))
        }
        let costs = ReplyCache.Key(message: UTF8Key("Und was kostet das?"), language: nil, previous: "kfz-neuzulassung")
        #expect(chat.library.index.replies.entry(costs)?.reply.answer.contains("30 Euro") == true)
        // Kept without personal data: the same question with another name is the same entry.
        _ = try chat.ask("Ich heiße Max Mustermann, wie melde ich mein Auto an?")
        let named = try chat.ask("Ich heiße Max Mustermann, wie melde ich mein Auto an?")
        let rawKey = ReplyCache.Key(message: UTF8Key("Ich heiße Max Mustermann, wie melde ich mein Auto an?"), language: nil, previous: nil)
        #expect(chat.library.index.replies.entry(rawKey) == nil)
        let strippedKey = ReplyCache.Key(message: UTF8Key(PersonalDataScrubber.strip("Ich heiße Max Mustermann, wie melde ich mein Auto an?")),
                                         language: nil, previous: nil)
        #expect(!strippedKey.message.text.contains("Mustermann"))
        #expect(chat.library.index.replies.entry(strippedKey)?.reply.intent == named.intent)
        let otherName = try chat.ask("Ich heiße Erika Musterfrau, wie melde ich mein Auto an?")
        #expect(otherName.answer == named.answer && otherName.id != named.id)
        // Every reply is counted, cached or not.
        #expect(try chat.analytics.report(days: 1).totalQuestions == 14)
        // A reload answers from the new files.
        try chat.intents.write("kfz.intent", IntentsFixture.vehicles.replacingOccurrences(of: "rund 30 Euro", with: "rund 42 Euro"))
        #expect(chat.library.reload() == nil)
        #expect(try chat.ask("Und was kostet das?", session: car.session).answer.contains("42 Euro"))
    }

    @Test func followUpsReferToTheLastTopic() throws {
        let chat = try ChatFixture()
        let first = try chat.ask("Ich möchte mein Auto zulassen")
        #expect(first.intent == "kfz-neuzulassung")
        let costs = try chat.ask("Und was kostet das?", session: first.session)
        #expect(costs.kind == "answer")
        #expect(costs.intent == "kfz-neuzulassung")
        #expect(costs.answer.contains("30 Euro"))
        let documents = try chat.ask("Welche Unterlagen brauche ich?", session: first.session)
        #expect(documents.answer.contains("Zulassungsbescheinigung"))
        // A topic change, then the follow-up refers to the new topic.
        let plate = try chat.ask("Wunschkennzeichen reservieren", session: first.session)
        #expect(plate.intent == "kfz-wunschkennzeichen")
        #expect(try chat.ask("Und was kostet das?", session: first.session).answer.contains("12,80"))
        // No sub-answer for that topic: the main answer, with a note.
        let noDocuments = try chat.ask("Was muss ich mitbringen?", session: first.session)
        #expect(noDocuments.intent == "kfz-wunschkennzeichen")
        #expect(noDocuments.answer.contains("keine eigene Auskunft"))
        // Without a conversation, the bot asks what it is about.
        let orphan = try chat.ask("Und was kostet das?")
        #expect(orphan.kind == "fallback")
        #expect(orphan.answer.contains("Worauf bezieht sich Ihre Frage"))
        // The question names its topic: the sub-answer straight away.
        let direct = try chat.ask("Was kostet ein Wunschkennzeichen?")
        #expect(direct.answer.contains("12,80"))
    }

    @Test func aFollowUpThatOpensAConversationIsReadAsANewQuestion() throws {
        let chat = try ChatFixture()
        let topic = """
            followup: termin
            title: Termin und Öffnungszeiten
            standalone: oeffnungszeiten
            examples:
              Wann habt ihr offen?
              Wann ist geöffnet?
              Brauche ich einen Termin?
            """
        try chat.intents.write("followups.intent", IntentsFixture.followUps + "\n\n" + topic)
        try chat.intents.write("service.intent", """
            intent: oeffnungszeiten
            title: Öffnungszeiten
            examples:
              Öffnungszeiten Landratsamt
              Wann hat das Landratsamt geöffnet?
              Ist das Landratsamt heute offen?
              Wann ist das Landratsamt offen?
              Ist das Amt am Samstag offen?
              Bis wann ist heute offen?
            answer:
              Montag bis Freitag von 8 bis 12 Uhr.
            """)
        #expect(chat.library.reload() == nil)
        // The first question of a conversation: nothing to follow up, the topic's standalone intent.
        let read = chat.library.index.match("Wann habt ihr offen?")
        #expect(read.followUp?.intent == "termin")
        let hours = try chat.ask("Wann habt ihr offen?")
        #expect(hours.kind == "answer")
        #expect(hours.intent == "oeffnungszeiten")
        // After an answer, the same question follows up on that answer.
        let car = try chat.ask("Ich möchte mein Auto zulassen")
        let carHours = try chat.ask("Wann habt ihr offen?", session: car.session)
        #expect(carHours.intent == "kfz-neuzulassung")
        #expect(carHours.answer.contains("Termin und Öffnungszeiten"))
        // A topic without standalone intents still asks which topic is meant.
        #expect(try chat.ask("Was kostet das?").answer.contains("Worauf bezieht sich Ihre Frage"))
        // And so does this one without `standalone:`.
        try chat.intents.write("followups.intent",
                               IntentsFixture.followUps + "\n\n" + topic.replacingOccurrences(of: "standalone: oeffnungszeiten\n", with: ""))
        #expect(chat.library.reload() == nil)
        let orphan = try chat.ask("Wann habt ihr offen?")
        #expect(orphan.kind == "fallback")
        #expect(orphan.answer.contains("Worauf bezieht sich Ihre Frage (Termin und Öffnungszeiten)"))
    }

    @Test func conversationsExpire() async throws {
        let chat = try ChatFixture(conversationTTL: .milliseconds(50))
        let first = try chat.ask("Ich möchte mein Auto zulassen")
        try await Task.sleep(for: .milliseconds(120))
        #expect(try chat.ask("Und was kostet das?", session: first.session).kind == "fallback")
    }

    @Test func conversationKeysTellIdsApart() {
        let issued = Conversations.newID().text
        #expect(Conversations.Key(issued) == Conversations.Key(issued))
        // A new id's key is made from its bits, and is what the id reads back as.
        for _ in 0..<100 {
            let (text, key) = Conversations.newID()
            #expect(Conversations.Key(text) == key)
        }
        #expect(Conversations.Key(issued) != Conversations.Key(Conversations.newID().text))
        // Ids the bot hands out are read as their 128 bits; others are hashed.
        let bits = Conversations.Key("0123456789abcdef" + "fedcba9876543210")
        #expect(bits.high == 0x0123_4567_89ab_cdef && bits.low == 0xfedc_ba98_7654_3210)
        #expect(Conversations.Key("0123456789ABCDEF" + "fedcba9876543210") != bits)  // upper case: another id
        let custom = ["widget-session-1", "widget-session-2", "abcdefgh", "ABCDEFGH", String(repeating: "z", count: 64)]
        #expect(Set(custom.map(Conversations.Key.init)).count == custom.count)
        #expect(Conversations.Key("widget-session-1") == Conversations.Key("widget-session-1"))
        // A conversation under a client's own id works like one under an issued id.
        let conversations = Conversations(timeToLive: .seconds(600))
        conversations.update(.init("widget-session-1"), lastIntent: "kfz-neuzulassung",
                             answer: (id: .init(issued), value: .init(intent: "kfz-neuzulassung", at: .now)))
        #expect(conversations.state(.init("widget-session-1"))?.lastIntent == "kfz-neuzulassung")
        #expect(conversations.state(.init("widget-session-2")) == nil)
        #expect(conversations.answer(issued)?.intent == "kfz-neuzulassung")
    }

    @Test func conversationsAreBoundedByGenerations() {
        let conversations = Conversations(timeToLive: .seconds(600), capacity: 8)
        let start = ContinuousClock.now
        func touch(_ session: String, _ intent: String? = "kfz-neuzulassung", at offset: Duration = .zero) {
            conversations.update(.init(session), lastIntent: intent, answer: (id: .init("reply-\(session)"), value: .init(intent: intent, at: start + offset)),
                                 now: start + offset)
        }
        for number in 0..<4 { touch("s\(number)") }  // the fourth fills the generation: it becomes the older one
        #expect(conversations.state(.init("s0"), now: start)?.lastIntent == "kfz-neuzulassung")
        #expect(conversations.answer("reply-s3", now: start)?.intent == "kfz-neuzulassung")
        for number in 4..<8 { touch("s\(number)") }  // a second full generation drops the first
        #expect(conversations.state(.init("s0"), now: start) == nil)
        #expect(conversations.answer("reply-s0", now: start) == nil)
        #expect(conversations.state(.init("s7"), now: start) != nil)
        // A conversation that goes on keeps its topic across a rotation.
        touch("s7", nil)
        #expect(conversations.state(.init("s7"), now: start)?.lastIntent == "kfz-neuzulassung")
        // Expiry stays exact, whatever the generation, and an expired topic is not carried on.
        #expect(conversations.state(.init("s7"), now: start + .seconds(601)) == nil)
        touch("s6", nil, at: .seconds(601))
        #expect(conversations.state(.init("s6"), now: start + .seconds(601))?.lastIntent == nil)
        // Nothing to remember: no conversation entry, but the reply can still get feedback.
        touch("fresh", nil, at: .seconds(601))
        #expect(conversations.state(.init("fresh"), now: start + .seconds(601)) == nil)
        #expect(conversations.answer("reply-fresh", now: start + .seconds(601)) != nil)
        // A generation a time-to-live old is rotated out even when it is small.
        touch("late", at: .seconds(700))
        touch("later", at: .seconds(1400))
        #expect(conversations.state(.init("s7"), now: start + .seconds(1400)) == nil)
        #expect(conversations.state(.init("later"), now: start + .seconds(1400)) != nil)
    }

    @Test func badInputIsRefusedClearly() throws {
        let chat = try ChatFixture()
        func code(_ request: ChatRequest) -> String? {
            do {
                _ = try chat.service.reply(to: request)
                return nil
            } catch let error as ChatInputError {
                return error.code
            } catch {
                return "\(error)"
            }
        }
        #expect(code(ChatRequest(message: "   ")) == "empty_message")
        #expect(code(ChatRequest(message: String(repeating: "a", count: 501))) == "message_too_long")
        #expect(code(ChatRequest(message: String(repeating: "ä", count: 500))) == nil)
        // Code points, as the JSON Schema's maxLength counts: a thumb with a skin tone is two.
        #expect(code(ChatRequest(message: "👍🏻" + String(repeating: "*", count: 499))) == "message_too_long")
        #expect(code(ChatRequest(message: "👍🏻" + String(repeating: "*", count: 498))) == nil)
        #expect(code(ChatRequest(message: String(repeating: "a", count: 500) + " ")) == "message_too_long")  // as sent
        #expect(code(ChatRequest(message: "Hallo", language: "fr")) == "invalid_language")
        #expect(code(ChatRequest(message: "Hallo", session: "<script>")) == "invalid_session")
        #expect(code(ChatRequest(message: "Führerschein verloren", choice: "gibt-es-nicht")) == nil)  // ignored
    }

    @Test func choicesAnswerTheChosenIntent() throws {
        let chat = try ChatFixture()
        let reply = try chat.service.reply(to: ChatRequest(message: "Fahrzeug umschreiben", choice: "kfz-umschreibung"))
        #expect(reply.kind == "answer")
        #expect(reply.intent == "kfz-umschreibung")
        let english = try chat.service.reply(to: ChatRequest(message: "Lost driving licence", choice: "fuehrerschein-ersatz"))
        #expect(english.answer == "Apply for a replacement licence.")
    }

    @Test func repeatedQuestionsInOneFlushAreOneRowWithACount() throws {
        let chat = try ChatFixture()
        for _ in 0..<3 { _ = try chat.ask("Wer gewinnt die Bundesliga?") }
        let answer = try chat.ask("Wie melde ich mein Auto an?")
        #expect(answer.kind == "answer" && answer.confidence >= 0.65)
        let report = try chat.analytics.report(days: 1)
        #expect(report.totalQuestions == 4)
        #expect(report.unanswered.map(\.question) == ["Wer gewinnt die Bundesliga?"])
        #expect(report.unanswered.first?.count == 3)
        #expect(report.daily.first?.fallback == 3 && report.daily.first?.answer == 1)
        #expect(report.topIntents == [.init(intent: "kfz-neuzulassung", count: 1)])
        // The confident answer is counted; only the unanswered question is kept as text.
        let rows = try chat.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chatQuestion") }
        #expect(rows == 1)
    }

    @Test func onlyQuestionsAnAdminReadsKeepTheirText() throws {
        let chat = try ChatFixture()
        let now = Date()
        func event(_ question: String, _ kind: String, _ intent: String?, _ confidence: Double) -> ChatAnalytics.Event {
            .init(answerId: UUID().uuidString, at: now, language: "de", question: question, kind: kind, intent: intent, confidence: confidence)
        }
        chat.analytics.record(event("sicher beantwortet", "answer", "kfz-neuzulassung", 0.9))
        chat.analytics.record(event("unsicher beantwortet", "answer", "kfz-neuzulassung", 0.5))
        chat.analytics.record(event("rückgefragt", "clarify", nil, 0.4))
        chat.analytics.record(event("unbeantwortet", "fallback", nil, 0.1))
        chat.analytics.record(event("gewählt", "choice", "kfz-umschreibung", 1))
        chat.analytics.record(event("noch einmal sicher", "answer", "kfz-neuzulassung", 0.65))
        chat.analytics.flush()
        let stored = try chat.database.pool.read { db in try String.fetchAll(db, sql: "SELECT question FROM chatQuestion ORDER BY id") }
        #expect(stored == ["unsicher beantwortet", "rückgefragt", "unbeantwortet"])
        let report = try chat.analytics.report(days: 1)
        #expect(report.totalQuestions == 5)
        #expect(report.topIntents == [.init(intent: "kfz-neuzulassung", count: 3)])
        #expect(report.clarifyChoices == [.init(intent: "kfz-umschreibung", count: 1)])
        #expect(report.daily.map { [$0.answer, $0.clarify, $0.fallback] } == [[3, 1, 1]])
        #expect(report.lowConfidence.map(\.question).sorted() == ["rückgefragt", "unsicher beantwortet"])
        #expect(report.unanswered.map(\.question) == ["unbeantwortet"])
        // A second flush adds to the same day's counts.
        chat.analytics.record(event("sicher beantwortet", "answer", "kfz-neuzulassung", 0.9))
        #expect(try chat.analytics.report(days: 1).topIntents == [.init(intent: "kfz-neuzulassung", count: 4)])
    }

    @Test func questionTextsPastThePerMinuteLimitAreOnlyCounted() throws {
        let chat = try ChatFixture(textsPerMinute: 2)
        let minute = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60)
        func event(_ question: String, _ kind: String = "fallback", at offset: TimeInterval = 1) -> ChatAnalytics.Event {
            .init(answerId: UUID().uuidString, at: minute + offset, language: "de", question: question, kind: kind, intent: nil, confidence: 0.1)
        }
        chat.analytics.record(event("erste Frage"))
        chat.analytics.record(event("zweite Frage", "clarify"))
        chat.analytics.record(event("erste Frage"))  // the same text again: one row, no extra budget
        chat.analytics.record(event("dritte Frage"))
        chat.analytics.flush()
        chat.analytics.record(event("vierte Frage", "clarify", at: 30))  // a later batch, same minute
        chat.analytics.flush()
        chat.analytics.record(event("fünfte Frage", at: 61))  // the next minute has its own budget
        chat.analytics.flush()
        let stored = try chat.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT question, occurrences FROM chatQuestion ORDER BY id").map { "\($0["question"] as String) \($0["occurrences"] as Int)" }
        }
        #expect(stored == ["erste Frage 2", "zweite Frage 1", "fünfte Frage 1"])
        let report = try chat.analytics.report(days: 1)
        #expect(report.totalQuestions == 6)
        #expect(report.questionsNotStored == 2)
        #expect(report.daily.map { [$0.answer, $0.clarify, $0.fallback] } == [[0, 2, 4]])
    }

    /// A flush held up (a slow disk, another writer) must not let the queue take the memory:
    /// past its limit questions are only counted, and the counts stay exact.
    @Test func questionsPastTheQueueLimitAreOnlyCounted() throws {
        let chat = try ChatFixture()
        let analytics = ChatAnalytics(database: chat.database, retentionDays: 90, reviewBelow: 0.65, pendingLimit: 2,
                                      logger: Logger(label: "test"))
        let now = Date()
        let events: [(String, String, String?, Double)] = [
            ("Wie melde ich mein Auto an?", "answer", "kfz-neuzulassung", 0.9), ("Wetter morgen", "fallback", nil, 0.1),
            ("Auto anmelden", "answer", "kfz-neuzulassung", 0.95), ("Fußball heute", "fallback", nil, 0.1),
            ("Auto oder Motorrad", "clarify", nil, 0.4),
        ]
        for (question, kind, intent, confidence) in events {
            analytics.record(.init(answerId: UUID().uuidString, at: now, language: "de", question: question, kind: kind,
                                   intent: intent, confidence: confidence))
        }
        analytics.flush()
        let stored = try chat.database.pool.read { db in try String.fetchAll(db, sql: "SELECT question FROM chatQuestion") }
        #expect(stored == ["Wetter morgen"], "only the queued fallback is stored")
        let report = try analytics.report(days: 1)
        #expect(report.totalQuestions == 5)
        #expect(report.daily.map { [$0.answer, $0.clarify, $0.fallback] } == [[2, 1, 2]])
        #expect(report.topIntents == [.init(intent: "kfz-neuzulassung", count: 2)])
        #expect(report.questionsNotStored == 2, "the fallback and the clarify question past the limit")
        // The next flush starts with an empty queue.
        analytics.record(.init(answerId: UUID().uuidString, at: now, language: "de", question: "Hallo?", kind: "fallback",
                               intent: nil, confidence: 0.1))
        analytics.flush()
        #expect(try analytics.report(days: 1).totalQuestions == 6)
        #expect(try chat.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM chatQuestion") } == 2)
    }

    /// A flush that cannot write (here a trigger on the writer's connection stands in for a
    /// database locked past its busy timeout) keeps its batch for the next one; past the
    /// queue's limit, the oldest texts go and their questions stay counted.
    @Test func aFailedFlushIsWrittenWithTheNext() throws {
        let chat = try ChatFixture()
        let analytics = ChatAnalytics(database: chat.database, retentionDays: 90, reviewBelow: 0.65, pendingLimit: 2,
                                      logger: Logger(label: "test"))
        let now = Date()
        func ask(_ question: String, _ kind: String, _ intent: String?) {
            analytics.record(.init(answerId: UUID().uuidString, at: now, language: "de", question: question, kind: kind,
                                   intent: intent, confidence: kind == "answer" ? 0.9 : 0.1))
        }
        try chat.database.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER failing BEFORE INSERT ON main.chatCount
                BEGIN SELECT RAISE(ABORT, 'disk trouble'); END
                """)
        }
        ask("Wetter morgen", "fallback", nil)
        ask("Wie melde ich mein Auto an?", "answer", "kfz-neuzulassung")
        analytics.flush()
        #expect(try analytics.report(days: 1).totalQuestions == 0, "nothing written")
        ask("Fußball heute", "fallback", nil)
        ask("Meine Mail ist max@example.org", "fallback", nil)
        analytics.flush()
        #expect(try chat.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM chatQuestion") } == 0)
        try chat.database.pool.write { db in try db.execute(sql: "DROP TRIGGER temp.failing") }
        ask("Auto anmelden", "answer", "kfz-neuzulassung")
        analytics.flush()
        let stored = try chat.database.pool.read { db in try String.fetchAll(db, sql: "SELECT question FROM chatQuestion ORDER BY question") }
        #expect(stored == ["Fußball heute", "Meine Mail ist [E-Mail]"], "the two newest texts, scrubbed before they waited")
        let report = try analytics.report(days: 1)
        #expect(report.totalQuestions == 5)
        #expect(report.daily.map { [$0.answer, $0.clarify, $0.fallback] } == [[2, 0, 3]])
        #expect(report.questionsNotStored == 1, "the oldest text, past the limit of two")
        analytics.flush()
        #expect(try analytics.report(days: 1).totalQuestions == 5, "written once")
    }

    /// Flushes from several threads (the analytics thread, admins' reports) that fail at the
    /// same time keep every batch: the one stored last does not replace the others.
    @Test func failedFlushesAtTheSameTimeKeepEveryBatch() throws {
        let chat = try ChatFixture()
        let analytics = ChatAnalytics(database: chat.database, retentionDays: 90, reviewBelow: 0.65, logger: Logger(label: "test"))
        try chat.database.pool.write { db in
            try db.execute(sql: "CREATE TEMP TRIGGER failing BEFORE INSERT ON main.chatCount BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        let threads = 8, rounds = 40
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            for _ in 0..<rounds {
                analytics.record(.init(answerId: UUID().uuidString, at: Date(), language: "de", question: "Auto anmelden", kind: "answer",
                                       intent: "kfz-neuzulassung", confidence: 0.9))
                analytics.flush()
            }
        }
        try chat.database.pool.write { db in try db.execute(sql: "DROP TRIGGER temp.failing") }
        analytics.flush()
        #expect(try analytics.report(days: 1).totalQuestions == threads * rounds)
    }

    @Test func noQuestionTextIsStoredWithALimitOfZero() throws {
        let chat = try ChatFixture(textsPerMinute: 0)
        _ = try chat.ask("Wer gewinnt die Bundesliga?")
        let report = try chat.analytics.report(days: 1)
        #expect(report.totalQuestions == 1 && report.questionsNotStored == 1 && report.unanswered.isEmpty)
    }

    @Test func theCountsMigrationKeepsEarlierStatistics() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kreishaus-chat-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("k.sqlite").path
        let before = try AppDatabase.open(at: path, migrations: MigrationRegistry(Array(ChatAnalytics.migrations.prefix(3))))
        try before.pool.write { db in
            for (question, kind, intent, occurrences) in [("a", "answer", "x", 2), ("b", "answer", "x", 1), ("c", "fallback", nil, 4), ("d", "choice", "y", 1)] {
                try db.execute(sql: """
                    INSERT INTO chatQuestion (answerId, askedAt, language, question, kind, intent, confidence, occurrences)
                    VALUES (?, '2026-11-20 10:00:00.000', 'de', ?, ?, ?, 0.9, ?)
                    """, arguments: [question, question, kind, intent, occurrences])
            }
        }
        try before.close()
        let after = try AppDatabase.open(at: path, migrations: MigrationRegistry(ChatAnalytics.migrations))
        defer { try? after.close() }
        let counts = try after.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT day, kind, intent, count FROM chatCount ORDER BY kind").map {
                "\($0["day"] as String) \($0["kind"] as String) \($0["intent"] as String) \($0["count"] as Int)"
            }
        }
        #expect(counts == ["2026-11-20 answer x 3", "2026-11-20 choice y 1", "2026-11-20 fallback  4"])
        let texts = try after.pool.read { db in try String.fetchAll(db, sql: "SELECT question FROM chatQuestion ORDER BY question") }
        #expect(texts == ["a", "b", "c"])
    }

    @Test func analyticsStoreScrubbedQuestionsAndFeedback() throws {
        let chat = try ChatFixture()
        let answered = try chat.ask("Wie melde ich mein Auto an?")
        let unanswered = try chat.ask("Ich heiße Max Mustermann, wer gewinnt die Bundesliga? Mail: max@example.org")
        #expect(unanswered.kind == "fallback")
        _ = try chat.service.reply(to: ChatRequest(message: "Fahrzeug umschreiben", choice: "kfz-umschreibung"))
        try chat.service.feedback(replyID: answered.id, helpful: false, comment: "Meine Nummer ist 0171 2345678")
        #expect(throws: ChatInputError.self) { try chat.service.feedback(replyID: "0123456789abcdef", helpful: true, comment: nil) }

        let report = try chat.analytics.report(days: 30)
        #expect(report.totalQuestions == 2)
        #expect(report.unanswered.map(\.question) == ["Ich heiße [Name], wer gewinnt die Bundesliga? Mail: [E-Mail]"])
        #expect(report.topIntents == [.init(intent: "kfz-neuzulassung", count: 1)])
        #expect(report.clarifyChoices == [.init(intent: "kfz-umschreibung", count: 1)])
        #expect(report.feedback.unhelpful == 1)
        #expect(report.feedback.comments.first?.comment == "Meine Nummer ist [Telefon]")
        #expect(report.unhelpfulIntents == [.init(intent: "kfz-neuzulassung", count: 1)])
        let stored = try chat.database.pool.read { db in try String.fetchAll(db, sql: "SELECT question FROM chatQuestion") }
        #expect(stored == ["Ich heiße [Name], wer gewinnt die Bundesliga? Mail: [E-Mail]"])

        // Retention: everything older than 90 days goes (counts by whole days).
        #expect(try chat.analytics.purge(now: Date().addingTimeInterval(89 * 86_400)) == 0)
        // One question, one feedback, three counts (answer, fallback, choice).
        #expect(try chat.analytics.purge(now: Date().addingTimeInterval(91 * 86_400)) == 5)
        #expect(try chat.analytics.report(days: 30).totalQuestions == 0)
    }
}

@Suite struct IntentLibraryTests {
    @Test func aBrokenFileKeepsTheLastGoodSet() throws {
        let chat = try ChatFixture()
        #expect(chat.library.status.intents == 6)
        let before = chat.library.index
        try chat.intents.write("kfz.intent", "intent: kaputt\ntitle: X\n  eingerückt ohne Block\n")
        let error = chat.library.reload()
        #expect(error?.description == "\(chat.intents.directory.lastPathComponent)/kfz.intent:3: eingerückte Zeile außerhalb eines Blocks: gehört unter \"examples:\" oder \"answer:\"")
        #expect(chat.library.index === before)
        #expect(chat.library.status.lastError == error?.description)
        #expect(try chat.ask("Wie melde ich mein Auto an?").intent == "kfz-neuzulassung")

        try chat.intents.write("kfz.intent", IntentsFixture.vehicles.replacingOccurrences(of: "kfz-umschreibung", with: "kfz-halterwechsel"))
        #expect(chat.library.reload() == nil)
        #expect(chat.library.index !== before)
        #expect(chat.library.status.lastError == nil)
        #expect(chat.library.index.intent("kfz-halterwechsel") != nil)
    }

    @Test func changedFilesAreReloadedByTheWatcher() async throws {
        let chat = try ChatFixture()
        chat.library.startWatching(interval: .milliseconds(50))
        defer { chat.library.stopWatching() }
        try chat.intents.write("neu.intent", "intent: kita\ntitle: Kita-Platz\nexamples:\n  Kita Platz anmelden\n  Kindergarten\nanswer:\n  Bei der Gemeinde.\n")
        #expect(try await eventually { chat.library.index.intent("kita") != nil })
        #expect(chat.library.status.intents == 7)
    }
}

@Suite struct ChatRoutesTests {
    @Test func theChatAPIOverHTTP() throws {
        let chat = try ChatFixture()
        let client = TestClient(try chat.application(), listener: "public")
        let response = client.execute(.post, "/api/chat", json: #"{"message": "Führerschein verloren"}"#)
        #expect(response.status == .ok)
        #expect(response.json?["kind"] as? String == "answer")
        #expect(response.json?["intent"] as? String == "fuehrerschein-ersatz")
        #expect(response.json?.keys.sorted() == ["answer", "articles", "confidence", "html", "id", "intent", "kind", "language",
                                                 "options", "session", "suggestions"])
        let fallback = client.execute(.post, "/api/chat", json: #"{"message": "Wetter morgen in Rom"}"#)
        #expect(fallback.json?["intent"] is NSNull)
        // Escapes, extra keys and other shapes take Foundation's decoder; the reply is the same.
        for body in [#"{"message": "Führerschein verloren"}"#, #"{"message": "Führerschein verloren", "extra": 1}"#,
                     #"{"language": null, "message": "Führerschein\tverloren"}"#] {
            let other = client.execute(.post, "/api/chat", json: body)
            #expect(other.status == .ok && other.json?["intent"] as? String == "fuehrerschein-ersatz", "\(body)")
        }

        #expect(client.execute(.post, "/api/chat", json: #"{"message": ""}"#).errorCode == "empty_message")
        #expect(client.execute(.post, "/api/chat", json: #"{"message": 5}"#).status == .badRequest)
        #expect(client.execute(.post, "/api/chat", json: #"{"message": "x""#).errorCode == "invalid_json")
        let long = client.execute(.post, "/api/chat", json: "{\"message\": \"\(String(repeating: "x", count: 600))\"}")
        #expect(long.status == .badRequest)
        #expect(long.errorCode == "message_too_long")
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let invalidUTF8 = client.execute(.post, "/api/chat", headers: headers, body: Data([0x7b, 0x22, 0x6d, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))
        #expect(invalidUTF8.status == .badRequest)
        #expect(invalidUTF8.errorCode == "invalid_utf8")
        #expect(client.execute(.post, "/api/chat", body: Data("message=x".utf8)).status == .unsupportedMediaType)

        let id = response.json?["id"] as? String ?? ""
        #expect(client.execute(.post, "/api/chat/feedback", json: #"{"id": "\#(id)", "helpful": true, "comment": "Danke"}"#).status == .noContent)
        #expect(client.execute(.post, "/api/chat/feedback", json: #"{"id": "ffffffffffffffff", "helpful": true}"#).status == .notFound)
        #expect(client.execute(.post, "/api/chat/feedback", json: #"{"id": "\#(id)"}"#).status == .badRequest)
    }

    @Test func theDemoPageWorksWithoutJavaScript() throws {
        let chat = try ChatFixture()
        let client = TestClient(try chat.application(), listener: "public")
        let page = client.execute(.get, "/")
        #expect(page.status == .ok)
        #expect(page.text.contains("<script src=\"/chat/widget.js?v="))
        #expect(page.text.contains("<label for=\"frage\">"))
        let answered = client.execute(.get, "/?frage=F%C3%BChrerschein%20verloren")
        #expect(answered.text.contains("Beantragen Sie einen Ersatzführerschein."))
        let hostile = client.execute(.get, "/?frage=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        #expect(!hostile.text.contains("<script>alert"))
        // A quote joined by a combining mark is one Character; Mustache's own escaping copied it
        // raw and the question left the input's value attribute.
        let joined = client.execute(.get, "/?frage=%22%CC%81%20autofocus%20onfocus%3Dalert(1)%20x%3D%22%CC%81")
        // (Outside #expect: its expansion cannot hold a combining mark in a literal.)
        let escapedInValue = joined.text.contains("value=\"&quot;\u{301} autofocus onfocus=alert(1) x=&quot;\u{301}\"")
        let rawQuoteWithMark = joined.text.contains("\"\u{301}")
        #expect(escapedInValue && !rawQuoteWithMark)
        // Topic links carry the title percent-encoded.
        let suggested = client.execute(.get, "/?frage=Wie%20melde%20ich%20mein%20Auto%20an%3F")
        #expect(suggested.text.contains("href=\"/?frage=Wunschkennzeichen%20reservieren\""), "\(suggested.text)")
        let widget = client.execute(.get, "/chat/widget.js")
        #expect(widget.status == .ok)
        #expect(widget.headerFields[.contentType]?.hasPrefix("text/javascript") == true)
        #expect(!widget.text.contains("document.cookie") && !widget.text.contains("localStorage"))
        #expect(widget.text.contains("credentials: \"omit\""))
        #expect(client.execute(.get, "/chat/widget.css").status == .ok)
    }

    @Test func theAdminPageShowsStatusAndAnalytics() throws {
        let chat = try ChatFixture()
        _ = try chat.ask("Auto")
        _ = try chat.ask("Wer gewinnt die Bundesliga?")
        #expect(try chat.ask("Wie melde ich mein Auto an?").intent == "kfz-neuzulassung")
        let client = TestClient(try chat.application())
        let page = client.execute(.get, "/chatbot?tage=7")
        #expect(page.status == .ok)
        #expect(page.text.contains("Wer gewinnt die Bundesliga?"))   // unanswered, in a table
        // Intents by title and id; a question without one shows a dash.
        #expect(page.text.contains("<li>Fahrzeug zulassen <code>kfz-neuzulassung</code>: 1</li>"), "\(page.text)")
        #expect(page.text.contains("<td>–</td>"))
        #expect(page.text.contains("<th scope=\"col\">Frage</th>"))
        #expect(page.text.contains("<option value=\"7\" selected>"))
        #expect(!page.text.contains("nil"))
        #expect(client.execute(.get, "/chatbot?tage=0").status == .badRequest)
        let status = client.execute(.get, "/api/chat/status")
        #expect(status.json?["intents"] as? Int == 6)
        // The word lists of typo tolerance, which scripts/install-deps.sh installs, by words read.
        let words = status.json?["lexiconWords"] as? [String: Any]
        #expect((words?["de"] as? Int ?? 0) > 100_000)
        #expect(page.text.contains("<dt>Wortlisten</dt><dd>de: "))
        #expect(!page.text.contains("fehlt"))
        #expect(client.execute(.get, "/api/chat/analytics?days=abc").errorCode == "invalid_days")
        #expect(!page.text.contains("Schutz vor Überflutung"))
    }

    @Test func theAdminPageSaysWhenQuestionTextsWereOnlyCounted() throws {
        let chat = try ChatFixture(textsPerMinute: 0)
        _ = try chat.ask("Wer gewinnt die Bundesliga?")
        let client = TestClient(try chat.application())
        let page = client.execute(.get, "/chatbot")
        #expect(page.text.contains("Von 1 weiteren Fragen zur Durchsicht ist nur die Anzahl gespeichert"))
        #expect(page.text.contains("Der Wortlaut wird nicht gespeichert, Einstellung"))
        #expect(client.execute(.get, "/api/chat/analytics").json?["questionsNotStored"] as? Int == 1)
    }
}
