import FluentKit

/// Firmware files the operator uploads: stored in the data directory, described here.
struct AddFirmware: AsyncMigration {
    var name: String { "pieuvre.v7.firmware" }

    func prepare(on database: any Database) async throws {
        try await database.schema("firmware")
            .id()
            // A catalogue model id: the phones a file is for.
            .field("family", .string, .required)
            .field("version", .string, .required)
            .field("filename", .string, .required)
            .field("size", .int64, .required)
            .field("sha256", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "filename")
            .unique(on: "family", "version")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("firmware").delete()
    }
}
