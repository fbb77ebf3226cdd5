import Foundation
import HTTPServer
import HTTPTypes
import Testing

@Suite struct FormTests {
    func request(_ contentType: String, _ body: String) -> Request {
        var request = Request(method: .post, path: "/form", body: .bytes(Data(body.utf8)))
        request.headerFields[.contentType] = contentType
        return request
    }

    @Test func urlencodedFields() throws {
        var request = request("application/x-www-form-urlencoded", "name=M%C3%BCller&room=A+1.02")
        let form = try request.form()
        #expect(form["name"] == "Müller")
        #expect(form["room"] == "A 1.02")
        #expect(throws: HTTPError.self) { try form.require("missing") }
    }

    @Test func multipartFieldsAndFiles() throws {
        let body = [
            "--XyZ", "Content-Disposition: form-data; name=\"title\"", "", "Brief vom Amt",
            "--XyZ", "Content-Disposition: form-data; name=\"scan\"; filename=\"C:\\\\scans\\\\brief.pdf\"", "Content-Type: application/pdf", "",
            "%PDF-1.4 bytes\r\nwith a line break",
            "--XyZ--", "",
        ].joined(separator: "\r\n")
        var request = request("multipart/form-data; boundary=XyZ", body)
        let form = try request.form()
        #expect(form["title"] == "Brief vom Amt")
        #expect(form.files.count == 1)
        #expect(form.files[0].filename == "brief.pdf")
        #expect(form.files[0].contentType == "application/pdf")
        #expect(String(decoding: try form.files[0].content.data(), as: UTF8.self) == "%PDF-1.4 bytes\r\nwith a line break")
    }

    @Test func malformedMultipartIsABadRequest() {
        var truncated = request("multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue")
        #expect(throws: HTTPError.self) { try truncated.form() }
        var noBoundary = request("multipart/form-data", "--XyZ--")
        #expect(throws: HTTPError.self) { try noBoundary.form() }
    }

    @Test func jsonDecodingNamesTheField() throws {
        struct Thing: Decodable { let name: String; let count: Int }
        var request = Request(method: .post, path: "/api/x", body: .bytes(Data(#"{"name": "a"}"#.utf8)))
        request.headerFields[.contentType] = "application/json"
        let error = #expect(throws: HTTPError.self) { try request.decodeJSON(Thing.self) }
        #expect(error?.status == .badRequest)
        #expect(error?.message.contains("count") == true)

        request.headerFields[.contentType] = "text/plain"
        let wrongType = #expect(throws: HTTPError.self) { try request.decodeJSON(Thing.self) }
        #expect(wrongType?.status == .unsupportedMediaType)
    }
}
