/// Public knowledge-base articles the chatbot can offer when it has no answer. The wiki
/// implements this; the daemon wires it in (features never import each other).
public protocol KnowledgeSearch: Sendable {
    /// Public articles matching `query`, best first.
    func searchPublicArticles(_ query: String, limit: Int) -> [KnowledgeArticle]
}

public struct KnowledgeArticle: Sendable, Equatable, Codable {
    public var title: String
    public var url: String

    public init(title: String, url: String) {
        self.title = title
        self.url = url
    }
}
