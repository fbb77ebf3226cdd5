import CStemmer
import Synchronization

/// Snowball stemmers (libstemmer). A stemmer instance is not thread-safe, so instances are
/// kept in a pool: a caller takes one, stems, and gives it back.
final class SnowballStemmer: Sendable {
    private struct Handle: @unchecked Sendable {
        // Used by one thread at a time: taken from the pool, returned after use.
        let pointer: OpaquePointer
    }

    let algorithm: String
    private let pool = Mutex<[Handle]>([])

    /// `algorithm` is a Snowball name such as "german" or "english"; nil when unknown.
    init?(algorithm: String) {
        guard let probe = sb_stemmer_new(algorithm, "UTF_8") else { return nil }
        self.algorithm = algorithm
        pool.withLock { $0.append(Handle(pointer: probe)) }
    }

    deinit {
        pool.withLock { handles in handles.forEach { sb_stemmer_delete($0.pointer) } }
    }

    func stem(_ word: String) -> String {
        guard let handle = pool.withLock({ $0.popLast() }) ?? sb_stemmer_new(algorithm, "UTF_8").map(Handle.init) else {
            return word
        }
        defer { pool.withLock { $0.append(handle) } }
        let bytes = Array(word.utf8)
        guard let stemmed = sb_stemmer_stem(handle.pointer, bytes, Int32(bytes.count)) else { return word }
        let length = Int(sb_stemmer_length(handle.pointer))
        return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
    }
}
