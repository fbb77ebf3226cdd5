import Foundation

/// Formats dates exactly as GRDB stores a `Date` ("yyyy-MM-dd HH:mm:ss.SSS", UTC), for bulk
/// inserts: the date and time of day are formatted once per second, the milliseconds are
/// appended. GRDB formats every `Date` argument with a `DateFormatter`, which was half of the
/// chat analytics' flush under load. Comparisons with `Date` arguments stay correct because
/// the text is the same.
///
/// Not thread-safe (it holds a `DateFormatter`); make one per batch.
public struct StoredTimestamps {
    private let formatter: DateFormatter
    private var second: Double = .nan
    private var prefix = ""

    public init() {
        formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
    }

    public mutating func string(from date: Date) -> String {
        // The same arithmetic as Foundation's formatter: milliseconds since 1970, rounded to
        // the nearest millisecond (CFDateFormatter adds 0.5 before ICU floors).
        let milliseconds = (date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down)
        let seconds = (milliseconds / 1000).rounded(.down)
        if seconds != second {
            second = seconds
            prefix = formatter.string(from: Date(timeIntervalSince1970: seconds))
        }
        let fraction = Int(milliseconds - seconds * 1000)
        var text = prefix
        text.reserveCapacity(prefix.utf8.count + 4)
        text.append(".")
        if fraction < 100 { text.append("0") }
        if fraction < 10 { text.append("0") }
        text.append(String(fraction))
        return text
    }
}
