/// What can go wrong in a domain operation, independent of how it is reported (HTTP, TFTP, CLI).
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value that breaks a rule; the message names the field and the value.
    case invalid(field: String, value: String, reason: String)
    /// A required field is absent.
    case missing(field: String)
    /// The object exists already (MAC, SDA, reference, login). The seed fixes the text.
    case duplicate(field: String, value: String)
    /// Not there, or not visible to the caller: both look the same from outside.
    case notFound(what: String, key: String)
    /// The caller's role may not do this at all.
    case forbidden(String)
    /// The request is well formed but conflicts with the state of other records.
    case unprocessable(String)
    /// An import refused as a whole, with one entry per bad line.
    case importRefused([ImportLineError])

    /// An import's error list is shown up to this many lines (and the total), so a huge bad
    /// file cannot make a huge answer.
    public static let maxListedErrors = 1000

    /// The exact text the seed's extranet shows when a MAC is registered twice.
    public static let duplicateObjectMessage = "An attempt has been made to create a duplicate object."

    public var description: String {
        switch self {
        case let .invalid(field, value, reason): return "\(field) '\(value)' \(reason)"
        case let .missing(field): return "\(field) is required"
        case .duplicate: return Self.duplicateObjectMessage
        case let .notFound(what, key): return "no \(what) '\(key)'"
        case let .forbidden(message): return message
        case let .unprocessable(message): return message
        case let .importRefused(lines): return "import refused: \(lines.count) bad line\(lines.count == 1 ? "" : "s"), nothing was imported"
        }
    }
}

/// One bad line of an import: its 1-based line number in the file (the header is line 1).
public struct ImportLineError: Equatable, Sendable, Codable {
    public let line: Int
    public let error: String
    public init(line: Int, error: String) {
        self.line = line
        self.error = error
    }
}
