import HTTPTypes

/// The API documentation of one route, kept beside the route so the two cannot drift apart.
///
/// ```swift
/// OpenAPIOperation(summary: "Neues API-Token", tags: ["Auth"],
///                  requestBody: ["type": "object", "required": ["name"], "properties": [...]],
///                  responses: [201: "Token angelegt"])
/// ```
public struct OpenAPIOperation: Sendable {
    public var summary: String
    public var description: String?
    public var tags: [String]
    /// JSON schema of the request body; nil for none.
    public var requestBody: JSONValue?
    /// Content type of the request body.
    public var requestContentType: String
    /// Query parameters: name -> schema.
    public var queryParameters: [String: JSONValue]
    /// Schemas of path parameters (default: string).
    public var pathParameters: [String: JSONValue]
    /// Success responses: status -> (description, schema or nil).
    public var responses: [Int: String]
    public var responseSchemas: [Int: JSONValue]

    public init(
        summary: String,
        description: String? = nil,
        tags: [String],
        requestBody: JSONValue? = nil,
        requestContentType: String = "application/json",
        queryParameters: [String: JSONValue] = [:],
        pathParameters: [String: JSONValue] = [:],
        responses: [Int: String] = [200: "OK"],
        responseSchemas: [Int: JSONValue] = [:]
    ) {
        self.summary = summary
        self.description = description
        self.tags = tags
        self.requestBody = requestBody
        self.requestContentType = requestContentType
        self.queryParameters = queryParameters
        self.pathParameters = pathParameters
        self.responses = responses
        self.responseSchemas = responseSchemas
    }
}

/// Builds the OpenAPI 3.1 document for a set of routes.
public enum OpenAPIDocument {
    static let errorSchema: JSONValue = [
        "type": "object",
        "required": ["error"],
        "properties": [
            "error": [
                "type": "object",
                "required": ["code", "message"],
                "properties": ["code": ["type": "string"], "message": ["type": "string"]],
            ],
        ],
    ]

    /// The document for the `/api` routes among `routes` (plus `/healthz`).
    public static func build(title: String, version: String, routes: [Route]) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for route in routes where route.path.hasPrefix("/api") || route.path == "/healthz" {
            guard let operation = route.operation else { continue }
            let openAPIPath = "/" + route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            var item: [String: JSONValue] = [:]
            if case .object(let existing) = paths[openAPIPath] { item = existing }
            item[route.method.rawValue.lowercased()] = describe(route, operation)
            paths[openAPIPath] = .object(item)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(title), "version": .string(version)],
            "paths": .object(paths),
            "components": [
                "schemas": ["Error": errorSchema],
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "kh_session"],
                ],
            ],
        ]
    }

    /// A string in the path or query may hold any character but NUL (`%00` is answered with
    /// 400: a NUL cut short whatever C code it reached). Said in the schema, as a pattern.
    static func withoutNUL(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema, fields["type"] == .string("string"), fields["pattern"] == nil else { return schema }
        fields["pattern"] = .string("^[^\u{0}]*$")
        return .object(fields)
    }

    private static func describe(_ route: Route, _ operation: OpenAPIOperation) -> JSONValue {
        var parameters: [JSONValue] = route.parameterNames.map {
            ["name": .string($0), "in": "path", "required": true, "schema": withoutNUL(operation.pathParameters[$0] ?? ["type": "string"])]
        }
        for (name, schema) in operation.queryParameters.sorted(by: { $0.key < $1.key }) {
            parameters.append(["name": .string(name), "in": "query", "required": false, "schema": withoutNUL(schema)])
        }
        var responses: [String: JSONValue] = [:]
        let errorContent: JSONValue = ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
        for (status, text) in operation.responses {
            var response: [String: JSONValue] = ["description": .string(text)]
            if let schema = operation.responseSchemas[status] {
                response["content"] = ["application/json": ["schema": schema]]
            } else if status >= 400 {
                response["content"] = errorContent
            }
            responses[String(status)] = .object(response)
        }
        var errors: [(Int, String)] = [(400, "Ungültige Anfrage"), (404, "Nicht gefunden"), (405, "Methode nicht erlaubt"),
                                        (413, "Anfrage zu groß"), (415, "Falscher Content-Type"), (429, "Zu viele Anfragen")]
        if route.access != .anyone { errors += [(401, "Nicht angemeldet"), (403, "Keine Berechtigung oder CSRF-Token fehlt")] }
        if route.method != .get { errors += [(409, "Konflikt"), (422, "Inhaltlich ungültig")] }
        for (status, text) in errors where responses[String(status)] == nil {
            responses[String(status)] = ["description": .string(text), "content": errorContent]
        }
        var result: [String: JSONValue] = [
            "summary": .string(operation.summary),
            "tags": .array(operation.tags.map { .string($0) }),
            "responses": .object(responses),
        ]
        if let description = operation.description { result["description"] = .string(description) }
        if !parameters.isEmpty { result["parameters"] = .array(parameters) }
        if let body = operation.requestBody {
            result["requestBody"] = ["required": true, "content": .object([operation.requestContentType: ["schema": body]])]
        }
        result["security"] = route.access == .anyone ? [] : [["bearer": []], ["session": []]]
        return .object(result)
    }
}
