import Foundation

/// Formats dates exactly as GRDB stores a `Date` ("yyyy-MM-dd HH:mm:ss.SSS", UTC), for bulk
/// inserts. GRDB formats every `Date` argument with a `DateFormatter`, which was half of the
/// chat analytics' flush under load; creating one per batch still cost half a million
/// instructions. The calendar arithmetic is the proleptic Gregorian calendar's, which is what
/// ICU uses for these years. Comparisons with `Date` arguments stay correct because the text
/// is the same.
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

    /// "yyyy-MM-dd HH:mm:ss" of seconds since 1970 (UTC).
    private static func dateAndTime(_ seconds: Int64) -> [UInt8] {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Days since 1970-01-01 to year, month, day (H. Hinnant, "chrono-Compatible Low-Level
        // Date Algorithms", civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        append(year, width: 4, to: &text); text.append(UInt8(ascii: "-"))
        append(month, width: 2, to: &text); text.append(UInt8(ascii: "-"))
        append(day, width: 2, to: &text); text.append(UInt8(ascii: " "))
        append(secondOfDay / 3600, width: 2, to: &text); text.append(UInt8(ascii: ":"))
        append(secondOfDay / 60 % 60, width: 2, to: &text); text.append(UInt8(ascii: ":"))
        append(secondOfDay % 60, width: 2, to: &text)
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
