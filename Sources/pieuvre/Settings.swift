import ArgumentParser
import Foundation
import Logging
import PieuvreCore
import PieuvreServer
import PieuvreStore

/// Options shared by every subcommand. Each flag has an environment variable; the flag wins.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory; holds the SQLite database by default. Env: PIEUVRE_DATA_DIR (default ./data).")
    var dataDir: String?

    @Option(name: .long, help: "sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB. Env: PIEUVRE_DATABASE_URL (default: SQLite file in the data directory).")
    var databaseURL: String?

    @Option(name: .long, help: "Provisioning window after registration, in hours. Env: PIEUVRE_WINDOW_HOURS (default 48).")
    var windowHours: Int?

    @Option(name: .long, help: "How many days ahead 'authenticate until' may be set. Env: PIEUVRE_MAX_WINDOW_DAYS (default 30).")
    var maxWindowDays: Int?

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error. Env: PIEUVRE_LOG_LEVEL (default info).")
    var logLevel: String?

    @Option(name: .long, help: "Log format: text, or json (one object a line: time, level, message, metadata). Env: PIEUVRE_LOG_FORMAT (default text).")
    var logFormat: String?

    @Option(name: .long, help: "Key file sealing secrets at rest (created 0600 on first start). Env: PIEUVRE_SECRETS_KEY (default DATA_DIR/secrets.key). Keep it with the backups.")
    var secretsKey: String?

    var resolvedDataDir: String { Environment.value(dataDir, "PIEUVRE_DATA_DIR") ?? "./data" }

    func location() throws -> DatabaseLocation {
        try DatabaseLocation(url: Environment.value(databaseURL, "PIEUVRE_DATABASE_URL"), dataDirectory: resolvedDataDir)
    }

    func window() throws -> ProvisioningWindow {
        let hours = try Environment.int(windowHours, "PIEUVRE_WINDOW_HOURS", flag: "window-hours") ?? ProvisioningWindow.defaultHours
        guard (1...24 * 365).contains(hours) else { throw ValidationError("--window-hours must be between 1 and 8760, not \(hours)") }
        let days = try Environment.int(maxWindowDays, "PIEUVRE_MAX_WINDOW_DAYS", flag: "max-window-days") ?? ProvisioningWindow.defaultMaxDays
        guard (1...3650).contains(days) else { throw ValidationError("--max-window-days must be between 1 and 3650, not \(days)") }
        return ProvisioningWindow(hours: hours, maxDays: days)
    }

    func logger(_ label: String) throws -> Logger {
        switch Environment.value(logFormat, "PIEUVRE_LOG_FORMAT") ?? "text" {
        case "text": break
        case "json": LogFormat.json()
        case let other: throw ValidationError("--log-format must be text or json, not '\(other)'")
        }
        var logger = Logger(label: label)
        logger.logLevel = Environment.value(logLevel, "PIEUVRE_LOG_LEVEL").flatMap(Logger.Level.init(rawValue:)) ?? .info
        return logger
    }

    /// Opens the database, applies migrations, seals secrets still in clear, and hands back
    /// the store. Files it creates are the owner's alone (umask 077; the data directory 0700,
    /// the database 0600, fixed at every start).
    func openStore(logger: Logger) async throws -> Store {
        umask(0o077)
        let dataDir = resolvedDataDir
        try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try? FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDir)
        let secrets = try SecretBox.load(path: Environment.value(secretsKey, "PIEUVRE_SECRETS_KEY") ?? (dataDir as NSString).appendingPathComponent("secrets.key"))
        let location = try location()
        let storage = try Storage(location: location, logger: logger)
        let store = Store(storage: storage, secrets: secrets, window: try window())
        do {
            try await storage.migrate()
            if case let .sqlite(path) = location {
                for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                    try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
                }
            }
            try await store.sealSecretsAtRest()
        } catch {
            await storage.shutdown()
            throw error
        }
        logger.info("database ready", metadata: ["database": "\(location)"])
        return store
    }
}

enum Environment {
    static func value(_ flag: String?, _ name: String) -> String? {
        if let flag, !flag.isEmpty { return flag }
        if let env = ProcessInfo.processInfo.environment[name], !env.isEmpty { return env }
        return nil
    }

    static func int(_ flag: Int?, _ name: String, flag flagName: String) throws -> Int? {
        if let flag { return flag }
        guard let text = value(nil, name) else { return nil }
        guard let number = Int(text) else { throw ValidationError("\(name) must be a whole number, not '\(text)'") }
        return number
    }
}

/// The log format, chosen once per process (swift-log's bootstrap may run only once).
enum LogFormat {
    private static let once: Void = LoggingSystem.bootstrap { JSONLogHandler(label: $0) }
    static func json() { once }
}
