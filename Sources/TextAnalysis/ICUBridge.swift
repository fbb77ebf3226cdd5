import CICU

/// Calls into the CICU shim; the only file in TextAnalysis that handles buffers.
enum ICUBridge {
    /// NFKC with full case folding, or nil when ICU reports an error.
    static func nfkcCasefold(_ text: String) -> String? {
        transform(text, with: kh_icu_nfkc_casefold)
    }

    /// `transformedUnits` as a String.
    private static func transform(
        _ text: String, with function: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32) -> Int32
    ) -> String? {
        transformedUnits(text, with: function).map { makeString($0[...]) }
    }

    /// Runs a shim function with ICU's convention (returns the length written, or the length
    /// needed when the buffer is too small, or -1), growing the buffer once if needed.
    private static func transformedUnits(
        _ text: String, with function: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32) -> Int32
    ) -> [UInt16]? {
        let source = Array(text.utf16)
        if source.isEmpty { return [] }
        var capacity = Int32(source.count * 2 + 16)
        while true {
            var destination = [UInt16](repeating: 0, count: Int(capacity))
            let written = function(source, Int32(source.count), &destination, capacity)
            if written < 0 { return nil }
            if written <= capacity {
                destination.removeSubrange(Int(written)...)
                return destination
            }
            capacity = written
        }
    }

    /// The text case-folded with diacritics removed (NFKC, full case folding, marks dropped),
    /// as UTF-16, with the words and numbers ICU's word break rules find in it (no spaces, no
    /// punctuation) as pairs of offsets into it; nil when ICU reports an error. One
    /// conversion to UTF-16 for both steps: going through a String in between was a tenth of
    /// a question's analysis.
    static func foldedWords(_ text: String) -> (units: [UInt16], bounds: [Int32])? {
        guard let folded = transformedUnits(text, with: kh_icu_fold_without_marks) else { return nil }
        if folded.isEmpty { return ([], []) }
        var bounds = [Int32](repeating: 0, count: folded.count * 2)
        let written = kh_icu_word_bounds(folded, Int32(folded.count), &bounds, Int32(bounds.count))
        if written < 0 { return nil }
        bounds.removeSubrange(Int(written)...)
        return (folded, bounds)
    }

    /// UTF-16 to String; ASCII (most folded German and English text) through the fast UTF-8
    /// path, which profiles showed matters when whole corpora are analysed.
    static func makeString(_ units: ArraySlice<UInt16>) -> String {
        asciiString(units, keeping: { _ in true }) ?? String(decoding: units, as: UTF16.self)
    }

    /// ASCII UTF-16 as a String, keeping the units `keep` accepts (in order); nil when the
    /// text is not all ASCII.
    static func asciiString(_ units: ArraySlice<UInt16>, keeping keep: (UInt16) -> Bool) -> String? {
        guard units.allSatisfy({ $0 < 0x80 }) else { return nil }
        return String(unsafeUninitializedCapacity: units.count) { buffer in
            var count = 0
            for unit in units where keep(unit) {
                buffer[count] = UInt8(truncatingIfNeeded: unit)
                count += 1
            }
            return count
        }
    }

    static var version: String {
        var buffer = [CChar](repeating: 0, count: 32)
        kh_icu_version(&buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
