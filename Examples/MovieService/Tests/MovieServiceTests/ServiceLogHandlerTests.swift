import Logging
@testable import movie_service
import Synchronization
import Testing

@Suite("The service's log handler")
struct ServiceLogHandlerTests {
    /// The lines a capturing logger wrote.
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        var written: [String] { lines.withLock { $0 } }
    }

    /// A logger whose lines land in the returned buffer.
    static func capturing(level: Logger.Level = .info) -> (Logger, Lines) {
        let lines = Lines()
        var logger = Logger(label: "test") { label in
            ServiceLogHandler(label: label, write: { line in lines.lines.withLock { $0.append(line) } })
        }
        logger.logLevel = level
        return (logger, lines)
    }

    @Test("A line carries the level, label, sorted metadata and message")
    func line() throws {
        var (logger, lines) = Self.capturing()
        logger[metadataKey: "hb.request.id"] = "42"
        logger.info("loaded", metadata: ["a": "1"])
        let line = try #require(lines.written.first)
        #expect(line.hasSuffix(" info test: [a=1 hb.request.id=42] loaded\n"))
    }

    @Test("Messages below the level are not written; metadata is per logger")
    func levelAndCopies() {
        let (logger, lines) = Self.capturing(level: .info)
        var child = logger
        child[metadataKey: "request"] = "7"
        logger.debug("hidden")
        logger.warning("plain")
        child.error("tagged")
        #expect(lines.written.count == 2)
        #expect(lines.written.first?.hasSuffix(" warning test: plain\n") == true)
        #expect(lines.written.last?.hasSuffix(" error test: [request=7] tagged\n") == true)
    }
}
