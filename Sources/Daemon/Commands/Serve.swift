import ArgumentParser
import CSystem
import Dispatch
import Foundation
import Logging
import Storage
#if canImport(Glibc)
import Glibc
#endif

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Startet den Dienst (Intranet- und öffentlicher Listener).")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        try reporting {
            // A log reader that goes away (a closed pipe, a restarted collector) must not end
            // the daemon: the failed write is dropped instead. Sockets already send with
            // MSG_NOSIGNAL.
            signal(SIGPIPE, SIG_IGN)
            // Under sustained chat load glibc raised its threshold for mapping large blocks, so
            // the large buffers that come and go (a second's analytics queue, a generation of
            // conversations) were carved from the heap arenas and fragmented them: 14 runs of
            // 5 s of distinct questions left 131 MB taken from the system for 55 MB in use
            // (RSS 140 MB, growing). With the threshold fixed, such series end at 92-106 MB.
            kh_map_large_allocations()
            let configuration = try options.load()
            LogSetup.bootstrap(format: configuration.logFormat, level: configuration.logLevel)
            var logger = Logger(label: "kreishausd")
            logger.logLevel = configuration.logLevel

            let lock: DataDirectoryLock
            do {
                lock = try DataDirectoryLock(directory: configuration.dataDirectory)
            } catch {
                throw CommandFailure("\(error)")
            }
            let app = try Kreishaus(configuration: configuration, logger: logger)
            if let password = try app.auth.bootstrapAdminIfNeeded() {
                say("""
                Erster Start: Der Benutzer „admin“ wurde angelegt.
                Passwort: \(password)
                Dieses Passwort wird nur jetzt angezeigt. Ändern mit: kreishausd users passwd admin
                """)
            }
            do {
                try app.start()
            } catch {
                app.stop()
                LogWriter.shared.flush()
                throw CommandFailure("\(error)")
            }
            logger.info("kreishausd \(Kreishaus.version) ready", metadata: [
                "intranet": .string("http://\(Self.display(configuration.intranet.host)):\(app.intranet.port)/"),
                "public": .string("http://\(Self.display(configuration.publicSite.host)):\(app.publicListener.port)/"),
                "config": .string(configuration.source), "database": .string(configuration.databasePath),
            ])

            let signals = SignalWaiter([SIGTERM, SIGINT, SIGHUP])
            while true {
                let received = signals.wait()
                if received == SIGHUP {
                    logger.info("SIGHUP: reloading intents")
                    app.chatLibrary.reload()
                    continue
                }
                logger.info("shutting down", metadata: ["signal": .stringConvertible(received)])
                break
            }
            app.stop()
            // The requests' lines first (log lines are collected per thread), then the last one.
            LogWriter.shared.flush()
            logger.info("stopped")
            LogWriter.shared.flush()
            withExtendedLifetime(lock) {}
        }
    }

    static func display(_ host: String) -> String {
        host.contains(":") ? "[\(host)]" : host
    }
}

/// Turns signals into values a thread can wait for.
final class SignalWaiter: @unchecked Sendable {
    // @unchecked: `received` is guarded by `lock`; the sources live as long as the waiter.
    private var sources: [any DispatchSourceSignal] = []
    private let semaphore = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var received: [Int32] = []
    private let queue = DispatchQueue(label: "kreishausd.signals")

    init(_ signals: [Int32]) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.withLock { self.received.append(number) }
                self.semaphore.signal()
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Blocks until a signal arrives; returns its number.
    func wait() -> Int32 {
        semaphore.wait()
        return lock.withLock { received.removeFirst() }
    }
}
