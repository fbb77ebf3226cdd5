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

    /// The text without markup, e.g. for a screen-reader summary or a plain-text channel.
    public static func plainText(_ markdown: String) -> String {
        var text = ""
        var rest = Substring(markdown)
        while let open = rest.firstIndex(of: "[") {
            text += rest[..<open]
            if let link = link(at: rest[open...]) {
                text += link.text
                rest = link.rest
            } else {
                text += "["
                rest = rest[rest.index(after: open)...]
            }
        }
        text += rest
        return text.replacingOccurrences(of: "**", with: "")
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 3, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    private static func inline(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        var bold = false, italic = false
        while let character = rest.first {
            if character == "\\", rest.count > 1 {
                output += HTMLEscaping.escape(String(rest.dropFirst().first!))
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix("**") {
                output += bold ? "</strong>" : "<strong>"
                bold.toggle()
                rest = rest.dropFirst(2)
            } else if character == "*", italic || rest.dropFirst().first.map({ !$0.isWhitespace }) == true {
                output += italic ? "</em>" : "<em>"
                italic.toggle()
                rest = rest.dropFirst()
            } else if character == "[", let link = link(at: rest) {
                output += "<a href=\"\(HTMLEscaping.escape(link.target))\">\(HTMLEscaping.escape(link.text))</a>"
                rest = link.rest
            } else {
                output += HTMLEscaping.escape(String(character))
                rest = rest.dropFirst()
            }
        }
        if italic { output += "</em>" }
        if bold { output += "</strong>" }
        return output
    }

    /// `[text](target)` at the start of `text`, with an allowed target.
    private static func link(at text: Substring) -> (text: String, target: String, rest: Substring)? {
        guard text.first == "[", let closeText = text.firstIndex(of: "]") else { return nil }
        let afterText = text[text.index(after: closeText)...]
        guard afterText.first == "(", let closeTarget = afterText.firstIndex(of: ")") else { return nil }
        let label = String(text[text.index(after: text.startIndex)..<closeText])
        let target = String(afterText[afterText.index(after: afterText.startIndex)..<closeTarget].trimmingSpacesAndTabs())
        guard isAllowed(target), !label.isEmpty else { return nil }
        return (label, target, afterText[afterText.index(after: closeTarget)...])
    }


    static func isAllowed(_ target: String) -> Bool {
        // No whitespace, control character or backslash anywhere: browsers drop tabs and
        // newlines from a URL and read a backslash as "/", so "/\t/elsewhere.example" would
        // leave the site.
        guard !target.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F || $0 == "\\"
            || $0 == "\"" || $0 == "<" || $0 == ">" }) else { return false }
        let lower = target.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") || lower.hasPrefix("tel:") {
            return true
        }
        return target.hasPrefix("/") && !target.hasPrefix("//")
    }

}
