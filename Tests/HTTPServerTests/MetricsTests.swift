import Dispatch
import Foundation
@testable import HTTPServer
import HTTPTypes
import Logging
import Testing

@Suite struct MetricsTests {
    @Test func requestsFromManyThreadsAddUp() {
        let metrics = HTTPMetrics()
        let health = Route(.get, "/healthz", access: .anyone) { _ in .text("ok") }
        let durations: [Duration] = [.microseconds(50), .microseconds(100), .microseconds(300), .milliseconds(7), .seconds(9)]
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for index in 0..<1_000 {
                metrics.record(route: health, method: "GET", status: 200, duration: durations[index % durations.count])
            }
            metrics.record(route: nil, method: "GET", status: 404, duration: .microseconds(10))
        }
        let text = metrics.render()
        let lines = Set(text.split(separator: "\n").map(String.init))
        #expect(lines.contains(#"http_requests_total{route="/healthz",method="GET",status="200"} 4000"#))
        #expect(lines.contains(#"http_requests_total{route="unmatched",method="GET",status="404"} 4"#))
        // Cumulative: le=0.0001 holds 50 µs and 100 µs (bounds are inclusive), le=0.0005 adds
        // 300 µs, le=0.01 adds 7 ms, only +Inf has 9 s.
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/healthz",le="0.0001"} 1600"#))
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/healthz",le="0.0005"} 2400"#))
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/healthz",le="0.01"} 3200"#))
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/healthz",le="5.0"} 3200"#))
        #expect(lines.contains(#"http_request_duration_seconds_bucket{route="/healthz",le="+Inf"} 4000"#))
        #expect(lines.contains(#"http_request_duration_seconds_count{route="/healthz"} 4000"#))
        let sum = lines.first { $0.hasPrefix(#"http_request_duration_seconds_sum{route="/healthz"}"#) }
        let seconds = sum.flatMap { Double($0.split(separator: " ").last!) } ?? 0
        #expect(abs(seconds - 800 * (0.00005 + 0.0001 + 0.0003 + 0.007 + 9)) < 1e-6)
        #expect(text.contains("# TYPE http_requests_total counter"))
        #expect(text.contains("# TYPE http_request_duration_seconds histogram"))
    }

    @Test func labelValuesAreEscaped() {
        #expect(HTTPMetrics.label(#"/a"b\c"#) == #"/a\"b\\c"#)
        #expect(HTTPMetrics.label("/plain/:id") == "/plain/:id")
    }

    @Test func neighbouringThreadsGetStripesOfTheirOwn() {
        // glibc places thread descriptors a stack and a guard page apart, newer ones lower:
        // 8 MiB stacks (MHD's and Foundation's threads), 512 KiB (Dispatch's).
        let base: UInt = 0x7f3a_1c7f_f6c0
        for stack in [8 << 20, 512 << 10] {
            let stripes = (0..<16).map { ThreadStripe.index(of: base - UInt($0) * UInt(stack + 4096)) }
            #expect(Set(stripes).count == stripes.count)
            #expect(stripes.allSatisfy { (0..<ThreadStripe.count).contains($0) })
        }
    }

    @Test func methodCodesNameTheirMethods() {
        for name in HTTPMetrics.methodNames.dropLast() {
            #expect(HTTPMetrics.methodNames[Int(HTTPMetrics.methodCode(name))] == name)
        }
        #expect(HTTPMetrics.methodNames[Int(HTTPMetrics.methodCode("BREW"))] == "other")
        #expect(HTTPMetrics.methodNames[Int(HTTPMetrics.methodCode("get"))] == "other")  // methods are case-sensitive
    }

    @Test func inventedMethodsShareOneLabel() throws {
        let metrics = HTTPMetrics()
        let app = try HTTPApplication(routes: [Route(.get, "/x", access: .anyone) { _ in .text("x") }],
                                      middleware: [RequestMetrics(metrics)], logger: Logger(label: "test"))
        for name in ["BREW", "FROB", "PROPFIND", "GET"] {
            _ = app.respond(to: Request(method: HTTPRequest.Method(name)!, path: "/nowhere"))
        }
        let lines = metrics.render().split(separator: "\n").filter { $0.hasPrefix("http_requests_total{") }
        #expect(lines.sorted() == [#"http_requests_total{route="unmatched",method="GET",status="404"} 1"#,
                                   #"http_requests_total{route="unmatched",method="other",status="404"} 3"#])
    }
}
