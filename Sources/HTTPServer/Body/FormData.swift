import Foundation
import HTTPTypes

/// Fields and files of a submitted form, parsed from `application/x-www-form-urlencoded` or
/// `multipart/form-data`.
///
/// ```swift
/// let form = try request.form()
/// let title = try form.require("title")
/// let scan = form.files.first { $0.fieldName == "document" }
/// ```
public struct FormData: Sendable {
    public var fields: QueryParameters
    public var files: [UploadedFile]

    public init(fields: QueryParameters = QueryParameters(), files: [UploadedFile] = []) {
        self.fields = fields
        self.files = files
    }

    public subscript(name: String) -> String? { fields[name] }

    /// A field that must be present and not blank; 400 otherwise.
    public func require(_ name: String) throws -> String {
        guard let value = fields[name], !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw HTTPError.badRequest("Das Feld „\(name)“ fehlt.", code: "missing_field")
        }
        return value
    }
}

/// One file from a multipart form.
public struct UploadedFile: Sendable {
    public var fieldName: String
    public var filename: String
    public var contentType: String
    public var content: RequestBody
}

private enum ParsedFormKey: RequestAttributeKey {
    typealias Value = FormData
}

extension Request {
    /// The parsed form; 415 for a body that is no form, 400 for a malformed one.
    /// Parsed once: middleware (CSRF) and the handler share the result.
    public mutating func form() throws -> FormData {
        if let parsed = attributes[ParsedFormKey.self] { return parsed }
        let parsed = try parseForm()
        attributes[ParsedFormKey.self] = parsed
        return parsed
    }

    /// Like `form()`, for a request that cannot be mutated; parses again when not cached.
    public func parsedForm() throws -> FormData {
        if let parsed = attributes[ParsedFormKey.self] { return parsed }
        return try parseForm()
    }

    public var isFormSubmission: Bool {
        let type = headerFields[.contentType]?.lowercased() ?? ""
        return type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("multipart/form-data")
    }

    private func parseForm() throws -> FormData {
        let contentType = headerFields[.contentType] ?? ""
        let lowered = contentType.lowercased()
        if lowered.hasPrefix("application/x-www-form-urlencoded") {
            let data = try body.data()
            guard let text = String(data: data, encoding: .utf8) else {
                throw HTTPError.badRequest("Das Formular ist kein gültiges UTF-8.", code: "bad_encoding")
            }
            return FormData(fields: try QueryParameters(parsing: text))
        }
        if lowered.hasPrefix("multipart/form-data") {
            guard let boundary = MultipartParser.boundary(from: contentType) else {
                throw HTTPError.badRequest("Im Content-Type fehlt die multipart-Grenze (boundary).", code: "bad_multipart")
            }
            var spoolDirectory: URL?
            if case .file(let file) = body { spoolDirectory = file.url.deletingLastPathComponent() }
            return try MultipartParser(boundary: boundary, spoolDirectory: spoolDirectory).parse(try body.data())
        }
        throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type",
                        message: "Erwartet wird ein Formular (application/x-www-form-urlencoded oder multipart/form-data).")
    }
}
