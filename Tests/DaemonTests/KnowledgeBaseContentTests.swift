import Daemon
import Foundation
import Testing
import Yams

/// The shipped knowledge base: every article carries the front matter the wiki and the
/// chatbot's article search rely on, and names a department the configuration knows.
@Suite struct KnowledgeBaseContentTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Article {
        var path: String
        var frontMatter: [String: Any]
        var body: String
    }

    static func articles() throws -> [Article] {
        let root = repository.appendingPathComponent("KnowledgeBase")
        let files = FileManager.default.enumerator(atPath: root.path)?.compactMap { $0 as? String } ?? []
        return try files.filter { $0.hasSuffix(".md") && $0 != "README.md" }.sorted().map { path in
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            let parts = text.components(separatedBy: "\n---\n")
            guard text.hasPrefix("---\n"), parts.count >= 2 else {
                Issue.record("\(path): no front matter between --- lines")
                return Article(path: path, frontMatter: [:], body: text)
            }
            let yaml = String(parts[0].dropFirst(4))
            let frontMatter = try Yams.load(yaml: yaml) as? [String: Any] ?? [:]
            return Article(path: path, frontMatter: frontMatter, body: parts.dropFirst().joined(separator: "\n---\n"))
        }
    }

    @Test func everyArticleHasCompleteFrontMatter() throws {
        let configuration = try Configuration.load(path: Self.repository.appendingPathComponent("Config/kreishaus.yaml").path, environment: [:])
        let departments = Set(configuration.departments.map(\.id))
        let articles = try Self.articles()
        #expect(articles.count >= 40)
        var titles = Set<String>()
        for article in articles {
            let meta = article.frontMatter
            let title = meta["title"] as? String ?? ""
            #expect(!title.isEmpty, "\(article.path): title")
            #expect(titles.insert(title).inserted, "\(article.path): title \"\(title)\" used twice")
            let tags = meta["tags"] as? [String] ?? []
            #expect(!tags.isEmpty, "\(article.path): tags")
            let visibility = meta["visibility"] as? String
            #expect(visibility == "public" || visibility == "internal", "\(article.path): visibility \(visibility ?? "missing")")
            // Internal articles live apart, so that a misplaced file is seen in review.
            #expect((visibility == "internal") == article.path.hasPrefix("intern/"), "\(article.path): folder and visibility disagree")
            let department = meta["department"] as? String ?? ""
            #expect(departments.contains(department), "\(article.path): unknown department \"\(department)\"")
            // Yams reads an ISO date as a Date.
            #expect(meta["reviewed"] is Date, "\(article.path): reviewed must be a date (YYYY-MM-DD)")
            #expect(article.body.contains("# "), "\(article.path): the body has no heading")
            #expect(article.body.split(whereSeparator: \.isWhitespace).count >= 80, "\(article.path): too short to be deeper than a chatbot answer")
        }
        #expect(articles.filter { $0.frontMatter["visibility"] as? String == "internal" }.count >= 5)
    }
}
