import Foundation
import HTTPServer
import WebUI

/// The chatbot's endpoints: the public chat API and demo page, and the intranet status,
/// reload and analytics for admins.
public struct ChatRoutes: Sendable {
    let service: ChatService
    let analytics: ChatAnalytics
    let pages: PageRenderer
    /// Who may see status and analytics and trigger a reload.
    let adminRoles: [String]

    public init(service: ChatService, analytics: ChatAnalytics, pages: PageRenderer, adminRoles: [String] = ["admin"]) {
        self.service = service
        self.analytics = analytics
        self.pages = pages
        self.adminRoles = adminRoles
    }

    /// The page templates these routes render; register them with the `PageRenderer`.
    public static var templates: [String: String] { ChatTemplates.all }

    public var routes: [Route] {
        [
            Route(.post, "/api/chat", exposure: .public, access: .anyone, operation: OpenAPIOperation(
                summary: "Frage an den Bürger-Assistenten: Antwort, Rückfrage oder Weiterleitung", tags: ["Chatbot"],
                requestBody: Schemas.chatRequest,
                responses: [200: "Antwort", 400: "Leere, zu lange oder ungültige Nachricht", 415: "Kein JSON", 429: "Zu viele Anfragen"],
                responseSchemas: [200: Schemas.chatReply]), handler: chat),
            Route(.post, "/api/chat/feedback", exposure: .public, access: .anyone, operation: OpenAPIOperation(
                summary: "Rückmeldung zu einer Antwort: hilfreich ja/nein, optional ein Kommentar", tags: ["Chatbot"],
                requestBody: Schemas.feedback,
                responses: [204: "Gespeichert", 400: "Ungültige Rückmeldung", 404: "Antwort unbekannt oder abgelaufen"]), handler: feedback),
            Route(.get, "/", exposure: .publicOnly, access: .anyone, handler: demoPage),
            Route(.get, "/api/chat/status", access: .anyRole(adminRoles), operation: OpenAPIOperation(
                summary: "Stand des Chatbot-Wissens: geladene Intents, Dateien, letzter Fehler", tags: ["Chatbot"],
                responseSchemas: [200: Schemas.status]), handler: status),
            Route(.post, "/api/chat/reload", access: .anyRole(adminRoles), operation: OpenAPIOperation(
                summary: "Intents neu laden; bei einem Fehler bleibt der bisherige Stand aktiv", tags: ["Chatbot"],
                responses: [200: "Neu geladen", 422: "Fehler in den Dateien; bisheriger Stand bleibt aktiv"],
                responseSchemas: [200: Schemas.status]), handler: reload),
            Route(.get, "/api/chat/analytics", access: .anyRole(adminRoles), operation: OpenAPIOperation(
                summary: "Auswertung: unbeantwortete und unsichere Fragen, Rückfragen, Rückmeldungen, häufigste Themen", tags: ["Chatbot"],
                queryParameters: ["days": ["type": "integer", "minimum": 1, "maximum": 3650]],
                responseSchemas: [200: Schemas.analytics]), handler: analyticsAPI),
            Route(.get, "/chatbot", access: .anyRole(adminRoles), handler: adminPage),
            Route(.post, "/chatbot/reload", access: .anyRole(adminRoles), handler: reloadForm),
        ] + ChatWidget.routes
    }

    // MARK: Public

    private struct FeedbackRequest: Decodable {
        var id: String
        var helpful: Bool
        var comment: String?
    }

    private func chat(_ request: Request) throws -> Response {
        let message: ChatRequest
        if let fields = try request.flatJSONFields(), fields.allSatisfy({ ChatRequest.fieldNames.contains($0.key) }),
           case let text?? = fields.first(where: { $0.key == "message" })?.value {
            func field(_ name: String) -> String? { fields.first { $0.key == name }?.value ?? nil }
            message = ChatRequest(message: text, session: field("session"), language: field("language"), choice: field("choice"))
        } else {
            message = try request.decodeJSON(ChatRequest.self)
        }
        do {
            let reply = try service.reply(to: message)
            return Response(status: .ok, headerFields: [.contentType: "application/json; charset=utf-8"], body: reply.jsonData)
        } catch let error as ChatInputError {
            throw HTTPError(.badRequest, code: error.code, message: error.message)
        }
    }

    private func feedback(_ request: Request) throws -> Response {
        let body = try request.decodeJSON(FeedbackRequest.self)
        do {
            try service.feedback(replyID: body.id, helpful: body.helpful, comment: body.comment)
        } catch let error as ChatInputError {
            switch error.code {
            case "unknown_reply": throw HTTPError(.notFound, code: error.code, message: error.message)
            case "unavailable": throw HTTPError(.serviceUnavailable, code: error.code, message: error.message)
            default: throw HTTPError(.badRequest, code: error.code, message: error.message)
            }
        }
        return Response(status: .noContent)
    }

    /// Unreserved characters (RFC 3986): all a query value may carry unencoded.
    private static let queryValueCharacters = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// The public listener's start page: the widget, plus a form that works without JavaScript.
    private func demoPage(_ request: Request) throws -> Response {
        var context: [String: Any] = ["widget": ChatWidget.script.url]
        if let question = request.query["frage"], !question.trimmingCharacters(in: .whitespaces).isEmpty {
            context["question"] = question
            do {
                let reply = try service.reply(to: ChatRequest(message: question, language: request.query["sprache"]))
                // The title as a query value: percent-encoded, so "&" or "#" in a title stays in it.
                let options = (reply.options + reply.suggestions).map { option in
                    ["title": option.title,
                     "href": "/?frage=" + (option.title.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters) ?? "")]
                }
                context["reply"] = ["html": reply.html, "options": options, "hasOptions": !options.isEmpty] as [String: Any]
            } catch let error as ChatInputError {
                context["failure"] = error.message
            }
        }
        return pages.render("chat-demo", title: "Bürger-Assistent", context: context, for: request)
    }

    // MARK: Admin

    private func status(_ request: Request) throws -> Response {
        try .json(service.library.status)
    }

    private func reload(_ request: Request) throws -> Response {
        if let error = service.library.reload() {
            throw HTTPError(.unprocessableContent, code: "intents_invalid", message: "Nicht neu geladen, der bisherige Stand bleibt aktiv: \(error)")
        }
        return try .json(service.library.status)
    }

    private func days(_ request: Request) throws -> Int {
        guard let text = request.query["days"] ?? request.query["tage"] else { return 30 }
        guard let days = Int(text), (1...3650).contains(days) else {
            throw HTTPError.badRequest("days: eine ganze Zahl von 1 bis 3650.", code: "invalid_days")
        }
        return days
    }

    private func analyticsAPI(_ request: Request) throws -> Response {
        try .json(try analytics.report(days: try days(request)))
    }

    private func reloadForm(_ request: Request) throws -> Response {
        let error = service.library.reload()
        return .redirect(to: error == nil ? "/chatbot?neu=1" : "/chatbot?fehler=1")
    }

    private func adminPage(_ request: Request) throws -> Response {
        let days = try days(request)
        let report = try analytics.report(days: days)
        let status = service.library.status
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "de_DE")
        formatter.dateFormat = "dd.MM.yyyy HH:mm"
        formatter.timeZone = TimeZone(identifier: "Europe/Berlin")
        // Intents and outside: blocks by their title as well as their id: an id alone sent the
        // admin to the files to find out what it stands for. Ids no longer loaded stay bare.
        let catalog = service.library.index.catalog
        var titles: [String: String] = [:]
        for intent in catalog.intents { titles[intent.id] = intent.title(.german) }
        for block in catalog.outOfScope { titles[block.id] = block.title(.german) }
        func label(_ id: String?) -> [String: Any] {
            guard let id else { return ["labelMissing": true] }
            return ["labelID": id, "labelTitle": titles[id] ?? "", "labelHasTitle": titles[id] != nil]
        }
        func questions(_ list: [ChatAnalytics.Report.Question]) -> [[String: Any]] {
            list.map { ["question": $0.question, "count": $0.count, "last": formatter.string(from: $0.lastAsked),
                        "intent": label($0.intent), "confidence": String(format: "%.2f", $0.confidence), "signpost": label($0.signpost)] }
        }
        func counts(_ list: [ChatAnalytics.Report.Count]) -> [[String: Any]] {
            list.map { ["intent": label($0.intent), "count": $0.count] }
        }
        var context: [String: Any] = [
            "days": days,
            "dayChoices": [7, 30, 90].map { ["value": $0, "selected": $0 == days] as [String: Any] },
            "intents": status.intents, "followUps": status.followUps, "outOfScope": status.outOfScope, "synonyms": status.synonyms,
            "files": status.files.joined(separator: ", "), "languages": status.languages.joined(separator: ", "),
            "wordLists": status.lexiconWords.sorted { $0.key < $1.key }.map { language, words in
                ["language": language, "words": words.formatted(.number.locale(Locale(identifier: "de_DE"))), "missing": words == 0] as [String: Any]
            },
            "loadedAt": status.loadedAt.map(formatter.string(from:)) ?? "noch nie",
            "buildMs": String(format: "%.0f", status.buildMilliseconds),
            "total": report.totalQuestions,
            "notStored": report.questionsNotStored, "hasNotStored": report.questionsNotStored > 0,
            "textsPerMinute": analytics.textsPerMinute, "textsOff": analytics.textsPerMinute == 0,
            "unanswered": questions(report.unanswered), "signposts": counts(report.signposts),
            "lowConfidence": questions(report.lowConfidence),
            "choices": counts(report.clarifyChoices), "top": counts(report.topIntents),
            "unhelpfulIntents": counts(report.unhelpfulIntents),
            "daily": report.daily.map { ["day": $0.day, "answer": $0.answer, "clarify": $0.clarify, "fallback": $0.fallback] },
            "helpful": report.feedback.helpful, "unhelpful": report.feedback.unhelpful,
            "comments": report.feedback.comments.map { ["at": formatter.string(from: $0.givenAt), "intent": label($0.intent),
                                                         "helpful": $0.helpful ? "ja" : "nein", "comment": $0.comment] },
            "widget": ChatWidget.script.url,
        ]
        for key in ["unanswered", "signposts", "lowConfidence", "choices", "top", "daily", "unhelpfulIntents", "comments"] {
            // Mustache cannot ask a list for its size: a flag per list for the table around it.
            context["has" + key.prefix(1).uppercased() + key.dropFirst()] = !((context[key] as? [Any])?.isEmpty ?? true)
        }
        if let error = status.lastError { context["lastError"] = error }
        if request.query["neu"] != nil { context["reloaded"] = true }
        if request.query["fehler"] != nil, status.lastError == nil { context["reloaded"] = true }
        return pages.render("chat-admin", title: "Chatbot", context: context, for: request)
    }
}

/// JSON Schemas for the OpenAPI document.
enum Schemas {
    static let option: JSONValue = ["type": "object", "properties": ["intent": ["type": "string"], "title": ["type": "string"]]]
    static let chatRequest: JSONValue = [
        "type": "object", "required": ["message"],
        "properties": [
            "message": ["type": "string", "minLength": 1, "maxLength": 500, "pattern": "\\S",
                        "description": "Die Frage; höchstens 500 Zeichen (Unicode-Codepunkte), nicht nur Leerraum"],
            "session": ["type": ["string", "null"], "pattern": "^([A-Za-z0-9_-]{8,64})?$",
                        "description": "Kennung des Gesprächs aus einer früheren Antwort; fehlt sie oder ist sie leer, beginnt ein neues"],
            "language": ["type": ["string", "null"], "enum": ["de", "en", "", .null],
                         "description": "Sprache der Antwort; ohne Angabe erkannt"],
            "choice": ["type": ["string", "null"],
                       "description": "Intent einer zuvor angebotenen Option; unbekannte werden ignoriert"],
        ],
    ]
    static let chatReply: JSONValue = [
        "type": "object",
        "properties": [
            "kind": ["type": "string", "enum": ["answer", "clarify", "fallback"]],
            "intent": ["type": ["string", "null"]],
            "confidence": ["type": "number", "minimum": 0, "maximum": 1],
            "answer": ["type": "string", "description": "Markdown"],
            "html": ["type": "string", "description": "Sicheres HTML derselben Antwort"],
            "options": ["type": "array", "items": option],
            "suggestions": ["type": "array", "items": option],
            "articles": ["type": "array", "items": ["type": "object", "properties": ["title": ["type": "string"], "url": ["type": "string"]]]],
            "session": ["type": "string"], "id": ["type": "string"], "language": ["type": "string"],
        ],
    ]
    static let feedback: JSONValue = [
        "type": "object", "required": ["id", "helpful"],
        "properties": ["id": ["type": "string"], "helpful": ["type": "boolean"], "comment": ["type": "string", "maxLength": 1000]],
    ]
    static let status: JSONValue = [
        "type": "object",
        "properties": [
            "intents": ["type": "integer"], "followUps": ["type": "integer"], "outOfScope": ["type": "integer"], "synonyms": ["type": "integer"],
            "files": ["type": "array", "items": ["type": "string"]], "lastError": ["type": ["string", "null"]],
            "lexiconWords": ["type": "object", "additionalProperties": ["type": "integer"]],
        ],
    ]
    static let analytics: JSONValue = [
        "type": "object",
        "properties": [
            "days": ["type": "integer"], "totalQuestions": ["type": "integer"], "questionsNotStored": ["type": "integer"],
            "unanswered": ["type": "array"], "signposts": ["type": "array"], "lowConfidence": ["type": "array"], "clarifyChoices": ["type": "array"],
            "topIntents": ["type": "array"], "daily": ["type": "array"], "feedback": ["type": "object"],
        ],
    ]
}
