import Foundation
import GRDB
import Logging
import Storage
import Synchronization
import TextAnalysis

/// What the chatbot learns from its use, for the admins who curate it: how often each
/// intent was answered, asked back about or chosen, and the questions an admin has to read
/// (scrubbed of personal data): unanswered ones, clarified ones and answers below
/// `reviewBelow`. A confidently answered question is counted, its text not kept: nobody
/// reads it, and a citizen's words are kept only where they serve the curation.
/// Events are buffered and written in one transaction per second off the request path;
/// feedback is written at once. Rows older than the retention period are deleted by the
/// daemon itself. At most `textsPerMinute` distinct question texts are stored a minute:
/// past that, questions are only counted (kind "unstored" in the daily counts), so that a
/// flood of made-up questions can neither fill the disk nor keep the writer busy.
public final class ChatAnalytics: Sendable {
    public struct Event: Sendable {
        public var answerId: String
        public var at: Date
        public var language: String
        public var question: String
        public var kind: String
        public var intent: String?
        public var confidence: Double
    }

    public static let migrations: [Migration] = [
        Migration("chatbot.1-questions-feedback") { db in
            try db.create(table: "chatQuestion") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("answerId", .text).notNull().unique(onConflict: .ignore)
                t.column("askedAt", .datetime).notNull().indexed()
                t.column("language", .text).notNull()
                t.column("question", .text).notNull()
                // answer | clarify | fallback | choice (an option picked after a clarify)
                t.column("kind", .text).notNull()
                t.column("intent", .text)
                t.column("confidence", .double).notNull()
            }
            try db.create(table: "chatFeedback") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("answerId", .text).notNull().indexed()
                t.column("givenAt", .datetime).notNull().indexed()
                t.column("intent", .text)
                t.column("helpful", .boolean).notNull()
                t.column("comment", .text)
            }
        },
        // Nothing looks a question up by its reply id, yet the unique index on a random id
        // cost a random B-tree insert per question: its reads and writes were a tenth of the
        // daemon's time under load.
        Migration("chatbot.2-question-without-reply-id-index") { db in
            try db.create(table: "chatQuestionNew") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("answerId", .text).notNull()
                t.column("askedAt", .datetime).notNull()
                t.column("language", .text).notNull()
                t.column("question", .text).notNull()
                t.column("kind", .text).notNull()
                t.column("intent", .text)
                t.column("confidence", .double).notNull()
            }
            try db.execute(sql: """
                INSERT INTO chatQuestionNew (id, answerId, askedAt, language, question, kind, intent, confidence)
                SELECT id, answerId, askedAt, language, question, kind, intent, confidence FROM chatQuestion
                """)
            try db.drop(table: "chatQuestion")
            try db.rename(table: "chatQuestionNew", to: "chatQuestion")
            try db.create(index: "chatQuestion_on_askedAt", on: "chatQuestion", columns: ["askedAt"])
        },
        // The same question asked again within one flush (a second) is one row with a count.
        Migration("chatbot.3-question-occurrences") { db in
            try db.alter(table: "chatQuestion") { t in
                t.add(column: "occurrences", .integer).notNull().defaults(to: 1)
            }
        },
        // Counts per day, kind and intent for the statistics; question texts only where an
        // admin reads them. Storing every answered question cost a row (about 50,000
        // instructions on the analytics thread) per distinct question under load.
        Migration("chatbot.4-daily-counts") { db in
            try db.create(table: "chatCount", options: .withoutRowID) { t in
                t.column("day", .text).notNull()  // yyyy-MM-dd, UTC, like date(askedAt)
                t.column("kind", .text).notNull()
                t.column("intent", .text).notNull()  // "" for none
                t.column("count", .integer).notNull()
                t.primaryKey(["day", "kind", "intent"])
            }
            try db.execute(sql: """
                INSERT INTO chatCount (day, kind, intent, count)
                SELECT date(askedAt), kind, COALESCE(intent, ''), SUM(occurrences) FROM chatQuestion GROUP BY 1, 2, 3
                """)
            // A chosen option's text was never shown: only its count is.
            try db.execute(sql: "DELETE FROM chatQuestion WHERE kind = 'choice'")
        },
    ]

    private let database: AppDatabase
    private let logger: Logger
    private let retention: Duration
    /// Answers below this confidence are kept for review with their text ("unsure answers").
    public let reviewBelow: Double
    /// Distinct question texts stored per minute at most (0: none).
    public let textsPerMinute: Int
    /// Events waiting for the next flush, and what did not fit.
    private struct Pending {
        var events: [Event] = []
        /// Events past `pendingLimit`, counted by UTC day, kind and intent; `keptText`: an
        /// admin would have read the text (it counts as not stored).
        var overflow: [OverflowKey: Int] = [:]
    }

    private struct OverflowKey: Hashable {
        var day: Int
        var kind: String
        var intent: String
        var keptText: Bool
    }

    private let pending = Mutex(Pending())

    /// What a flush writes: question rows (scrubbed) and daily counts.
    private struct Batch {
        struct Row {
            var event: Event
            var askedAt: String
            var occurrences: Int
        }
        struct CountKey: Hashable { var day: Substring, kind: String, intent: String }
        var rows: [Row] = []
        var counts: [CountKey: Int] = [:]
        /// Attempts to write it that failed.
        var failures = 0

        /// The number of questions the batch counts.
        var questions: Int { counts.reduce(0) { $0 + ($1.key.kind == ChatAnalytics.unstoredKind ? 0 : $1.value) } }

        /// Adds another batch's rows and counts to this one.
        mutating func absorb(_ other: Batch) {
            rows += other.rows
            for (key, value) in other.counts { counts[key, default: 0] += value }
            failures = max(failures, other.failures)
        }

        /// Keeps the newest `limit` rows; the texts of the older ones are dropped and counted
        /// as not stored (their questions are already in the counts).
        mutating func keepRows(_ limit: Int) {
            guard rows.count > limit else { return }
            for row in rows.prefix(rows.count - limit) {
                counts[CountKey(day: row.askedAt.prefix(10), kind: ChatAnalytics.unstoredKind, intent: ""), default: 0] += row.occurrences
            }
            rows.removeFirst(rows.count - limit)
        }
    }
    /// A batch that could not be written (the database locked past its busy timeout, a full
    /// disk): tried again, ahead of the new events, with the next flush. Its texts are
    /// already scrubbed.
    private let unwritten = Mutex<Batch?>(nil)
    /// Events held for the next flush at most: when a flush is held up (a disk that is slow to
    /// sync, another writer holding the database for its busy timeout) a second's questions
    /// are tens of thousands under load, each with its text in memory. Past the limit a
    /// question is only counted.
    let pendingLimit: Int
    /// The current minute's stored texts, and whether its limit has been logged.
    private let textBudget = Mutex<(minute: Int, stored: Int, warned: Bool)>((Int.min, 0, false))
    private let running = Atomic<Bool>(false)
    private let flushed = DispatchSemaphore(value: 0)
    private let wake = DispatchSemaphore(value: 0)

    public init(database: AppDatabase, retentionDays: Int, reviewBelow: Double, textsPerMinute: Int = 60,
                pendingLimit: Int = 100_000, logger: Logger) {
        self.database = database
        self.pendingLimit = max(1, pendingLimit)
        self.logger = logger
        self.retention = .seconds(retentionDays * 86_400)
        self.reviewBelow = reviewBelow
        self.textsPerMinute = max(0, textsPerMinute)
    }

    /// Whether one more distinct text may be stored in the minute `at` falls in (logs once a
    /// minute when the limit is reached).
    private func grantText(at: Date) -> Bool {
        let minute = Int((at.timeIntervalSince1970 / 60).rounded(.down))
        let (granted, warn) = textBudget.withLock { budget -> (Bool, Bool) in
            if minute > budget.minute { budget = (minute, 0, false) }
            guard budget.stored < textsPerMinute else {
                defer { budget.warned = true }
                return (false, !budget.warned)
            }
            budget.stored += 1
            return (true, false)
        }
        if warn {
            logger.warning("chat analytics: question text limit reached; further questions this minute are only counted",
                           metadata: ["limit_per_minute": .stringConvertible(textsPerMinute)])
        }
        return granted
    }

    /// The daily counts' kind for questions whose text was over the limit.
    static let unstoredKind = "unstored"

    /// A fallback opened by an `outside:` block's signpost is recorded with the block in the
    /// intent column, prefixed (block ids are never intent ids, the prefix says so anyway).
    static func signpostKey(_ block: String) -> String { signpostPrefix + block }
    static let signpostPrefix = "outside:"

    /// The block of a fallback's intent column, nil for a plain fallback.
    static func signpostBlock(_ recorded: String?) -> String? {
        guard let recorded, recorded.hasPrefix(signpostPrefix) else { return nil }
        return String(recorded.dropFirst(signpostPrefix.count))
    }

    /// Whether an admin reads this question: unanswered, asked back about, or answered unsurely.
    func keepsText(_ event: Event) -> Bool {
        switch event.kind {
        case "fallback", "clarify": true
        case "answer": event.confidence < reviewBelow
        default: false
        }
    }

    /// Queues a question; scrubbed and written within about a second, off the request path.
    /// The raw question lives only in memory until then.
    public func record(_ event: Event) {
        pending.withLock { pending in
            if pending.events.count < pendingLimit {
                pending.events.append(event)
            } else {
                let day = Int((event.at.timeIntervalSince1970 / 86_400).rounded(.down))
                pending.overflow[OverflowKey(day: day, kind: event.kind, intent: event.intent ?? "", keptText: keepsText(event)), default: 0] += 1
            }
        }
    }

    /// Stores feedback for an answer at once.
    public func recordFeedback(answerId: String, intent: String?, helpful: Bool, comment: String?, at: Date = Date()) throws {
        let cleaned = comment.map { String(PersonalDataScrubber.scrub($0).prefix(1000)) }.flatMap { $0.isEmpty ? nil : $0 }
        try database.pool.write { db in
            try db.execute(sql: "INSERT INTO chatFeedback (answerId, givenAt, intent, helpful, comment) VALUES (?, ?, ?, ?, ?)",
                           arguments: [answerId, at, intent, helpful, cleaned])
        }
    }

    /// Writes queued events now: every event to the daily counts; the questions an admin
    /// reads (`keepsText`) as rows, where identical questions with the same outcome within
    /// one flush are one row with their number of occurrences (under load, citizens ask the
    /// same few questions many times a second). A batch that cannot be written is kept and
    /// tried again with the next flush.
    public func flush() {
        let (events, overflow) = pending.withLock { pending in
            defer {
                let count = pending.events.count
                pending = Pending()
                pending.events.reserveCapacity(count)  // about as many in the next second
            }
            return (pending.events, pending.overflow)
        }
        let earlier = unwritten.withLock { $0.take() }
        guard !events.isEmpty || !overflow.isEmpty || earlier != nil else { return }
        var batch = earlier ?? Batch()
        var timestamps = StoredTimestamps()
        if !overflow.isEmpty {
            var overflowed = 0
            for (key, number) in overflow {
                let day = timestamps.string(from: Date(timeIntervalSince1970: Double(key.day) * 86_400)).prefix(10)
                batch.counts[Batch.CountKey(day: day, kind: key.kind, intent: key.intent), default: 0] += number
                if key.keptText { batch.counts[Batch.CountKey(day: day, kind: Self.unstoredKind, intent: ""), default: 0] += number }
                overflowed += number
            }
            logger.warning("chat analytics: queue full until this flush; further questions were only counted",
                           metadata: ["limit": .stringConvertible(pendingLimit), "counted_only": .stringConvertible(overflowed)])
        }
        // Questions keyed by their bytes (UTF8Key says why).
        struct Key: Hashable { var question: UTF8Key, language: String, kind: String, intent: String? }
        var positions: [Key: Int] = [:]
        var scrubbed: [UTF8Key: String] = [:]
        for var event in events {
            let askedAt = timestamps.string(from: event.at)
            batch.counts[Batch.CountKey(day: askedAt.prefix(10), kind: event.kind, intent: event.intent ?? ""), default: 0] += 1
            guard keepsText(event) else { continue }
            let raw = UTF8Key(event.question)
            if let known = scrubbed[raw] {
                event.question = known
            } else {
                // A text already stored in this batch costs nothing from the minute's budget.
                guard grantText(at: event.at) else {
                    // Over the limit: counted (above) and counted as not stored.
                    batch.counts[Batch.CountKey(day: askedAt.prefix(10), kind: Self.unstoredKind, intent: ""), default: 0] += 1
                    continue
                }
                var clean = PersonalDataScrubber.scrub(event.question)
                // Messages are at most 500 characters; a marker can make one longer.
                if clean.utf8.count > 500 { clean = String(clean.prefix(500)) }
                scrubbed[raw] = clean
                event.question = clean
            }
            let key = Key(question: UTF8Key(event.question), language: event.language, kind: event.kind, intent: event.intent)
            if let position = positions[key] {
                batch.rows[position].occurrences += 1
            } else {
                positions[key] = batch.rows.count
                batch.rows.append(.init(event: event, askedAt: askedAt, occurrences: 1))
            }
        }
        do {
            try write(batch)
            if batch.failures > 0 {
                logger.notice("chat analytics: questions written after failed attempts", metadata: ["attempts": .stringConvertible(batch.failures + 1)])
            }
        } catch {
            // Kept for the next flush, within the queue's limit: the counts stay exact, the
            // texts of the oldest rows past the limit are dropped. Logged at the first failure
            // and then once a minute, not every second while a disk stays full.
            batch.keepRows(pendingLimit)
            batch.failures += 1
            if batch.failures == 1 || batch.failures % 60 == 0 {
                logger.error("chat analytics: writing questions failed; kept for the next attempt",
                             metadata: ["error": .string("\(error)"), "questions": .stringConvertible(batch.questions),
                                        "attempts": .stringConvertible(batch.failures)])
            }
            // Another flush (an admin's report flushes too) may have failed meanwhile.
            unwritten.withLock { unwritten in
                if var other = unwritten.take() {
                    other.absorb(batch)
                    other.keepRows(pendingLimit)
                    unwritten = other
                } else {
                    unwritten = batch
                }
            }
        }
    }

    private func write(_ batch: Batch) throws {
        try database.pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO chatQuestion (answerId, askedAt, language, question, kind, intent, confidence, occurrences) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in batch.rows {
                try insert.execute(arguments: [row.event.answerId, row.askedAt, row.event.language, row.event.question, row.event.kind,
                                               row.event.intent, row.event.confidence, row.occurrences])
            }
            let count = try db.cachedStatement(sql: """
                INSERT INTO chatCount (day, kind, intent, count) VALUES (?, ?, ?, ?)
                ON CONFLICT (day, kind, intent) DO UPDATE SET count = count + excluded.count
                """)
            for (key, value) in batch.counts {
                try count.execute(arguments: [String(key.day), key.kind, key.intent, value])
            }
        }
    }

    /// Deletes everything older than the retention period; returns the number of rows removed.
    @discardableResult
    public func purge(now: Date = Date()) throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(retention.components.seconds))
        return try database.pool.write { db in
            try db.execute(sql: "DELETE FROM chatQuestion WHERE askedAt < ?", arguments: [cutoff])
            var removed = db.changesCount
            try db.execute(sql: "DELETE FROM chatFeedback WHERE givenAt < ?", arguments: [cutoff])
            removed += db.changesCount
            // Whole days: a day's counts go when the cutoff has passed all of it.
            try db.execute(sql: "DELETE FROM chatCount WHERE day < date(?)", arguments: [cutoff])
            removed += db.changesCount
            return removed
        }
    }

    /// Runs flushing every second and the purge every hour until `stop()`.
    public func startBackgroundWork() {
        guard !running.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let thread = Thread { [self] in
            var lastPurge = Date.distantPast
            while running.load(ordering: .acquiring) {
                _ = wake.wait(timeout: .now() + 1)  // a second, or until stop()
                flush()
                if Date().timeIntervalSince(lastPurge) > 3600 {
                    lastPurge = Date()
                    do {
                        let removed = try purge()
                        if removed > 0 { logger.info("chat analytics: retention purge", metadata: ["removed": .stringConvertible(removed)]) }
                    } catch {
                        logger.error("chat analytics: purge failed", metadata: ["error": .string("\(error)")])
                    }
                }
            }
            lastFlush()
            flushed.signal()
        }
        thread.name = "chat-analytics"
        thread.start()
    }

    /// Stops the background work after a last flush.
    public func stop() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else {
            lastFlush()
            return
        }
        wake.signal()
        _ = flushed.wait(timeout: .now() + 5)
    }

    /// The flush at shutdown: what it cannot write is lost, and said so.
    private func lastFlush() {
        flush()
        if let lost = unwritten.withLock({ $0?.questions }) {
            logger.error("chat analytics: questions could not be written before shutdown", metadata: ["questions": .stringConvertible(lost)])
        }
    }

    // MARK: Report

    public struct Report: Sendable, Codable, Equatable {
        public struct Question: Sendable, Codable, Equatable {
            public var question: String
            public var count: Int
            public var lastAsked: Date
            public var intent: String?
            public var confidence: Double
            /// Unanswered questions: the `outside:` block whose signpost the fallback opened with.
            public var signpost: String? = nil
        }
        public struct Count: Sendable, Codable, Equatable {
            public var intent: String
            public var count: Int
        }
        public struct Day: Sendable, Codable, Equatable {
            public var day: String
            public var answer: Int
            public var clarify: Int
            public var fallback: Int
        }
        public struct Feedback: Sendable, Codable, Equatable {
            public var helpful: Int
            public var unhelpful: Int
            public var comments: [Comment]
        }
        public struct Comment: Sendable, Codable, Equatable {
            public var givenAt: Date
            public var intent: String?
            public var helpful: Bool
            public var comment: String
        }

        public var days: Int
        public var totalQuestions: Int
        /// Questions to review whose text was over the per-minute limit: counted, not stored.
        public var questionsNotStored: Int
        public var unanswered: [Question]
        /// Fallbacks that opened with a signpost to another authority, per `outside:` block.
        public var signposts: [Count]
        public var lowConfidence: [Question]
        public var clarifyChoices: [Count]
        public var topIntents: [Count]
        public var daily: [Day]
        public var feedback: Feedback
        public var unhelpfulIntents: [Count]
    }

    /// The last `days` days, for the admin page and API. Counts are per calendar day (UTC), so
    /// they cover the whole first day; the question lists start exactly `days` days ago.
    public func report(days: Int, now: Date = Date()) throws -> Report {
        flush()
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        let reviewBelow = reviewBelow
        return try database.pool.read { db in
            func questions(_ condition: String, _ arguments: StatementArguments) throws -> [Report.Question] {
                try Row.fetchAll(db, sql: """
                    SELECT question, SUM(occurrences) AS n, MAX(askedAt) AS last, MAX(intent) AS intent, AVG(confidence) AS confidence
                    FROM chatQuestion WHERE askedAt >= ? AND \(condition)
                    GROUP BY lower(question) ORDER BY n DESC, last DESC LIMIT 50
                    """, arguments: [since] + arguments).map { row in
                    Report.Question(question: row["question"], count: row["n"], lastAsked: row["last"], intent: row["intent"], confidence: row["confidence"])
                }
            }
            func counts(_ sql: String) throws -> [Report.Count] {
                try Row.fetchAll(db, sql: sql, arguments: [since]).map { Report.Count(intent: $0["intent"], count: $0["n"]) }
            }
            func intentCounts(kind: String) throws -> [Report.Count] {
                try Row.fetchAll(db, sql: """
                    SELECT intent, SUM(count) AS n FROM chatCount WHERE day >= date(?) AND kind = ? AND intent != ''
                    GROUP BY intent ORDER BY n DESC, intent LIMIT 30
                    """, arguments: [since, kind]).map { Report.Count(intent: $0["intent"], count: $0["n"]) }
            }
            func sum(kinds: String) throws -> Int {
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM chatCount WHERE day >= date(?) AND kind IN (\(kinds))",
                                 arguments: [since]) ?? 0
            }
            let daily = try Row.fetchAll(db, sql: """
                SELECT day, SUM((kind = 'answer') * count) AS a, SUM((kind = 'clarify') * count) AS c, SUM((kind = 'fallback') * count) AS f
                FROM chatCount WHERE day >= date(?) AND kind IN ('answer', 'clarify', 'fallback') GROUP BY day ORDER BY day
                """, arguments: [since]).map { Report.Day(day: $0["day"], answer: $0["a"], clarify: $0["c"], fallback: $0["f"]) }
            let helpful = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chatFeedback WHERE givenAt >= ? AND helpful", arguments: [since]) ?? 0
            let unhelpful = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM chatFeedback WHERE givenAt >= ? AND NOT helpful", arguments: [since]) ?? 0
            let comments = try Row.fetchAll(db, sql: """
                SELECT givenAt, intent, helpful, comment FROM chatFeedback WHERE givenAt >= ? AND comment IS NOT NULL ORDER BY givenAt DESC LIMIT 50
                """, arguments: [since]).map { Report.Comment(givenAt: $0["givenAt"], intent: $0["intent"], helpful: $0["helpful"], comment: $0["comment"]) }
            return Report(
                days: days, totalQuestions: try sum(kinds: "'answer', 'clarify', 'fallback'"),
                questionsNotStored: try sum(kinds: "'\(ChatAnalytics.unstoredKind)'"),
                unanswered: try questions("kind = 'fallback'", []).map { question in
                    var question = question
                    question.signpost = ChatAnalytics.signpostBlock(question.intent)
                    question.intent = nil
                    return question
                },
                signposts: try intentCounts(kind: "fallback").compactMap { count in
                    ChatAnalytics.signpostBlock(count.intent).map { Report.Count(intent: $0, count: count.count) }
                },
                lowConfidence: try questions("kind IN ('answer', 'clarify') AND confidence < ?", [reviewBelow]),
                clarifyChoices: try intentCounts(kind: "choice"),
                topIntents: try intentCounts(kind: "answer"),
                daily: daily,
                feedback: Report.Feedback(helpful: helpful, unhelpful: unhelpful, comments: comments),
                unhelpfulIntents: try counts("SELECT intent, COUNT(*) AS n FROM chatFeedback WHERE givenAt >= ? AND NOT helpful AND intent IS NOT NULL GROUP BY intent ORDER BY n DESC LIMIT 20"))
        }
    }
}
