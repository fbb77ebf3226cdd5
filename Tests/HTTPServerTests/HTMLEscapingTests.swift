import HTTPServer
import Testing

@Suite struct HTMLEscapingTests {
    @Test func escapesEveryMetacharacterWhateverFollowsIt() {
        #expect(HTMLEscaping.escape("Straße & \"Amt\" <b> 'x'") == "Straße &amp; &quot;Amt&quot; &lt;b&gt; &#39;x&#39;")
        for mark in ["\u{301}", "\u{338}", "\u{20DD}"] {
            for character in ["\"", "'", "<", ">", "&"] {
                let escaped = HTMLEscaping.escape(character + mark)
                let raw = UInt8(ascii: character.unicodeScalars.first!)
                #expect(character == "&" || !escaped.utf8.contains(raw), "\(escaped.debugDescription)")
                #expect(escaped.unicodeScalars.last == mark.unicodeScalars.first && escaped.utf8.first == UInt8(ascii: "&"))
            }
        }
        #expect(HTMLEscaping.escape("nichts zu tun") == "nichts zu tun")
        #expect(HTMLEscaping.escape("") == "")
    }
}

@Suite struct SitePathTests {
    @Test func onlyPathsOnThisSiteByteByByte() {
        for local in ["/", "/termine", "/wiki/Start?x=1", "/ämter", "/a//b"] {
            #expect(SitePath.isLocal(local), "\(local)")
        }
        for elsewhere in ["", "termine", "//elsewhere.example", "/\\elsewhere.example", "//\u{301}elsewhere.example",
                          "/\\\u{301}elsewhere.example", "https://elsewhere.example", "\u{301}/x"] {
            #expect(!SitePath.isLocal(elsewhere), "\(elsewhere.unicodeScalars.map(\.value))")
        }
        #expect(SitePath.hasPrefix("/api/\u{301}x", "/api/"))
        #expect(!SitePath.hasPrefix("/ap", "/api/"))
    }
}
