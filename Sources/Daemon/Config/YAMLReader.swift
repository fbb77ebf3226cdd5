import Yams

/// Reads one YAML mapping with line-aware errors, and refuses keys it was not asked for
/// (a misspelt key is an error, not silently ignored).
struct YAMLReader {
    let file: String
    let path: String
    let line: Int?
    private let entries: [(key: String, value: Node, line: Int?)]
    private var used: Set<String> = []

    init(file: String, path: String, node: Node) throws {
        self.file = file
        self.path = path
        self.line = node.mark?.line
        guard case .mapping(let mapping) = node else {
            throw ConfigError(file: file, line: node.mark?.line, "\(path.isEmpty ? "the file" : path): expected a mapping of keys to values")
        }
        var entries: [(String, Node, Int?)] = []
        for (key, value) in mapping {
            guard let name = key.string else { throw ConfigError(file: file, line: key.mark?.line, "\(path): keys must be text") }
            if entries.contains(where: { $0.0 == name }) {
                throw ConfigError(file: file, line: key.mark?.line, "\(path.isEmpty ? name : "\(path).\(name)"): the key appears twice")
            }
            entries.append((name, value, key.mark?.line))
        }
        self.entries = entries
    }

    private func qualified(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func error(_ key: String, _ message: String) -> ConfigError {
        ConfigError(file: file, line: entries.first { $0.key == key }?.line ?? line, "\(qualified(key)): \(message)")
    }

    private mutating func node(_ key: String) -> Node? {
        used.insert(key)
        guard let node = entries.first(where: { $0.key == key })?.value else { return nil }
        if node.null != nil { return nil }  // `key:` or `key: ~` means "use the default"
        return node
    }

    mutating func string(_ key: String) throws -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else { throw error(key, "expected a text value") }
        return scalar.string
    }

    mutating func string(_ key: String, oneOf allowed: [String]) throws -> String? {
        guard let value = try string(key) else { return nil }
        guard allowed.contains(value) else { throw error(key, "expected one of \(allowed.joined(separator: ", ")), got \"\(value)\"") }
        return value
    }

    mutating func int(_ key: String, in range: ClosedRange<Int>, what: String = "a whole number") throws -> Int? {
        guard let text = try string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw error(key, "expected \(what) from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    mutating func double(_ key: String, in range: ClosedRange<Double>) throws -> Double? {
        guard let text = try string(key) else { return nil }
        guard let value = Double(text), range.contains(value) else {
            throw error(key, "expected a number from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
        }
        return value
    }

    mutating func bool(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error(key, "expected true or false, got \"\(text)\"")
        }
    }

    mutating func strings(_ key: String) throws -> [String]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw error(key, "expected a list") }
        return try sequence.map { item in
            guard case .scalar(let scalar) = item else {
                throw ConfigError(file: file, line: item.mark?.line, "\(qualified(key)): expected a list of text values")
            }
            return scalar.string
        }
    }

    mutating func mapping(_ key: String) throws -> YAMLReader? {
        guard let node = node(key) else { return nil }
        return try YAMLReader(file: file, path: qualified(key), node: node)
    }

    mutating func mappings(_ key: String) throws -> [YAMLReader]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw error(key, "expected a list") }
        return try sequence.enumerated().map { index, item in
            try YAMLReader(file: file, path: "\(qualified(key))[\(index)]", node: item)
        }
    }

    /// Fails on the first key that was never asked for.
    func finish() throws {
        if let unknown = entries.first(where: { !used.contains($0.key) }) {
            throw ConfigError(file: file, line: unknown.line, "\(qualified(unknown.key)): unknown setting")
        }
    }
}
