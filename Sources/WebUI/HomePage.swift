import HTTPServer

/// One of the four areas on the start page.
public struct Area: Sendable {
    public var title: String
    public var description: String
    /// Where the area lives; nil while it is not built yet.
    public var href: String?

    public init(title: String, description: String, href: String?) {
        self.title = title
        self.description = description
        self.href = href
    }

    /// The four areas of Kreishaus, with the links of those that are available.
    public static func standard(booking: String? = nil, mailroom: String? = nil, wiki: String? = nil, chatbot: String? = nil) -> [Area] {
        [
            Area(title: "Buchung", description: "Räume, Dienstfahrzeuge und Geräte reservieren, abholen und zurückgeben.", href: booking),
            Area(title: "Posteingang", description: "Eingescannte Briefe und Faxe an die zuständige Stelle leiten und bearbeiten.", href: mailroom),
            Area(title: "Wiki", description: "Das Wissen des Hauses: Anleitungen, Abläufe und Ansprechpartner.", href: wiki),
            Area(title: "Chatbot", description: "Den Bürger-Assistenten der Website pflegen und auswerten.", href: chatbot),
        ]
    }
}

/// The start page: the four areas.
public enum HomePage {
    public static func route(pages: PageRenderer, areas: [Area]) -> Route {
        Route(.get, "/", access: .authenticated) { request in
            pages.render("home", title: "Start", context: [
                "areas": areas.map { ["title": $0.title, "description": $0.description, "href": $0.href ?? "", "available": $0.href != nil] as [String: Any] },
            ], for: request)
        }
    }
}
