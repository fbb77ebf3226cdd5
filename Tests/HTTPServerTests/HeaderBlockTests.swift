@testable import HTTPServer
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

@Suite struct CommonHeaderNameTests {
    /// Every name the fast path knows, in any case, is the name `HTTPField.Name(_:)` makes;
    /// anything else is left to it.
    @Test func knownNamesMatchTheGeneralPath() {
        let names = ["Host", "Accept", "Cookie", "Origin", "Referer", "User-Agent", "Connection", "Content-Type", "Authorization",
                     "Cache-Control", "If-None-Match", "Content-Length", "Accept-Encoding", "Accept-Language"]
        for name in names {
            for spelling in [name, name.lowercased(), name.uppercased()] {
                let fast = spelling.withCString { commonHeaderName($0) }
                #expect(fast == HTTPField.Name(spelling), "\(spelling)")
                #expect(fast?.canonicalName == name.lowercased())
            }
        }
        for other in ["X-Request-ID", "Hosts", "Hos", "Content-Typ", "Accept-Charset", "", "cookie2", "Upgrade-Insecure-Requests"] {
            #expect(other.withCString { commonHeaderName($0) } == nil, "\(other)")
        }
    }
}

@Suite struct CommonMethodTests {
    /// GET, HEAD and POST exactly as sent are found on the C string; anything else, another
    /// method, another case, a prefix or a longer word, is left to `HTTPRequest.Method(_:)`.
    @Test func onlyTheExactCommonMethodsTakeTheShortPath() {
        for (spelling, method) in [("GET", HTTPRequest.Method.get), ("HEAD", .head), ("POST", .post)] {
            #expect(spelling.withCString { commonMethod($0) } == method)
        }
        for other in ["get", "GE", "GETS", "G", "", "HEA", "HEADER", "POS", "POSTS", "PUT", "DELETE", "PATCH", "OPTIONS", "Post"] {
            #expect(other.withCString { commonMethod($0) } == nil, "\(other)")
        }
    }
}
