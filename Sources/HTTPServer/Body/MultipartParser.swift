import Foundation

/// Parses `multipart/form-data` (RFC 7578). Text fields land in memory; file parts of a body
/// that was spooled to disk are written to their own spool files, so a large upload is never
/// copied into the heap.
struct MultipartParser {
    let boundary: String
    let spoolDirectory: URL?
    /// Text fields are small by nature; a larger one is refused.
    static let maxFieldBytes = 64 * 1024

    static func boundary(from contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0.trimmingSpacesAndTabs()) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    private func malformed(_ detail: String) -> HTTPError {
        HTTPError.badRequest("Das Formular ist fehlerhaft: \(detail).", code: "bad_multipart")
    }

    func parse(_ data: Data) throws -> FormData {
        let delimiter = Data("--\(boundary)".utf8)
        let partDelimiter = Data("\r\n--\(boundary)".utf8)
        var form = FormData()

        guard let first = data.range(of: delimiter) else { throw malformed("die erste Grenze fehlt") }
        var cursor = first.upperBound
        while true {
            // After a delimiter: "--" ends the body, CRLF starts a part.
            if data[cursor...].starts(with: Data("--".utf8)) { return form }
            guard data[cursor...].starts(with: Data("\r\n".utf8)) else { throw malformed("nach einer Grenze fehlt der Zeilenumbruch") }
            cursor += 2
            guard let headerEnd = data.range(of: Data("\r\n\r\n".utf8), in: cursor..<data.endIndex) else {
                throw malformed("ein Teil hat keine Kopfzeilen")
            }
            guard headerEnd.lowerBound - cursor <= 16 * 1024,
                  let headerText = String(data: data[cursor..<headerEnd.lowerBound], encoding: .utf8) else {
                throw malformed("die Kopfzeilen eines Teils sind ungültig")
            }
            let contentStart = headerEnd.upperBound
            guard let next = data.range(of: partDelimiter, in: contentStart..<data.endIndex) else {
                throw malformed("die abschließende Grenze fehlt")
            }
            let content = data[contentStart..<next.lowerBound]
            try add(part: headerText, content: content, to: &form)
            cursor = next.upperBound
        }
    }

    private func add(part headerText: String, content: Data, to form: inout FormData) throws {
        var disposition: String?
        var contentType = "application/octet-stream"
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw malformed("eine Kopfzeile hat keinen Doppelpunkt") }
            let name = line[..<colon].trimmingSpacesAndTabs().lowercased()
            let value = String(line[line.index(after: colon)...].trimmingSpacesAndTabs())
            if name == "content-disposition" { disposition = value }
            if name == "content-type" { contentType = value }
        }
        guard let disposition, disposition.lowercased().hasPrefix("form-data") else {
            throw malformed("ein Teil hat keine Content-Disposition form-data")
        }
        let parameters = Self.parameters(of: disposition)
        guard let fieldName = parameters["name"] else { throw malformed("ein Teil hat keinen Namen") }

        if let filename = parameters["filename"] {
            let body: RequestBody
            if let spoolDirectory {
                let url = spoolDirectory.appendingPathComponent("part-\(UUID().uuidString)")
                try content.write(to: url)
                body = .file(SpooledFile(url: url, size: content.count))
            } else {
                body = .bytes(Data(content))
            }
            form.files.append(UploadedFile(fieldName: fieldName, filename: Self.baseName(filename), contentType: contentType, content: body))
        } else {
            guard content.count <= Self.maxFieldBytes else { throw malformed("das Feld „\(fieldName)“ ist zu lang") }
            guard let value = String(data: content, encoding: .utf8) else {
                throw malformed("das Feld „\(fieldName)“ ist kein gültiges UTF-8")
            }
            form.fields.append(fieldName, value)
        }
    }

    /// `form-data; name="a"; filename="b.pdf"` -> ["name": "a", "filename": "b.pdf"]
    static func parameters(of disposition: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(disposition)
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...].drop { $0 == " " }
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingSpacesAndTabs().lowercased()
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped { value.append(character); escaped = false; continue }
                    if character == "\\" { escaped = true; continue }
                    if character == "\"" { break }
                    value.append(character)
                }
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                value = String(rest[..<end].trimmingSpacesAndTabs())
                rest = rest[end...]
            }
            result[key] = value
        }
        return result
    }

    /// Browsers may send a path; only the last component is the name.
    static func baseName(_ filename: String) -> String {
        let last = filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return last.isEmpty ? "upload" : last
    }
}
