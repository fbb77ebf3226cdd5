import Foundation
import HTTPTypes

/// The state of one request while libmicrohttpd delivers it: headers first, then the body in
/// chunks. Touched by one MHD thread at a time.
final class Exchange {
    let rawPath: String
    let remoteAddress: String
    let headerFields: HTTPFields
    let rawQuery: [(String, String?)]
    let id = RequestID.make()

    /// Nil when the request line's method is not a valid token.
    let method: HTTPRequest.Method?
    private(set) var decodedPath: String?
    /// The route, found once when the headers arrive.
    private(set) var resolution: Router.Resolution = .notFound
    var responded = false

    private var limit = 0
    private var spoolDirectory: URL?
    private var memory = Data()
    private var file: FileHandle?
    private var fileURL: URL?
    private var received = 0
    private var failure: HTTPError?

    init(method: HTTPRequest.Method?, rawPath: String, remoteAddress: String, headerFields: HTTPFields, rawQuery: [(String, String?)]) {
        self.method = method
        self.rawPath = rawPath
        self.remoteAddress = remoteAddress
        self.headerFields = headerFields
        self.rawQuery = rawQuery
    }

    deinit {
        try? file?.close()
        if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
    }

    /// Validates what arrived with the headers and decides where the body goes.
    func prepare(application: HTTPApplication, configuration: ListenerConfiguration) {
        do {
            guard method != nil else {
                throw HTTPError(.notImplemented, code: "unknown_method", message: "Diese HTTP-Methode wird nicht unterstützt.")
            }
            guard rawPath.utf8.first == UInt8(ascii: "/") else { throw HTTPError.badRequest("Die Adresse muss mit / beginnen.", code: "bad_path") }
            decodedPath = try FormDecoding.percentDecode(rawPath)
        } catch let error as HTTPError {
            failure = error
            return
        } catch {
            failure = HTTPError.badRequest("Die Adresse ist ungültig.", code: "bad_path")
            return
        }
        resolution = application.router.resolve(method!, decodedPath!)
        var bodyLimit = BodyLimit.standard
        if case .matched(let route, _) = resolution { bodyLimit = route.body }
        switch bodyLimit {
        case .standard:
            limit = configuration.bodyLimit
        case .upload:
            limit = configuration.uploadLimit
            spoolDirectory = configuration.uploadDirectory
        }
        if let declared = headerFields.value(.contentLength).flatMap(Int.init), declared > limit {
            failure = HTTPError.payloadTooLarge(limit: limit)
        }
    }

    /// The error decided from the headers alone, answered before reading the body.
    var headerFailure: HTTPError? { failure }

    /// Takes one chunk of the body. Returns false when the connection should be cut: the
    /// body went on far past its limit.
    func append(_ chunk: UnsafeRawBufferPointer) -> Bool {
        received += chunk.count
        if failure != nil {
            return received <= max(limit * 4, 16 << 20)
        }
        guard received <= limit else {
            failure = HTTPError.payloadTooLarge(limit: limit)
            discardBody()
            return true
        }
        do {
            if let spoolDirectory {
                if file == nil {
                    let url = spoolDirectory.appendingPathComponent("kreishaus-upload-\(UUID().uuidString)")
                    guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                        throw CocoaError(.fileWriteUnknown)
                    }
                    fileURL = url
                    file = try FileHandle(forWritingTo: url)
                }
                try file!.write(contentsOf: chunk)
            } else {
                memory.append(chunk.assumingMemoryBound(to: UInt8.self))
            }
        } catch {
            failure = HTTPError(.serviceUnavailable, code: "storage_failed",
                                message: "Der Inhalt konnte nicht zwischengespeichert werden. Bitte versuchen Sie es später erneut.")
            discardBody()
        }
        return true
    }

    private func discardBody() {
        memory = Data()
        try? file?.close()
        file = nil
        if let fileURL { try? FileManager.default.removeItem(at: fileURL) }
        fileURL = nil
    }

    func makeRequest(listener: String) throws -> Request {
        if let failure { throw failure }
        guard let method, let decodedPath else { throw HTTPError.badRequest("Die Anfrage ist ungültig.") }
        var query = QueryParameters()
        for (name, value) in rawQuery {
            query.append(try FormDecoding.decode(Substring(name)), try value.map { try FormDecoding.decode(Substring($0)) } ?? "")
        }
        let body: RequestBody
        if let file, let fileURL {
            try file.close()
            self.file = nil
            self.fileURL = nil  // ownership moves to the SpooledFile
            body = .file(SpooledFile(url: fileURL, size: received))
        } else {
            body = memory.isEmpty ? .empty : .bytes(memory)
        }
        return Request(method: method, path: decodedPath, query: query, headerFields: headerFields,
                       remoteAddress: remoteAddress, body: body, listener: listener, id: id)
    }
}
