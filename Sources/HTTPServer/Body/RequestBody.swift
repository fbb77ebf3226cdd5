import Foundation
import HTTPTypes

/// A request body: nothing, bytes in memory, or a file it was streamed to (uploads).
public enum RequestBody: Sendable {
    case empty
    case bytes(Data)
    case file(SpooledFile)

    public var count: Int {
        switch self {
        case .empty: 0
        case .bytes(let data): data.count
        case .file(let file): file.size
        }
    }

    /// The body's bytes; a spooled file is memory-mapped, not read into the heap.
    public func data() throws -> Data {
        switch self {
        case .empty: Data()
        case .bytes(let data): data
        case .file(let file): try Data(contentsOf: file.url, options: .alwaysMapped)
        }
    }
}

/// A temporary file holding an uploaded body; deleted when the last reference goes away.
public final class SpooledFile: Sendable {
    public let url: URL
    public let size: Int

    public init(url: URL, size: Int) {
        self.url = url
        self.size = size
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// How much body a route accepts, and where it is kept while the request arrives.
public enum BodyLimit: Sendable, Equatable {
    /// The listener's standard limit (JSON and forms, default 1 MiB), kept in memory.
    case standard
    /// The listener's upload limit, streamed to a temporary file.
    case upload
}

extension Request {
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    /// Whether the content type is JSON (`application/json…` or `…+json`, in any case),
    /// compared byte by byte without building a lowercased copy.
    var hasJSONContentType: Bool {
        guard let value = headerFields.value(.contentType) else { return false }
        let utf8 = value.utf8
        // What clients send, as it is: compared without mapping (the lazily lower-cased
        // comparison below cost 2k instructions a chat request).
        if utf8.starts(with: "application/json".utf8) { return true }
        func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        return utf8.lazy.map(lower).starts(with: "application/json".utf8)
            || (utf8.count >= 5 && utf8.suffix(5).lazy.map(lower).elementsEqual("+json".utf8))
    }

    /// Decodes a JSON body. Wrong content type is 415; malformed JSON or a wrong shape is 400
    /// with a message naming the field.
    public func decodeJSON<Value: Decodable>(_ type: Value.Type = Value.self) throws -> Value {
        guard hasJSONContentType else {
            throw HTTPError(.unsupportedMediaType, code: "unsupported_media_type",
                            message: "Erwartet wird ein JSON-Body (Content-Type: application/json).")
        }
        let data = try body.data()
        guard !data.isEmpty else {
            throw HTTPError.badRequest("Der JSON-Body fehlt.", code: "invalid_json")
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw HTTPError.badRequest("Der Body ist kein gültiges UTF-8.", code: "invalid_utf8")
        }
        do {
            return try Self.decoder.decode(Value.self, from: data)
        } catch let error as DecodingError {
            throw HTTPError.badRequest(JSONErrorDescription.describe(error), code: "invalid_json")
        } catch {
            throw HTTPError.badRequest("Der Body ist kein gültiges JSON.", code: "invalid_json")
        }
    }
}

/// Turns Foundation's decoding errors into short German messages that name the field.
enum JSONErrorDescription {
    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let names = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return names.isEmpty ? "Wurzel" : names.joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return "Der Body ist kein gültiges JSON."
            }
            return "Ungültiger Wert in Feld \(path(context.codingPath))."
        case .keyNotFound(let key, let context):
            return "Pflichtfeld \(path(context.codingPath + [key])) fehlt."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "Feld \(path(context.codingPath)) hat den falschen Typ."
        @unknown default:
            return "Der Body ist kein gültiges JSON."
        }
    }
}
