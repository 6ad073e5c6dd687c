import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit

/// The open databases and the way to get a `Database` for a unit of work.
///
/// SQLite runs on one connection pinned to one event loop: SQLite has a single writer anyway,
/// and one connection means concurrent writers queue instead of failing with SQLITE_BUSY.
/// PostgreSQL gets a pool per event loop.
public final class Storage: Sendable {
    public let location: DatabaseLocation
    let databases: Databases
    private let pinnedLoop: (any EventLoop)?
    private let eventLoopGroup: any EventLoopGroup
    let logger: Logger

    /// The database's own event loops, apart from the HTTP server's: a batch of log rows being
    /// built or decoded never holds up phones' requests on the server's loops.
    private let ownGroup: MultiThreadedEventLoopGroup?

    public init(location: DatabaseLocation, logger: Logger, eventLoopGroup: (any EventLoopGroup)? = nil) throws {
        let own = eventLoopGroup == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        self.ownGroup = own
        let eventLoopGroup: any EventLoopGroup = eventLoopGroup ?? own!
        self.location = location
        // FluentKit logs every query with its bound values at debug level, and those values
        // include SIP passwords and hashes: the database never logs below info.
        var quiet = logger
        if quiet.logLevel < .info { quiet.logLevel = .info }
        self.logger = quiet
        self.eventLoopGroup = eventLoopGroup
        databases = Databases(threadPool: NIOThreadPool.singleton, on: eventLoopGroup)
        switch location {
        case let .sqlite(path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            databases.use(.sqlite(.file(path)), as: .sqlite)
            pinnedLoop = eventLoopGroup.next()
        case let .postgres(url, schema):
            var configuration = try SQLPostgresConfiguration(url: url)
            if let schema { configuration.searchPath = [schema] }
            databases.use(.postgres(configuration: configuration, maxConnectionsPerEventLoop: 8, connectionPoolTimeout: .seconds(10)), as: .psql)
            pinnedLoop = nil
        }
        // The folded words searches read are written with the row, whatever writes it.
        databases.middleware.use(SearchFolding<Phone>())
        databases.middleware.use(SearchFolding<Line>())
        databases.middleware.use(SearchFolding<Department>())
        databases.middleware.use(SearchFolding<Customer>())
    }

    /// A database handle for one unit of work; after shutdown (a failed start, the end of a
    /// graceful stop) there is none, and whoever asks is told so rather than trapped.
    public var database: any Database {
        get throws {
            guard let database = databases.database(logger: logger, on: pinnedLoop ?? eventLoopGroup.any()) else { throw StorageError.closed }
            return database
        }
    }

    var sql: any SQLDatabase {
        get throws {
            guard let sql = try database as? any SQLDatabase else { throw StorageError.closed }
            return sql
        }
    }

    /// Creates or updates the schema. Safe to run at every start and from several nodes in turn.
    public func migrate() async throws {
        if case .sqlite = location {
            // WAL lets readers (a backup, the sqlite3 shell) work while the server writes.
            try await sql.raw("PRAGMA journal_mode=WAL").run()
            // In WAL mode NORMAL is still safe against corruption; a power cut may lose the last
            // commits (a phone provisioned in them fetches again inside its window), and each
            // commit no longer waits for the disk: a rollout's first contacts are commits.
            try await sql.raw("PRAGMA synchronous=NORMAL").run()
        }
        let migrations = Migrations()
        for migration in Self.migrations { migrations.add(migration) }
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: pinnedLoop ?? eventLoopGroup.any())
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// The schema's migrations, in order; they only move forward and run at every start.
    static let migrations: [any AsyncMigration] = [CreateSchema(), AddProvisioning(), AddUserSide(), AddLogScope(), AddVoicemail(), AddMailOutbox(), AddFirmware(), AddSearchFold(), AddPhoneState(), AddCAFetch()]

    /// The migrations this build knows (a restore refuses a database that has had others).
    public static var migrationNames: [String] { migrations.map(\.name) }

    /// A consistent copy of the SQLite database while the server writes it (`VACUUM INTO` reads
    /// one snapshot), written beside the target and renamed over it: never half a file.
    public func backupSQLite(to target: String) async throws {
        let temporary = target + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        // Readable by its owner only from its first byte (it holds sealed secrets and the
        // portals' password hashes): VACUUM INTO fills an empty file it is given.
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: temporary])
        }
        try await sql.raw("VACUUM INTO \(bind: temporary)").run()
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        // A rename keeps the file's mode.
        try FileManager.default.moveItem(atPath: temporary, toPath: target)
    }

    /// The migrations a database has had (empty for an empty database).
    public func appliedMigrations() async throws -> [String] {
        (try? await sql.raw("SELECT name FROM _fluent_migrations").all().map { try $0.decode(column: "name", as: String.self) }) ?? []
    }

    /// The database server's clock (seconds since 1970), read with one query: `doctor` uses it to
    /// see that the database answers and that the two clocks agree (windows and nonces are
    /// compared against times other nodes wrote).
    public func databaseClock() async throws -> Double {
        let query: SQLQueryString
        switch location {
        case .sqlite: query = "SELECT CAST((julianday('now') - 2440587.5) * 86400.0 AS REAL) AS t"
        case .postgres: query = "SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS t"
        }
        guard let row = try await sql.raw(query).first() else { throw StorageError.noAnswer }
        return try row.decode(column: "t", as: Double.self)
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        try? await ownGroup?.shutdownGracefully()
    }
}

public enum StorageError: Error, CustomStringConvertible {
    case noAnswer
    /// The storage was shut down (or never opened): no query can run.
    case closed
    public var description: String {
        switch self {
        case .noAnswer: return "the database answered no row"
        case .closed: return "the database is closed"
        }
    }
}
