import Foundation
import HTTPTypes

/// An HTTP response: status, header fields and the whole body in memory.
///
/// ```swift
/// return try .json(["status": "ok"])
/// return .html(page, status: .ok)
/// return .redirect(to: "/login")
/// ```
public struct Response: Sendable {
    public var status: HTTPResponse.Status
    public var headerFields: HTTPFields
    public var body: Data
    /// Fields that go out before `headerFields`, prepared once for every response that
    /// carries them (the security headers); nil for none.
    public var headerBlock: HeaderBlock?

    /// Everything the response sends: the block's fields, then `headerFields`.
    public var allHeaderFields: HTTPFields {
        guard let headerBlock else { return headerFields }
        var fields = headerBlock.fields
        fields.append(contentsOf: headerFields)
        return fields
    }

    public init(status: HTTPResponse.Status = .ok, headerFields: HTTPFields = HTTPFields(), body: Data = Data()) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    /// A JSON response (`application/json; charset=utf-8`).
    public static func json<Value: Encodable>(_ value: Value, status: HTTPResponse.Status = .ok) throws -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headerFields: fields, body: try encoder.encode(value))
    }

    /// An HTML page (`text/html; charset=utf-8`).
    public static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headerFields: fields, body: Data(page.utf8))
    }

    /// Plain text (`text/plain; charset=utf-8`).
    public static func text(_ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8") -> Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        return Response(status: status, headerFields: fields, body: Data(text.utf8))
    }

    /// A `303 See Other` to a local path, the answer to a successful form post.
    public static func redirect(to location: String, status: HTTPResponse.Status = .seeOther) -> Response {
        var fields = HTTPFields()
        fields[.location] = location
        return Response(status: status, headerFields: fields)
    }

    public static let noContent = Response(status: .noContent)

    /// Adds a `Set-Cookie` header.
    public mutating func setCookie(_ cookie: Cookie) {
        headerFields.append(HTTPField(name: .setCookie, value: cookie.headerValue))
    }
}

/// A cookie to set; defaults are the safe ones (HttpOnly, SameSite=Lax, Path=/).
public struct Cookie: Sendable {
    public var name: String
    public var value: String
    public var path = "/"
    public var maxAge: Int?
    public var httpOnly = true
    public var secure = false
    public var sameSite = "Lax"

    public init(name: String, value: String, maxAge: Int? = nil, secure: Bool = false) {
        self.name = name
        self.value = value
        self.maxAge = maxAge
        self.secure = secure
    }

    /// A cookie that deletes `name` in the browser.
    public static func expired(_ name: String, secure: Bool = false) -> Cookie {
        Cookie(name: name, value: "", maxAge: 0, secure: secure)
    }

    public var headerValue: String {
        var parts = ["\(name)=\(value)", "Path=\(path)"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if httpOnly { parts.append("HttpOnly") }
        if secure { parts.append("Secure") }
        parts.append("SameSite=\(sameSite)")
        return parts.joined(separator: "; ")
    }
}
