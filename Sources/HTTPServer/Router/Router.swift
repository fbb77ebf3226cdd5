import HTTPTypes

/// Finds the route for a method and path. Literal segments win over `:parameter` segments;
/// HEAD is served by the GET route; a path with routes for other methods is 405 with `Allow`.
///
/// ```swift
/// let router = try Router(routes)
/// switch router.resolve(.get, "/api/users/7") { case .matched(let route, let parameters): ... }
/// ```
public struct Router: Sendable {
    public enum Resolution: Sendable {
        case matched(Route, [String: String])
        case methodNotAllowed([HTTPRequest.Method])
        case notFound
    }

    /// A configuration error: two routes for the same method and pattern.
    public struct DuplicateRoute: Error, CustomStringConvertible {
        public let method: HTTPRequest.Method
        public let path: String
        public var description: String { "duplicate route \(method.rawValue) \(path)" }
    }

    private final class Node: @unchecked Sendable {
        // Only mutated while the router is built; read-only afterwards.
        var literals: [Substring: Node] = [:]
        var parameter: (name: String, node: Node)?
        var routes: [HTTPRequest.Method: Route] = [:]
    }

    private let root = Node()
    public let routes: [Route]
    /// Paths without parameters, found with one hash lookup (most requests); the few methods
    /// of a path compared in turn (hashing the method's name cost as much as the lookup).
    private let literalPaths: [String: [(method: HTTPRequest.Method, route: Route)]]

    public init(_ routes: [Route]) throws {
        self.routes = routes
        for route in routes {
            var node = root
            for segment in route.path.split(separator: "/") {
                if segment.hasPrefix(":") {
                    let name = String(segment.dropFirst())
                    if node.parameter == nil { node.parameter = (name, Node()) }
                    node = node.parameter!.node
                } else {
                    if node.literals[segment] == nil { node.literals[segment] = Node() }
                    node = node.literals[segment]!
                }
            }
            guard node.routes[route.method] == nil else {
                throw DuplicateRoute(method: route.method, path: route.path)
            }
            node.routes[route.method] = route
        }
        var literalPaths: [String: [(method: HTTPRequest.Method, route: Route)]] = [:]
        for route in routes where !route.path.contains(":") {
            literalPaths[Self.normalized(route.path), default: []].append((route.method, route))
        }
        self.literalPaths = literalPaths
    }

    /// "/a//b/" and "/a/b" name the same route, as the trie sees them.
    private static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/").joined(separator: "/")
    }

    public func resolve(_ method: HTTPRequest.Method, _ path: String) -> Resolution {
        if let byMethod = literalPaths[path],
           let route = (byMethod.first { $0.method == method } ?? (method == .head ? byMethod.first { $0.method == .get } : nil))?.route {
            // A parameter route may also match this path, but a literal one wins anyway.
            return .matched(route, [:])
        }
        var parameters: [String: String] = [:]
        guard let node = find(path.split(separator: "/", omittingEmptySubsequences: true)[...], in: root, parameters: &parameters),
              !node.routes.isEmpty else {
            return .notFound
        }
        if let route = node.routes[method] ?? (method == .head ? node.routes[.get] : nil) {
            return .matched(route, parameters)
        }
        return .methodNotAllowed(Self.allowed(node.routes.keys))
    }

    /// Methods served at a path, for `Allow` and OPTIONS; empty when the path is unknown.
    public func allowedMethods(_ path: String) -> [HTTPRequest.Method] {
        var parameters: [String: String] = [:]
        guard let node = find(path.split(separator: "/")[...], in: root, parameters: &parameters) else { return [] }
        return node.routes.isEmpty ? [] : Self.allowed(node.routes.keys)
    }

    private static func allowed(_ methods: some Sequence<HTTPRequest.Method>) -> [HTTPRequest.Method] {
        var set = Set(methods.map(\.rawValue))
        if set.contains("GET") { set.insert("HEAD") }
        set.insert("OPTIONS")
        return set.sorted().compactMap { HTTPRequest.Method($0) }
    }

    private func find(_ segments: ArraySlice<Substring>, in node: Node, parameters: inout [String: String]) -> Node? {
        guard let segment = segments.first else { return node }
        let rest = segments.dropFirst()
        if let literal = node.literals[segment], let found = find(rest, in: literal, parameters: &parameters), !found.routes.isEmpty {
            return found
        }
        if let (name, child) = node.parameter, let found = find(rest, in: child, parameters: &parameters), !found.routes.isEmpty {
            parameters[name] = String(segment)
            return found
        }
        return nil
    }
}
