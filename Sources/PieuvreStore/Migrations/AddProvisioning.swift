import FluentKit
import SQLKit

/// Device credentials and sightings on phones, the provisioning log, settings layers and the
/// platform's shared state (cache generation, digest nonce key).
struct AddProvisioning: AsyncMigration {
    var name: String { "pieuvre.v2.provisioning" }

    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let phoneColumns: [(String, DatabaseSchema.DataType)] = [
            ("window_opened_at", .datetime), ("device_username", .string), ("device_password", .string),
            ("credentials_issued_at", .datetime), ("web_admin_password", .string), ("last_seen_at", .datetime),
            ("last_seen_ip", .string), ("last_user_agent", .string), ("detected_model", .string),
        ]
        for (name, type) in phoneColumns {
            try await database.schema("phones").field(.string(name), type).update()
        }
        try await database.schema("provisioning_events")
            .id()
            .field("at", .datetime, .required)
            .field("mac", .string)
            .field("file", .string, .required)
            .field("source_ip", .string, .required)
            .field("user_agent", .string)
            .field("outcome", .string, .required)
            .field("phone_id", .uuid)
            .field("customer_id", .uuid)
            .create()
        try await database.schema("settings_values")
            .id()
            .field("scope", .string, .required)
            .field("owner_id", .uuid, .required)
            .field("key", .string, .required)
            .field("value", .string)
            .field("locked", .bool, .required)
            .unique(on: "scope", "owner_id", "key")
            .create()
        try await database.schema("platform_state")
            .field("id", .int, .identifier(auto: false))
            .field("generation", .int64, .required)
            .field("digest_key", .string, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "idx_provisioning_events_mac").on("provisioning_events").column("mac").column("at").run()
            try await sql.create(index: "idx_provisioning_events_customer").on("provisioning_events").column("customer_id").column("at").run()
            try await sql.insert(into: "platform_state").columns("id", "generation", "digest_key")
                .values(SQLBind(1), SQLBind(Int64(1)), SQLBind(Secrets.token())).run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["platform_state", "settings_values", "provisioning_events"] {
            try await database.schema(table).delete()
        }
    }
}
