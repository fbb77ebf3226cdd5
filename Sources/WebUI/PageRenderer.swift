import Foundation
import HTTPServer
import HTTPTypes
import Mustache

/// Who is looking at a page: set by the auth middleware for signed-in users, read by the
/// layout (name, logout form with its CSRF token, navigation).
public struct Viewer: Sendable {
    public var displayName: String
    public var csrfToken: String
    public var roles: Set<String>

    public init(displayName: String, csrfToken: String, roles: Set<String>) {
        self.displayName = displayName
        self.csrfToken = csrfToken
        self.roles = roles
    }
}

public enum ViewerKey: RequestAttributeKey {
    public typealias Value = Viewer
}

/// A link in the main navigation, shown to viewers holding one of `roles` (empty: everyone).
public struct NavigationItem: Sendable {
    public var label: String
    public var href: String
    public var roles: Set<String>

    public init(label: String, href: String, roles: Set<String> = []) {
        self.label = label
        self.href = href
        self.roles = roles
    }
}

/// Renders pages into the shared layout. Templates are Mustache and escape every value;
/// features register their own templates under their own names.
///
/// ```swift
/// return pages.render("login", title: "Anmelden", context: ["next": "/"], for: request)
/// ```
public final class PageRenderer: Sendable {
    public let siteName: String
    public let organisation: String
    public let navigation: [NavigationItem]
    private let library: MustacheLibrary
    public let stylesheet: StaticAsset

    public init(siteName: String = "Kreishaus", organisation: String, navigation: [NavigationItem] = [],
                templates extra: [String: String] = [:]) throws {
        self.siteName = siteName
        self.organisation = organisation
        self.navigation = navigation
        var library = MustacheLibrary()
        _ = Self.registerEscaping
        for (name, text) in Templates.all.merging(extra, uniquingKeysWith: { $1 }) {
            // Every template (and so every partial and layout, which Mustache renders with its
            // built-in escaping unless they say otherwise) escapes through `HTMLEscaping`.
            try library.register(Self.escapingPragma + text, named: name)
        }
        self.library = library
        self.stylesheet = StaticAsset(path: "/assets/site.css", contentType: "text/css; charset=utf-8", contents: Data(Stylesheet.css.utf8))
    }

    /// Mustache's built-in HTML escaping compares Characters, and a quote followed by a
    /// combining mark is one Character that it copies raw: `value="{{question}}"` with
    /// `"\u{301} autofocus onfocus=…` in the question left the attribute. Templates escape
    /// with `HTMLEscaping` (bytes) instead, selected by this pragma.
    static let escapingPragma = "{{% CONTENT_TYPE: \(ByteWiseHTML.name)}}"

    private static let registerEscaping: Void = MustacheContentTypes.register(ByteWiseHTML(), named: ByteWiseHTML.name)

    private struct ByteWiseHTML: MustacheContentType {
        static let name = "KREISHAUS_HTML"
        func escapeText(_ text: String) -> String { HTMLEscaping.escape(text) }
    }

    /// Renders `template` with `context` plus the layout's values.
    public func render(_ template: String, title: String, context: [String: Any] = [:], for request: Request,
                       status: HTTPResponse.Status = .ok) -> Response {
        var values = context
        values["title"] = title
        values["siteName"] = siteName
        values["organisation"] = organisation
        values["stylesheet"] = stylesheet.url
        if let viewer = request.attributes[ViewerKey.self] {
            values["viewer"] = [
                "displayName": viewer.displayName,
                "csrfToken": viewer.csrfToken,
                "navigation": navigation
                    .filter { $0.roles.isEmpty || !$0.roles.isDisjoint(with: viewer.roles) || viewer.roles.contains("admin") }
                    .map { ["label": $0.label, "href": $0.href, "current": request.path == $0.href] as [String: Any] },
            ] as [String: Any]
            if values["displayName"] == nil { values["displayName"] = viewer.displayName }
        }
        guard let html = library.render(values, withTemplate: template) else {
            return .html("<!doctype html><html lang=\"de\"><title>Fehler</title><p>Seite nicht gefunden.</p></html>", status: .internalServerError)
        }
        return .html(html, status: status)
    }

    /// The routes of the layout's own assets.
    public var assetRoutes: [Route] { [stylesheet.route()] }
}

/// Error pages in the site's layout.
public struct WebErrorPages: ErrorPageRenderer {
    let pages: PageRenderer

    public init(_ pages: PageRenderer) {
        self.pages = pages
    }

    public func errorPage(for error: HTTPError, request: Request) -> Response {
        let heading: String = switch error.status.code {
        case 400: "Ungültige Anfrage"
        case 401: "Anmeldung erforderlich"
        case 403: "Kein Zugriff"
        case 404: "Seite nicht gefunden"
        case 405: "Methode nicht erlaubt"
        case 413: "Zu groß"
        case 429: "Zu viele Anfragen"
        case 500...: "Interner Fehler"
        default: "Fehler \(error.status.code)"
        }
        var context: [String: Any] = ["heading": heading, "message": error.message, "requestID": request.id]
        // Browsers are redirected to the login page before this; a client that did not say it
        // takes HTML still gets a way there, back to the page it asked for, instead of a
        // link to the start page, which needs a sign-in too.
        if error.status == .unauthorized {
            let readable = request.method == .get || request.method == .head
            context["signIn"] = "/login?next=" + FormDecoding.encode(readable ? request.pathAndQuery : "/")
        }
        return pages.render("error", title: heading, context: context, for: request, status: error.status)
    }
}
