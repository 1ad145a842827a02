import Foundation
import Logging

/// Writes log lines to standard error, rendering the metadata only when it writes a line.
///
/// swift-log's `StreamLogHandler` renders its metadata into text whenever the metadata is
/// set. Hummingbird sets a request id on the logger of every request, so that rendering
/// (formatting the id, sorting the keys) ran once per request even though the service logs
/// nothing per request at `info`.
struct ServiceLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Receives each line, newline included.
    private let write: @Sendable (String) -> Void

    init(label: String, write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.label = label
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let own = event.metadata { merged.merge(own) { _, new in new } }
        let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        write("\(Date.now.ISO8601Format()) \(event.level) \(label):\(rendered.isEmpty ? "" : " [\(rendered)]") \(event.message)\n")
    }
}
