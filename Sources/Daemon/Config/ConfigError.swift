/// A configuration problem, naming the file, the line and what is wrong:
/// `Config/kreishaus.yaml:12: listeners.public.port: expected a port 1–65535, got "80x"`.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
