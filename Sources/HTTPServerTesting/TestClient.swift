import Foundation
import HTTPServer
import HTTPTypes

/// Sends requests straight into an `HTTPApplication`, without a socket: the fast way to test
/// routes and middleware. `LiveClient` does the same over a real listener.
///
/// ```swift
/// let client = TestClient(app)
/// let response = client.execute(.post, "/api/things", json: #"{"name": "A"}"#)
/// #expect(response.status == .created)
/// ```
public struct TestClient: Sendable {
    public let application: HTTPApplication
    public var listener: String
    public var remoteAddress: String

    public init(_ application: HTTPApplication, listener: String = "intranet", remoteAddress: String = "127.0.0.1") {
        self.application = application
        self.listener = listener
        self.remoteAddress = remoteAddress
    }

    public func execute(
        _ method: HTTPRequest.Method, _ target: String, headers: HTTPFields = HTTPFields(), body: Data? = nil
    ) -> TestResponse {
        let (path, query) = target.splitTarget()
        var request = Request(method: method, path: path, headerFields: headers, remoteAddress: remoteAddress,
                              body: body.map { $0.isEmpty ? .empty : .bytes($0) } ?? .empty, listener: listener)
        do {
            request.query = try QueryParameters(parsing: query)
            request.path = try FormDecoding.percentDecode(path)
        } catch {
            return TestResponse(status: .badRequest, headerFields: HTTPFields(), body: Data())
        }
        let response = application.respond(to: request)
        var fields = response.allHeaderFields
        fields[.requestID] = request.id  // as the listener does on the wire
        return TestResponse(status: response.status, headerFields: fields, body: response.body)
    }

    public func execute(_ method: HTTPRequest.Method, _ target: String, headers: HTTPFields = HTTPFields(), json: String) -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return execute(method, target, headers: headers, body: Data(json.utf8))
    }

    public func execute(_ method: HTTPRequest.Method, _ target: String, headers: HTTPFields = HTTPFields(), form: [(String, String)]) -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = form.map { "\(FormDecoding.encode($0.0))=\(FormDecoding.encode($0.1))" }.joined(separator: "&")
        return execute(method, target, headers: headers, body: Data(body.utf8))
    }
}

/// A response as a test sees it.
public struct TestResponse: Sendable {
    public var status: HTTPResponse.Status
    public var headerFields: HTTPFields
    public var body: Data

    public init(status: HTTPResponse.Status, headerFields: HTTPFields, body: Data) {
        self.status = status
        self.headerFields = headerFields
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (nil when it is not one).
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
    }

    /// `error.code` of a JSON error body.
    public var errorCode: String? {
        (json?["error"] as? [String: Any])?["code"] as? String
    }

    /// The values of `Set-Cookie` headers, by cookie name.
    public var cookies: [String: String] {
        var result: [String: String] = [:]
        for value in headerFields[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { result[String(pair[0])] = String(pair[1]) } else if pair.count == 1 { result[String(pair[0])] = "" }
        }
        return result
    }
}

extension String {
    func splitTarget() -> (path: String, query: String) {
        guard let mark = firstIndex(of: "?") else { return (self, "") }
        return (String(self[..<mark]), String(self[index(after: mark)...]))
    }
}
