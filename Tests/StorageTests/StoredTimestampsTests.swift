import Foundation
import GRDB
import Storage
import Testing

@Suite struct StoredTimestampsTests {
    /// The text must be GRDB's own, or `askedAt < ?` comparisons with `Date` arguments break.
    @Test func formatsLikeGRDB() {
        var timestamps = StoredTimestamps()
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 0.001), Date(timeIntervalSince1970: 0.999),
            Date(timeIntervalSince1970: 1_795_000_000.0995), Date(timeIntervalSince1970: 1_795_000_000.5),
            Date(timeIntervalSince1970: 1_795_000_001), Date(timeIntervalSince1970: 1_795_000_000.0004),
            Date(timeIntervalSince1970: 951_782_399.999), Date(timeIntervalSince1970: 951_782_400.01),  // 29 Feb 2000
            Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: -2_208_988_800.25),  // 1969, 1 Jan 1900
            Date(timeIntervalSince1970: 4_107_542_399.5), Date(timeIntervalSince1970: 4_107_542_400),  // 28 Feb / 1 Mar 2100
            Date(timeIntervalSince1970: 253_402_300_799),  // 31 Dec 9999 23:59:59
        ]
        var generator = SystemRandomNumberGenerator()
        var now = Date().timeIntervalSince1970
        for _ in 0..<20_000 {  // increasing like a batch, several per second, plus jumps
            now += Double.random(in: 0...0.4, using: &generator)
            if Int.random(in: 0..<100, using: &generator) == 0 { now += Double.random(in: -1e8...1e8, using: &generator) }
            dates.append(Date(timeIntervalSince1970: now))
        }
        for date in dates {
            let expected = String.fromDatabaseValue(date.databaseValue)
            let actual = timestamps.string(from: date)
            #expect(actual == expected, "\(date.timeIntervalSince1970)")
            if actual != expected { return }
        }
    }
}
