import Foundation
import HTTPServer
import HTTPTypes
import Testing

@Suite struct FlatJSONObjectTests {
    /// The fast path's fields as a dictionary, to compare with Foundation's.
    static func strings(_ bytes: [UInt8]) -> [String: String?]? {
        FlatJSONObject.pairs(bytes).map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) }) }
    }

    static func decoded(_ text: String) -> [String: String?]? {
        try? JSONDecoder().decode([String: String?].self, from: Data(text.utf8))
    }

    @Test func readsFlatObjectsOfPlainStrings() {
        #expect(Self.strings(Array(#"{"message": "Wie melde ich mein Auto an?"}"#.utf8)) == ["message": "Wie melde ich mein Auto an?"])
        let expected: [String: String?] = ["a": "Führerschein 🙂", "b": String?.none]
        #expect(Self.strings(Array(" {\n\t\"a\" : \"Führerschein 🙂\" , \"b\":null }\r\n".utf8)) == expected)
        #expect(Self.strings(Array("{}".utf8)) == [:])
        #expect(Self.strings(Array(#"{"a": ""}"#.utf8)) == ["a": ""])
        // Invalid UTF-8 inside a string is not for the fast path (decodeJSON names the problem).
        #expect(Self.strings(Array(#"{"a": "x"#.utf8) + [0xFF] + Array(#""}"#.utf8)) == nil)
        #expect(Self.strings(Array(#"{"a": "x"}"#.utf8) + [0xC3]) == nil)
    }

    @Test func pairsKeepTheFieldsInTheirOrder() {
        let pairs = FlatJSONObject.pairs(Array(#"{"session": null, "message": "Hallo", "language": "de"}"#.utf8))
        #expect(pairs?.map(\.key) == ["session", "message", "language"])
        #expect(pairs?.map(\.value) == [nil, "Hallo", "de"])
        #expect(FlatJSONObject.pairs(Array(#"{"a": "x", "a": null}"#.utf8)) == nil)
    }

    @Test func leavesEverythingElseToTheDecoder() {
        for text in [#"{"a": "say \"hi\""}"#, #"{"a": "\u00fc"}"#, #"{"a": 1}"#, #"{"a": true}"#, #"{"a": {"b": "c"}}"#,
                     #"{"a": ["x"]}"#, #"{"a": "x", "a": "y"}"#, #"{"a": "x"} trailing"#, #"{"a": "x",}"#, #"{"a" "x"}"#,
                     #"{"a": "x""#, #"{"a": nul}"#, #"{"a": nullx}"#, "[\"a\"]", "\"a\"", "", "{", "{\"a\": \"line\nbreak\"}",
                     #"{a: "x"}"#, #"{"a": 'x'}"#] {
            #expect(Self.strings(Array(text.utf8)) == nil, "\(text)")
        }
    }

    @Test func readsOnlyJSONBodiesWhateverTheCaseOfTheirType() throws {
        func fields(_ type: String) throws -> [String: String?]? {
            let request = Request(method: .post, path: "/api/chat", headerFields: [.contentType: type],
                                  body: .bytes(Data(#"{"message": "Hallo"}"#.utf8)))
            return try request.flatJSONFields().map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, $0.value) }) }
        }
        for type in ["application/json", "application/json; charset=utf-8", "Application/JSON", "APPLICATION/JSON;charset=UTF-8",
                     "application/problem+json", "application/ld+JSON"] {
            #expect(try fields(type) == ["message": "Hallo"], "\(type)")
        }
        for type in ["text/plain", "application/jso", "application/x-www-form-urlencoded", "json", ""] {
            #expect(try fields(type) == nil, "\(type)")
        }
    }

    @Test func agreesWithFoundationWheneverItAnswers() {
        // Every text of up to five pieces of JSON's own alphabet: whenever the fast path
        // answers, Foundation's decoder reads the same object (and so never fails).
        let pieces = ["{", "}", "\"", "\"a\"", "\"b\"", ":", ",", " ", "null", "\"ü\"", "\\", "1", "[", "\"\""]
        var texts = [""]
        var answered = 0
        for _ in 1...5 {
            texts = texts.flatMap { text in pieces.map { text + $0 } }
            for text in texts {
                guard let fast = Self.strings(Array(text.utf8)) else { continue }
                answered += 1
                #expect(Self.decoded(text) == fast, "\(text)")
            }
        }
        #expect(answered > 10)
    }
}
