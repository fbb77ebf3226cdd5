import CSystem
import Foundation
import Logging
import Synchronization
import TextAnalysis

/// Holds the active intent index and replaces it on reload (SIGHUP, or a changed file in
/// the intents directory). A failed reload keeps the last good index and reports the error
/// through the log and `status`.
///
/// ```swift
/// let library = IntentLibrary(directory: intentsURL, facts: facts, logger: logger)
/// library.reload()
/// let index = library.index
/// ```
public final class IntentLibrary: Sendable {
    public struct Status: Sendable, Codable, Equatable {
        public var directory: String
        public var intents: Int
        public var followUps: Int
        /// `outside:` blocks: topics the bot declines.
        public var outOfScope: Int
        public var synonyms: Int
        public var languages: [String]
        public var files: [String]
        public var loadedAt: Date?
        public var buildMilliseconds: Double
        public var lastAttemptAt: Date?
        /// The error of the last attempt, if it failed (the previous set stays active).
        public var lastError: String?
        public var reloads: Int
        /// Words in each language's word list for typo tolerance (`Lexicon`); 0 when the list
        /// is missing, and every word the catalog does not know is then corrected to the nearest one.
        public var lexiconWords: [String: Int] = [:]
    }

    public let directory: URL
    private let facts: InstallationFacts
    private let logger: Logger
    private let state: Mutex<(index: IntentIndex, status: Status)>
    private let watching = Atomic<Bool>(false)

    public init(directory: URL, facts: InstallationFacts, logger: Logger) {
        self.directory = directory
        self.facts = facts
        self.logger = logger
        let empty = IntentIndex(catalog: IntentCatalog(intents: []))
        state = Mutex((empty, Status(directory: directory.path, intents: 0, followUps: 0, outOfScope: 0, synonyms: 0, languages: [], files: [],
                                     loadedAt: nil, buildMilliseconds: 0, lastAttemptAt: nil, lastError: nil, reloads: 0)))
    }

    /// The active index; a reload never changes an index already handed out.
    public var index: IntentIndex { state.withLock { $0.index } }
    public var status: Status { state.withLock { $0.status } }

    /// Loads the directory and swaps the new index in; on error keeps the active one.
    /// Returns the error, if any.
    @discardableResult
    public func reload() -> IntentFileError? {
        builder.run { self.build() }
    }

    /// Every build runs on this one thread: an index built on whichever request thread asked
    /// left that thread's malloc arena fragmented (measured: +50 MB resident after a few
    /// reloads of the 500-intent set); on one thread, each build reuses the last one's memory.
    private let builder = BuilderThread()

    /// Runs on the builder thread only, so builds never overlap.
    private func build() -> IntentFileError? {
        let clock = ContinuousClock()
        let started = clock.now
        let attempt = Date()
        do {
            let catalog = try IntentCatalog.load(directory: directory, facts: facts)
            let index = IntentIndex(catalog: catalog)
            let elapsed = clock.now - started
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            state.withLock { state in
                state.index = index
                state.status = Status(
                    directory: directory.path, intents: catalog.intents.count, followUps: catalog.followUps.count,
                    outOfScope: catalog.outOfScope.count, synonyms: catalog.synonymCount, languages: index.availableLanguages.map(\.rawValue), files: catalog.files,
                    loadedAt: attempt, buildMilliseconds: milliseconds, lastAttemptAt: attempt, lastError: nil,
                    reloads: state.status.reloads + 1,
                    lexiconWords: Dictionary(uniqueKeysWithValues: index.lexiconWords.map { ($0.key.rawValue, $0.value) }))
            }
            // The previous index and the training buffers are freed now: hand the pages
            // back to the system.
            kh_release_free_memory()
            logger.info("intents loaded", metadata: [
                "intents": .stringConvertible(catalog.intents.count), "files": .stringConvertible(catalog.files.count),
                "ms": .string(String(format: "%.0f", milliseconds)),
            ])
            for (language, words) in index.lexiconWords.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where words == 0 {
                logger.warning("no word list for typo tolerance: every unknown word is corrected to the nearest known one", metadata: [
                    "language": .string(language.rawValue),
                    "paths": .string((Lexicon.systemPaths[language] ?? []).joined(separator: ", ")),
                ])
            }
            return nil
        } catch {
            let failure = error as? IntentFileError ?? IntentFileError(file: directory.path, line: nil, "\(error)")
            state.withLock { state in
                state.status.lastAttemptAt = attempt
                state.status.lastError = failure.description
            }
            logger.error("intents not loaded, keeping the previous set", metadata: ["error": .string(failure.description)])
            return failure
        }
    }

    /// Polls the directory every `interval` and reloads when a file was added, removed or
    /// changed. Polling needs no platform API and costs a directory listing per interval.
    public func startWatching(interval: Duration = .seconds(2)) {
        guard !watching.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let initial = fingerprint()  // taken now, so that a change right after this call counts
        let thread = Thread { [self] in
            var last = initial
            while watching.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
                guard watching.load(ordering: .acquiring) else { break }
                let current = fingerprint()
                if current != last {
                    last = current
                    // Let an editor finish writing before reading.
                    Thread.sleep(forTimeInterval: 0.2)
                    last = fingerprint()
                    logger.info("intents directory changed, reloading")
                    reload()
                }
            }
        }
        thread.name = "intents-watch"
        thread.start()
    }

    public func stopWatching() {
        watching.store(false, ordering: .releasing)
    }

    private func fingerprint() -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return [] }
        return names.sorted().compactMap { name in
            guard IntentCatalog.isCatalogFile(name) else { return nil }
            let attributes = try? manager.attributesOfItem(atPath: directory.appendingPathComponent(name).path)
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (attributes?[.size] as? NSNumber)?.intValue ?? -1
            return "\(name)|\(modified)|\(size)"
        }
    }
}

/// A long-lived thread that runs one job at a time for its callers and waits with them. It
/// ends when its owner goes away.
private final class BuilderThread: Sendable {
    /// What the thread and its callers share; the thread holds this, not the BuilderThread,
    /// so that the owner's deinit can stop it.
    private final class Shared: @unchecked Sendable {
        // @unchecked: `job`, `result` and `stopped` are only touched under `lock`, and the
        // semaphores order the hand-over.
        let lock = NSLock()
        let ready = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        var job: (() -> IntentFileError?)?
        var result: IntentFileError?
        var stopped = false
    }

    private let shared = Shared()
    private let callers = NSLock()

    init() {
        let shared = self.shared
        let thread = Thread {
            while true {
                shared.ready.wait()
                shared.lock.lock()
                let work = shared.job, stopped = shared.stopped
                shared.lock.unlock()
                if stopped { return }
                let outcome = work?()
                shared.lock.lock()
                shared.result = outcome
                shared.lock.unlock()
                shared.done.signal()
            }
        }
        thread.name = "intents-build"
        thread.stackSize = 8 << 20
        thread.start()
    }

    deinit {
        shared.lock.lock()
        shared.stopped = true
        shared.lock.unlock()
        shared.ready.signal()
    }

    func run(_ work: @escaping () -> IntentFileError?) -> IntentFileError? {
        callers.lock()
        defer { callers.unlock() }
        shared.lock.lock()
        shared.job = work
        shared.lock.unlock()
        shared.ready.signal()
        shared.done.wait()
        shared.lock.lock()
        defer { shared.lock.unlock() }
        return shared.result
    }
}
