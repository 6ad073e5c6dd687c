import Foundation
import Logging
import NIOConcurrencyHelpers
import PieuvreCore

/// `--log-format json`: one JSON object per line (time, level, label, message, source and the
/// metadata as strings), for a log shipper. What is logged is the same as in text: no secret
/// is ever put in a log message or its metadata.
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    /// One writer for the process: lines from several threads never interleave.
    static let output = NIOLockedValueBox(FileHandle.standardOutput)

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [String: JSONValue] = [
            "time": .string(Self.timestamp(Date())),
            "level": .string(event.level.rawValue),
            "label": .string(label),
            "message": .string(event.message.description),
            "source": .string(event.source),
        ]
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for (key, value) in merged where fields[key] == nil { fields[key] = .string(value.description) }
        let line = JSONValue.object(fields).encoded() + [10]
        Self.output.withLockedValue { $0.write(Data(line)) }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
