@testable import Daemon
import Foundation
import HTTPServer
import Testing

@Suite struct LogOutputTests {
    @Test func jsonTextEscapesWhatJSONRequires() throws {
        let nasty = "/a\"b\\c\nd\u{01}é"
        let data = Data("{\"v\":\(JSONWriter.quoted(nasty))}".utf8)
        let parsed = try JSONSerialization.jsonObject(with: data) as? [String: String]
        #expect(parsed?["v"] == nasty)
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        let stamp = StandardErrorLogHandler.timestamp()
        #expect(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    }

    @Test func accessRecordsFormatMilliseconds() {
        let record = AccessRecord(method: "GET", path: "/", status: 200, bytes: 1, microseconds: 1_005,
                                  listener: "intranet", remoteAddress: "::1", requestID: RequestID.make())
        #expect(record.milliseconds == "1.005")
        #expect(record.requestID.count == 16)
        #expect(RequestID.make() != RequestID.make())
    }
}
