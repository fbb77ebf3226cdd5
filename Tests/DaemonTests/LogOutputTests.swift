@testable import Daemon
import Foundation
import HTTPServer
import Synchronization
import Testing

@Suite struct LogOutputTests {
    @Test func jsonTextEscapesWhatJSONRequires() throws {
        let nasty = "/a\"b\\c\nd\u{01}é"
        let data = Data("{\"v\":\(JSONWriter.quoted(nasty))}".utf8)
        let parsed = try JSONSerialization.jsonObject(with: data) as? [String: String]
        #expect(parsed?["v"] == nasty)
    }

    @Test func timestampsAreUTCWithMilliseconds() {
        var line = LogLine()
        line.timestamp()
        let stamp = String(decoding: line.take(), as: UTF8.self)
        #expect(stamp.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    }

    @Test func accessRecordsFormatMilliseconds() {
        let record = AccessRecord(method: "GET", path: "/", status: 200, bytes: 1, microseconds: 1_005,
                                  listener: "intranet", remoteAddress: "::1", requestID: RequestID.make())
        #expect(record.milliseconds == "1.005")
        #expect(record.requestID.count == 16)
        #expect(RequestID.make() != RequestID.make())
    }

    @Test func timestampsFormatEachSecondAndMillisecond() {
        let cases: [(Int, Int, String)] = [
            (0, 0, "1970-01-01T00:00:00.000Z"),
            (951_868_799, 999_900_000, "2000-02-29T23:59:59.999Z"),
            (951_868_800, 0, "2000-03-01T00:00:00.000Z"),
            (1_709_251_199, 999_000_000, "2024-02-29T23:59:59.999Z"),
            (1_709_251_199, 5_000_000, "2024-02-29T23:59:59.005Z"),
            (2_147_483_647, 500_000_000, "2038-01-19T03:14:07.500Z"),
            (4_102_444_800, 1_000_000, "2100-01-01T00:00:00.001Z"),
        ]
        // One line for all, as a thread's buffer is: the cached second must not leak into the next.
        var shared = LogLine()
        for (seconds, nanoseconds, expected) in cases {
            let time = timespec(tv_sec: seconds, tv_nsec: nanoseconds)
            var fresh = LogLine()
            fresh.timestamp(time)
            shared.timestamp(time)
            #expect(String(decoding: fresh.take(), as: UTF8.self) == expected)
            #expect(String(decoding: shared.take(), as: UTF8.self) == expected)
        }
    }

    @Test func linesOfManyThreadsArriveWholeOnceAndInThreadOrder() {
        let received = Mutex<[UInt8]>([])
        let chunks = Mutex(0)
        let writer = LogWriter(interval: nil) { bytes in
            received.withLock { $0.append(contentsOf: bytes) }
            chunks.withLock { $0 += 1 }
        }
        let threads = 4, lines = 6_000   // ~40 bytes a line: several 64 KiB flushes per thread
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in 0..<lines {
                writer.append { line in
                    line += "thread="; line.number(thread); line += " line="; line.number(index); line += " padding-padding\n"
                }
            }
        }
        writer.flush()
        let text = String(decoding: received.withLock { $0 }, as: UTF8.self)
        var next = [Int](repeating: 0, count: threads)
        var wellFormed = true
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 3, let thread = Int(fields[0].dropFirst(7)), let index = Int(fields[1].dropFirst(5)),
                  next.indices.contains(thread), index == next[thread], fields[2] == "padding-padding" else {
                wellFormed = false
                break
            }
            next[thread] += 1
        }
        #expect(wellFormed)
        #expect(next == [Int](repeating: lines, count: threads))
        #expect(chunks.withLock { $0 } > threads)
    }

    @Test func anImmediateLineFollowsWhatOtherThreadsCollectedBeforeIt() {
        let received = Mutex<[UInt8]>([])
        let writer = LogWriter(interval: nil) { bytes in received.withLock { $0.append(contentsOf: bytes) } }
        let done = DispatchSemaphore(value: 0)
        Thread {
            writer.append { $0 += "collected on another thread\n" }
            done.signal()
        }.start()
        done.wait()
        #expect(received.withLock { $0 }.isEmpty)
        writer.append(immediately: true) { $0 += "warning\n" }
        #expect(String(decoding: received.withLock { $0 }, as: UTF8.self) == "collected on another thread\nwarning\n")
        writer.flush()
        #expect(String(decoding: received.withLock { $0 }, as: UTF8.self) == "collected on another thread\nwarning\n")
    }


    @Test func numbersAreWrittenInFull() {
        for value in [0, 7, 10, 99, 100, 404, 1_005, 65_536, Int.max, -1, -10, Int.min] {
            var line = LogLine()
            line.number(value)
            #expect(String(decoding: line.take(), as: UTF8.self) == String(value))
        }
    }

    @Test func nothingLoggedCanStartALineOfItsOwn() throws {
        let received = Mutex<[UInt8]>([])
        let writer = LogWriter(interval: nil) { bytes in received.withLock { $0.append(contentsOf: bytes) } }
        let forged = "/x\n2026-11-24T00:00:00.000Z warning kreishausd: FORGED"
        for format in [StandardErrorLogHandler.Format.text, .json] {
            AccessLogWriter(format: format, label: "kreishausd", writer: writer).write(AccessRecord(
                method: "GET", path: forged, status: 404, bytes: 854, microseconds: 493, listener: "intranet",
                remoteAddress: "127.0.0.1", requestID: "0cc622727a75ce67"))
        }
        writer.flush()
        let lines = String(decoding: received.withLock { $0 }, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "two lines, each ending in a newline")
        #expect(lines[0].hasSuffix(" info kreishausd: GET /x\\n2026-11-24T00:00:00.000Z warning kreishausd: FORGED 404 bytes=854 duration_ms=0.493 listener=intranet remote=127.0.0.1 request_id=0cc622727a75ce67 status=404"))
        let json = try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: String]
        #expect(json?["message"] == "GET \(forged) 404")

        var line = LogLine()
        StandardErrorLogHandler.format(line: &line, format: .text, level: .error, label: "kreishausd", message: "failed:\nnext",
                                       metadata: ["detail": "a\r\nb"])
        let text = String(decoding: line.take(), as: UTF8.self)
        #expect(text.hasSuffix(" error kreishausd: failed:\\nnext detail=a\\r\\nb\n"))
        #expect(text.filter { $0 == "\n" || $0 == "\r\n" }.count == 1)
    }
}
