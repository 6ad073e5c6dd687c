import Foundation
import PieuvreCore

/// Where the records live: an SQLite file (the embedded default) or a PostgreSQL server.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String, schema: String?)

    /// `sqlite:///abs/path.sqlite`, `sqlite://relative.sqlite`, `postgres://user:pw@host:port/db`
    /// (`postgresql://` too). Empty means the default file in the data directory.
    public init(url: String?, dataDirectory: String) throws(DomainError) {
        guard let url, !url.isEmpty else {
            self = .sqlite(path: (dataDirectory as NSString).appendingPathComponent("pieuvre.sqlite"))
            return
        }
        if url.hasPrefix("sqlite://") {
            let path = String(url.dropFirst("sqlite://".count))
            guard !path.isEmpty else {
                throw .invalid(field: "database-url", value: url, reason: Reason("bad-database-url", en: "names no file", fr: "ne nomme aucun fichier."))
            }
            self = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            self = .postgres(url: url, schema: nil)
        } else {
            throw .invalid(field: "database-url", value: url, reason: Reason("bad-database-url", en: "is neither sqlite://PATH nor postgres://USER:PASSWORD@HOST:PORT/DATABASE", fr: "n'est ni sqlite://CHEMIN ni postgres://USER:PASSWORD@HOST:PORT/DATABASE."))
        }
    }

    /// The location without its password, for logs.
    public var description: String {
        switch self {
        case let .sqlite(path): return "sqlite://\(path)"
        case let .postgres(url, schema):
            var shown = url
            if let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://") {
                let credentials = url[scheme.upperBound..<at]
                if let colon = credentials.firstIndex(of: ":") {
                    shown = String(url[..<colon]) + ":***" + String(url[at...])
                }
            }
            return schema.map { "\(shown) (schema \($0))" } ?? shown
        }
    }
}
