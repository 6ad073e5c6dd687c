import ArgumentParser
import Foundation
import PieuvreStore

/// `pieuvre backup FILE`: a consistent copy of the SQLite database while the server runs.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the SQLite database consistently while the server runs (PostgreSQL: prints the pg_dump command).")

    @OptionGroup var common: CommonOptions
    @Argument(help: "The backup file to write (replaced atomically).") var file: String

    func run() async throws {
        let location = try common.location()
        guard case .sqlite = location else {
            if case let .postgres(url, _) = location {
                // No password on the terminal: pg_dump takes it from PGPASSWORD or ~/.pgpass.
                var shown = URLComponents(string: url)
                shown?.password = nil
                print("PostgreSQL: back up with pg_dump (password from PGPASSWORD or ~/.pgpass), e.g.\n  pg_dump --format=custom --file=\(file) '\(shown?.string ?? "postgres://…")'")
            }
            return
        }
        let logger = try common.logger("pieuvre")
        let storage = try Storage(location: location, logger: logger)
        do {
            try await storage.backupSQLite(to: (file as NSString).standardizingPath)
        } catch {
            await storage.shutdown()
            throw error
        }
        await storage.shutdown()
        print("backup written to \(file) (keep the secrets key with it, apart: \(common.resolvedDataDir)/secrets.key or --secrets-key)")
    }
}

/// `pieuvre restore FILE`: a backup into a stopped data directory, refusing a newer schema.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Put a backup in place of the SQLite database of a stopped server; refuses a backup of a newer schema.")

    @OptionGroup var common: CommonOptions
    @Argument(help: "The backup file (from `pieuvre backup`).") var file: String

    func run() async throws {
        guard case let .sqlite(target) = try common.location() else {
            throw ValidationError("restore puts back a SQLite database; on PostgreSQL use pg_restore")
        }
        guard FileManager.default.fileExists(atPath: file) else { throw ValidationError("no backup at \(file)") }
        let logger = try common.logger("pieuvre")
        let backup = try Storage(location: .sqlite(path: file), logger: logger)
        let applied = try await backup.appliedMigrations()
        await backup.shutdown()
        let unknown = applied.filter { !Storage.migrationNames.contains($0) }
        guard unknown.isEmpty else {
            throw ValidationError("the backup has a newer schema (\(unknown.joined(separator: ", "))) than this pieuvre: restore it with a newer release")
        }
        guard !applied.isEmpty else { throw ValidationError("\(file) is not a Pieuvre database") }
        // Copied beside, then renamed: the data directory never holds half a database. The
        // old WAL files belong to the old database.
        let directory = (target as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        let partial = target + ".restoring"
        try? FileManager.default.removeItem(atPath: partial)
        try FileManager.default.copyItem(atPath: file, toPath: partial)
        for stale in [target + "-wal", target + "-shm"] { try? FileManager.default.removeItem(atPath: stale) }
        if FileManager.default.fileExists(atPath: target) { try FileManager.default.removeItem(atPath: target) }
        try FileManager.default.moveItem(atPath: partial, toPath: target)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target)
        print("restored \(file) into \(target); start the server with the same secrets key")
    }
}
