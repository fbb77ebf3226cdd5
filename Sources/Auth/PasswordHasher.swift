import Crypto
import CryptoExtras
import Foundation

/// scrypt password hashes in a self-describing format:
/// `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (base64). Parameters travel with the hash, so they
/// can be raised later without breaking existing accounts.
///
/// ```swift
/// let hasher = PasswordHasher()
/// let stored = try hasher.hash("correct horse battery")
/// try hasher.verify("correct horse battery", against: stored)   // true
/// ```
public struct PasswordHasher: Sendable {
    /// log2 of scrypt's N; 15 means 32 MiB of memory and tens of milliseconds per hash.
    public var logRounds: Int
    public var blockSize = 8
    public var parallelism = 1

    public init(logRounds: Int = 15) {
        self.logRounds = logRounds
    }

    public func hash(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        let key = try derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "$scrypt$ln=\(logRounds),r=\(blockSize),p=\(parallelism)$\(salt.base64EncodedString())$\(key.base64EncodedString())"
    }

    /// Whether `password` matches `stored`; false for a malformed stored value.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 4, parts[0] == "scrypt",
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])) else {
            return false
        }
        var parameters: [String: Int] = [:]
        for item in parts[1].split(separator: ",") {
            let pair = item.split(separator: "=")
            if pair.count == 2, let value = Int(pair[1]) { parameters[String(pair[0])] = value }
        }
        guard let ln = parameters["ln"], let r = parameters["r"], let p = parameters["p"], (1...20).contains(ln),
              let key = try? derive(password, salt: salt, logRounds: ln, blockSize: r, parallelism: p, length: expected.count) else {
            return false
        }
        return Secrets.constantTimeEquals(key.base64EncodedString(), expected.base64EncodedString())
    }

    /// Whether a stored hash uses weaker parameters than this hasher (then rehash on login).
    public func needsRehash(_ stored: String) -> Bool {
        !stored.hasPrefix("$scrypt$ln=\(logRounds),r=\(blockSize),p=\(parallelism)$")
    }

    private func derive(_ password: String, salt: Data, logRounds: Int, blockSize: Int, parallelism: Int, length: Int = 32) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: length,
            rounds: 1 << logRounds, blockSize: blockSize, parallelism: parallelism,
            maxMemory: 256 << 20)
        return key.withUnsafeBytes { Data($0) }
    }
}
