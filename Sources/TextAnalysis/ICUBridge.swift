import CICU

/// Calls into the CICU shim; the only file in TextAnalysis that handles buffers.
enum ICUBridge {
    /// NFKC with full case folding, or nil when ICU reports an error.
    static func nfkcCasefold(_ text: String) -> String? {
        transform(text, with: kh_icu_nfkc_casefold)
    }

    /// Case-folded with diacritics removed, or nil when ICU reports an error.
    static func foldWithoutMarks(_ text: String) -> String? {
        transform(text, with: kh_icu_fold_without_marks)
    }

    /// Runs a shim function with ICU's convention (returns the length written, or the length
    /// needed when the buffer is too small, or -1), growing the buffer once if needed.
    private static func transform(
        _ text: String, with function: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32) -> Int32
    ) -> String? {
        let source = Array(text.utf16)
        if source.isEmpty { return "" }
        var capacity = Int32(source.count * 2 + 16)
        while true {
            var destination = [UInt16](repeating: 0, count: Int(capacity))
            let written = function(source, Int32(source.count), &destination, capacity)
            if written < 0 { return nil }
            if written <= capacity { return makeString(destination[0..<Int(written)]) }
            capacity = written
        }
    }

    /// The words and numbers of `text` by ICU's word break rules (no spaces, no punctuation).
    static func words(_ text: String) -> [String]? {
        let units = Array(text.utf16)
        if units.isEmpty { return [] }
        var bounds = [Int32](repeating: 0, count: units.count * 2)
        let written = kh_icu_word_bounds(units, Int32(units.count), &bounds, Int32(bounds.count))
        if written < 0 { return nil }
        return stride(from: 0, to: Int(written), by: 2).map { index in
            makeString(units[Int(bounds[index])..<Int(bounds[index + 1])])
        }
    }

    /// UTF-16 to String; ASCII (most folded German and English text) through the fast UTF-8
    /// path, which profiles showed matters when whole corpora are analysed.
    private static func makeString(_ units: ArraySlice<UInt16>) -> String {
        if units.allSatisfy({ $0 < 0x80 }) {
            return String(unsafeUninitializedCapacity: units.count) { buffer in
                for (offset, unit) in units.enumerated() { buffer[offset] = UInt8(truncatingIfNeeded: unit) }
                return units.count
            }
        }
        return String(decoding: units, as: UTF16.self)
    }

    static var version: String {
        var buffer = [CChar](repeating: 0, count: 32)
        kh_icu_version(&buffer, Int32(buffer.count))
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
