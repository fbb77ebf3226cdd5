@testable import HTTPServer
import Testing

@Suite struct UTF8AppendingTests {
    func escaped(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.appendUTF8EscapingControls(text)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func textWithoutControlsIsCopiedAsItIs() {
        for text in ["", "/healthz", "/wiki/Bürgerbüro – Öffnungszeiten", "Straße €", String(repeating: "abcdefgh", count: 9) + "ü"] {
            #expect(escaped(text) == text)
        }
    }

    @Test func controlsAnywhereAreEscaped() {
        // Before, inside and after the eight-byte words the scan reads at once.
        for position in [0, 1, 7, 8, 9, 15, 16, 23, 30] {
            let plain = Array(repeating: "a", count: 31)
            for (control, written) in [("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t"), ("\u{0}", "\\u0000"), ("\u{1b}", "\\u001b"), ("\u{7f}", "\\u007f")] {
                var text = plain
                text[position] = control
                var expected = plain
                expected[position] = written
                #expect(escaped(text.joined()) == expected.joined(), "\(position) \(written)")
            }
        }
        #expect(escaped("/x\n2026-11-24T00:00:00.000Z warning kreishausd: FORGED") == "/x\\n2026-11-24T00:00:00.000Z warning kreishausd: FORGED")
    }

    @Test func plainAppendCopiesTheBytes() {
        var bytes: [UInt8] = [0x41]
        bytes.appendUTF8("ü\n")
        #expect(bytes == [0x41, 0xC3, 0xBC, 0x0A])
    }
}

@Suite struct ByteWordTests {
    @Test func everyByteInEveryLane() {
        for lane in 0..<8 {
            for byte in 0...255 {
                var word: UInt64 = 0x6161_6161_6161_6161  // "aaaaaaaa"
                word &= ~(UInt64(0xFF) << (8 * lane))
                word |= UInt64(byte) << (8 * lane)
                #expect((ByteWord.below(word, 0x20) != 0) == (byte < 0x20), "\(byte) in lane \(lane)")
                #expect((ByteWord.equal(word, 0x7F) != 0) == (byte == 0x7F), "\(byte) in lane \(lane)")
            }
        }
    }
}
