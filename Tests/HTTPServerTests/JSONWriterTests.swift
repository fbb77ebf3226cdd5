import Foundation
import HTTPServer
import Testing

@Suite struct JSONWriterTests {
    /// The escaping rule written plainly, byte by byte: what the fast scan must equal.
    static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    @Test func escapesEveryPositionLikeTheByteByByteRule() throws {
        // Every special byte at every offset of strings up to 40 bytes long crosses the
        // eight-byte words of the fast scan in every alignment; multi-byte UTF-8 around it.
        let specials: [Character] = ["\"", "\\", "\n", "\r", "\t", "\u{01}", "\u{1F}"]
        for length in 0...40 {
            for position in 0..<max(1, length) {
                for special in specials {
                    var characters = Array(repeating: Character("a"), count: length)
                    if length > 0 { characters[position] = special }
                    if length > 3 { characters[(position + 3) % length] = "ü" }
                    let text = String(characters)
                    let quoted = JSONWriter.quoted(text)
                    #expect(quoted == Self.reference(text), "\(length) \(position) \(special.debugDescription)")
                }
            }
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc äöüß€🙂\"\\\n\r\t\u{02}\u{7F}/<>")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...64, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let quoted = JSONWriter.quoted(text)
            #expect(quoted == Self.reference(text))
            let parsed = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
            #expect(parsed == [text])
        }
    }

    @Test func wordTestFindsExactlyTheBytesThatNeedAnEscape() {
        for byte in UInt8.min...UInt8.max {
            let needs = byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
            for lane in 0..<8 {
                let word = (UInt64(0x61) &* 0x0101_0101_0101_0101) & ~(UInt64(0xFF) << (8 * lane)) | UInt64(byte) << (8 * lane)
                #expect(JSONWriter.needsEscape(word) == needs, "\(byte) in lane \(lane)")
            }
        }
    }
}

@Suite struct JSONNumberTests {
    /// Rounded numbers are written as the rounded Double's own description would be.
    @Test func roundedNumbersReadAsTheDoubleWould() {
        func written(_ build: (inout JSONWriter) -> Void) -> String {
            var writer = JSONWriter()
            build(&writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
        var values = (0...1000).map { Double($0) / 1000 }
        values += [0.12345, 0.99951, 0.00049, 1.0005, 42, 1234.5678, -0.5, -0.25, -3.14159, 0.1 + 0.2]
        for value in values {
            let fast = written { $0.number(value, decimals: 3) }
            let reference = written { $0.number((value * 1000).rounded() / 1000) }
            #expect(fast == reference, "\(value)")
        }
        // Halves round away from zero, as `rounded()` does.
        #expect(written { $0.number(0.5, decimals: 0) } == "1.0")
        #expect(written { $0.number(7.25, decimals: 1) } == "7.3")
        #expect(written { $0.number(0.05, decimals: 3) } == "0.05")
        #expect(written { $0.number(.nan, decimals: 3) } == "null")
        #expect(written { $0.number(1e300, decimals: 3) } == written { $0.number(1e300) })
    }
}

@Suite struct JSONWriterContinuingTests {
    @Test func goesOnAfterWhatWasWritten() throws {
        var first = JSONWriter()
        first.raw("{\"a\":"); first.string("ä\"")
        let written = first.bytes
        var second = JSONWriter(continuing: written, reserving: 8)
        second.raw(",\"b\":"); second.string("x"); second.raw("}")
        #expect(String(decoding: second.bytes, as: UTF8.self) == #"{"a":"ä\"","b":"x"}"#)
        let parsed = try JSONSerialization.jsonObject(with: second.data) as? [String: String]
        #expect(parsed == ["a": "ä\"", "b": "x"])
    }
}

@Suite struct HexTests {
    @Test func lowerCaseDigitsMostSignificantFirst() {
        func padded(_ value: UInt64) -> String {
            String(repeating: "0", count: 16 - String(value, radix: 16).count) + String(value, radix: 16)
        }
        var generator = SystemRandomNumberGenerator()
        let values: [UInt64] = [0, 1, 0x0123_4567_89ab_cdef, UInt64.max] + (0..<100).map { _ in generator.next() }
        for value in values {
            #expect(Hex.string(value) == padded(value))
            #expect(Hex.string(high: value, low: ~value) == padded(value) + padded(~value))
        }
        #expect(Hex.string(high: 0xBEEF, low: 1) == "000000000000beef0000000000000001")
    }
}

@Suite struct DecimalAppendingTests {
    @Test func digitsSignAndPaddingAsADescriptionWouldRead() {
        func written(_ value: Int, _ width: Int = 1) -> String {
            var bytes: [UInt8] = []
            bytes.appendDecimal(value, minimumWidth: width)
            return String(decoding: bytes, as: UTF8.self)
        }
        for value in [0, 1, 9, 10, 99, 100, 999, 1000, 1234, -1, -10, -987_654, 1_000_000_000_000_000_000, 999_999_999_999_999_999,
                      Int.max, Int.min] {
            #expect(written(value) == "\(value)")
        }
        var line = Array("status=".utf8)
        line.appendDecimal(200)
        line.appendDecimal(-5, minimumWidth: 3)
        #expect(String(decoding: line, as: UTF8.self) == "status=200-005")
        #expect(written(7, 3) == "007")
        #expect(written(2026, 4) == "2026")
        #expect(written(12345, 3) == "12345")
        #expect(written(-5, 3) == "-005")
        #expect(written(0, 0) == "0")
        // The short path for 0 to 999, every width it takes and the first values past it.
        for value in 0..<1_100 {
            for width in 0...4 {
                let plain = "\(value)"
                #expect(written(value, width) == String(repeating: "0", count: max(0, width - plain.count)) + plain)
            }
        }
    }
}
