import Foundation

/// Formats dates exactly as GRDB stores a `Date` ("yyyy-MM-dd HH:mm:ss.SSS", UTC), for bulk
/// inserts. GRDB formats every `Date` argument with a `DateFormatter`, which was half of the
/// chat analytics' flush under load; creating one per batch still cost half a million
/// instructions. Comparisons with `Date` arguments stay correct because the text is the same
/// (tested against GRDB's own text).
public struct StoredTimestamps {
    private var second: Double = .nan
    private var prefix: [UInt8] = []

    public init() {}

    public mutating func string(from date: Date) -> String {
        // The same arithmetic as Foundation's formatter: milliseconds since 1970, rounded to
        // the nearest millisecond (CFDateFormatter adds 0.5 before ICU floors).
        let milliseconds = (date.timeIntervalSince1970 * 1000 + 0.5).rounded(.down)
        let seconds = (milliseconds / 1000).rounded(.down)
        if seconds != second {
            second = seconds
            prefix = Self.dateAndTime(Int64(seconds))
        }
        var text = prefix
        text.reserveCapacity(prefix.count + 4)
        text.append(UInt8(ascii: "."))
        Self.append(Int64(milliseconds - seconds * 1000), width: 3, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// "yyyy-MM-dd HH:mm:ss" of seconds since 1970 (UTC), through the C library's calendar,
    /// as the log lines' timestamps are made.
    private static func dateAndTime(_ seconds: Int64) -> [UInt8] {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        append(Int64(parts.tm_year) + 1900, width: 4, to: &text); text.append(UInt8(ascii: "-"))
        append(Int64(parts.tm_mon) + 1, width: 2, to: &text); text.append(UInt8(ascii: "-"))
        append(Int64(parts.tm_mday), width: 2, to: &text); text.append(UInt8(ascii: " "))
        append(Int64(parts.tm_hour), width: 2, to: &text); text.append(UInt8(ascii: ":"))
        append(Int64(parts.tm_min), width: 2, to: &text); text.append(UInt8(ascii: ":"))
        append(Int64(parts.tm_sec), width: 2, to: &text)
        return text
    }

    /// Exactly `count` digits of `value` (leading zeros; years 0–9999).
    private static func append(_ value: Int64, width count: Int, to text: inout [UInt8]) {
        var divisor: Int64 = 1
        for _ in 1..<count { divisor *= 10 }
        for _ in 0..<count {
            text.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }
}
