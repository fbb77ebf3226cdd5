import HTTPServer
import HTTPTypes
import Testing

@Suite struct HeaderBlockTests {
    @Test func cStringsAreTheFieldsInOrder() {
        let fields: HTTPFields = [.contentSecurityPolicy: SecurityHeaders.contentSecurityPolicy, .xContentTypeOptions: "nosniff",
                                  .cacheControl: "no-store", .referrerPolicy: ""]
        var seen: [(String, String)] = []
        HeaderBlock(fields).withCStrings { name, value in seen.append((String(cString: name), String(cString: value))) }
        #expect(seen.map(\.0) == fields.map(\.name.rawName))
        #expect(seen.map(\.1) == fields.map(\.value))
    }

    @Test func aResponseSendsItsBlockBeforeItsOwnFields() {
        var response = Response.text("x")
        response.headerBlock = HeaderBlock([.xFrameOptions: "DENY"])
        #expect(response.allHeaderFields.map(\.name) == [.xFrameOptions, .contentType])
        #expect(response.headerFields.map(\.name) == [.contentType])
    }
}
