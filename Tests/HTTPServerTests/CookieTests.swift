import HTTPServer
import HTTPTypes
import Testing

@Suite struct CookieTests {
    @Test func cookiesAreFoundAcrossPairsAndHeaders() {
        var request = Request(method: .get, path: "/")
        request.headerFields = [.cookie: " theme=dark ;\tkh_session=abc123\t; empty=; token=a=b", .userAgent: "x"]
        request.headerFields.append(HTTPField(name: .cookie, value: "lang=de"))
        #expect(request.cookie("kh_session") == "abc123")
        #expect(request.cookie("theme") == "dark")
        #expect(request.cookie("empty") == "")
        #expect(request.cookie("token") == "a=b")
        #expect(request.cookie("lang") == "de")
        #expect(request.cookie("kh") == nil)
        #expect(request.cookie("missing") == nil)
    }

    @Test func httpWhitespaceIsSpacesAndTabsOnly() {
        #expect(" \t a b \t ".trimmingSpacesAndTabs() == "a b")
        #expect("\u{a0}x\u{a0}".trimmingSpacesAndTabs() == "\u{a0}x\u{a0}")
        #expect("   ".trimmingSpacesAndTabs() == "")
        #expect("".trimmingSpacesAndTabs() == "")
        #expect("ü ".trimmingSpacesAndTabs() == "ü")
        let sub = "[ x ]".dropFirst().dropLast()
        #expect(sub.trimmingSpacesAndTabs() == "x")
    }
}
