import Foundation
import HTTPServer

/// Renders the Markdown subset of answers to HTML that is safe to put into any page:
/// paragraphs (blank line), line breaks, lists (`- item`, `1. item`), `**bold**`, `*italic*`
/// and links `[text](https://…)` to http(s), mailto: and tel: targets or site paths. Every
/// other character is escaped, so no HTML from an intent file reaches a page.
///
/// ```swift
/// AnswerMarkdown.html("**Kosten:** ca. 30 €\n[Termin](https://example.de)")
/// // "<p><strong>Kosten:</strong> ca. 30 €<br><a href=\"https://example.de\">Termin</a></p>"
/// ```
public enum AnswerMarkdown {
    public static func html(_ markdown: String) -> String {
        var output = ""
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])?

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            output += "<p>" + paragraph.map(inline).joined(separator: "<br>") + "</p>"
            paragraph = []
        }
        func flushList() {
            guard let open = list else { return }
            let tag = open.ordered ? "ol" : "ul"
            output += "<\(tag)>" + open.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>"
            list = nil
        }

        for rawLine in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(rawLine.trimmingSpacesAndTabs())
            if line.isEmpty {
                flushParagraph()
                flushList()
                continue
            }
            if let item = listItem(line) {
                flushParagraph()
                if list == nil || list!.ordered != item.ordered {
                    flushList()
                    list = (item.ordered, [])
                }
                list!.items.append(item.text)
                continue
            }
            if list != nil, rawLine.first == " " || rawLine.first == "\t", !list!.items.isEmpty {
                list!.items[list!.items.count - 1] += " " + line  // continuation of an item
                continue
            }
            flushList()
            paragraph.append(line)
        }
        flushParagraph()
        flushList()
        return output
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Bold, italic, links and backslash escapes of one line, on its UTF-8 bytes (by
    /// Characters this cost some thousand instructions a character, and composed paragraphs
    /// are rendered while a citizen waits).
    private static func inline(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 32)
        var position = 0
        var bold = false, italic = false
        while position < bytes.count {
            let byte = bytes[position]
            let next = position + 1
            if byte == UInt8(ascii: "\\"), next < bytes.count {
                let end = next + scalarLength(bytes[next])
                HTMLEscaping.append(bytes[next..<min(end, bytes.count)], to: &output)
                position = end
            } else if byte == UInt8(ascii: "*"), next < bytes.count, bytes[next] == UInt8(ascii: "*") {
                output.append(contentsOf: (bold ? "</strong>" : "<strong>").utf8)
                bold.toggle()
                position += 2
            } else if byte == UInt8(ascii: "*"), italic || (next < bytes.count && !startsWithWhitespace(bytes[next...])) {
                output.append(contentsOf: (italic ? "</em>" : "<em>").utf8)
                italic.toggle()
                position += 1
            } else if byte == UInt8(ascii: "["), let link = link(in: bytes, at: position) {
                output.append(contentsOf: "<a href=\"".utf8)
                HTMLEscaping.append(link.target.utf8, to: &output)
                output.append(contentsOf: "\">".utf8)
                HTMLEscaping.append(bytes[link.label], to: &output)
                output.append(contentsOf: "</a>".utf8)
                position = link.end
            } else {
                HTMLEscaping.append(CollectionOfOne(byte), to: &output)
                position += 1
            }
        }
        if italic { output.append(contentsOf: "</em>".utf8) }
        if bold { output.append(contentsOf: "</strong>".utf8) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The length of the UTF-8 sequence a lead byte starts (1 for a stray continuation byte).
    private static func scalarLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: 4
        case 0xE0...: 3
        case 0xC0...: 2
        default: 1
        }
    }

    private static func startsWithWhitespace(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first else { return false }
        if first < 0x80 { return first == 0x20 || (0x09...0x0D).contains(first) }
        let scalar = String(decoding: bytes.prefix(scalarLength(first)), as: UTF8.self).unicodeScalars.first
        return scalar?.properties.isWhitespace ?? false
    }

    /// `[text](target)` at `start`, with an allowed target: the label's byte range, the
    /// target, and where the link ends.
    private static func link(in bytes: [UInt8], at start: Int) -> (label: Range<Int>, target: String, end: Int)? {
        guard bytes[start] == UInt8(ascii: "["),
              let closeText = bytes[start...].firstIndex(of: UInt8(ascii: "]")),
              closeText + 1 < bytes.count, bytes[closeText + 1] == UInt8(ascii: "("),
              let closeTarget = bytes[(closeText + 1)...].firstIndex(of: UInt8(ascii: ")")) else { return nil }
        let label = (start + 1)..<closeText
        let target = String(decoding: bytes[(closeText + 2)..<closeTarget], as: UTF8.self).trimmingSpacesAndTabs()
        guard isAllowed(String(target)), !label.isEmpty else { return nil }
        return (label, String(target), closeTarget + 1)
    }

    static func isAllowed(_ target: String) -> Bool {
        // No whitespace, control character or backslash anywhere: browsers drop tabs and
        // newlines from a URL and read a backslash as "/", so "/\t/elsewhere.example" would
        // leave the site.
        guard !target.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || $0 == "\\"
            || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return false }
        let lower = target.lowercased()
        if ["https://", "http://", "mailto:", "tel:"].contains(where: { SitePath.hasPrefix(lower, $0) }) {
            return true
        }
        return SitePath.isLocal(target)
    }

}
