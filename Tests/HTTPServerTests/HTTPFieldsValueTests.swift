import HTTPServer
import HTTPTypes
import Testing

@Suite struct HTTPFieldsValueTests {
    @Test func agreesWithTheSubscript() throws {
        let custom = try #require(HTTPField.Name("X-Kreis"))
        var fields = HTTPFields()
        fields.append(HTTPField(name: .contentType, value: "application/json"))
        fields.append(HTTPField(name: try #require(HTTPField.Name("CONTENT-LENGTH")), value: "12"))
        fields.append(HTTPField(name: .accept, value: "text/html"))
        fields.append(HTTPField(name: .accept, value: "application/json"))
        fields.append(HTTPField(name: .cookie, value: "a=1"))
        fields.append(HTTPField(name: .cookie, value: "b=2"))
        for name in [HTTPField.Name.contentType, .contentLength, .accept, .cookie, .origin, custom] {
            #expect(fields.value(name) == fields[name], "\(name)")
        }
        #expect(fields.value(.contentLength) == "12")
        #expect(fields.value(.accept) == "text/html, application/json")
        #expect(fields.value(.cookie) == "a=1; b=2")
        #expect(fields.value(.origin) == nil)
    }
}
