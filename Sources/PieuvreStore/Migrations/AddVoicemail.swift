import FluentKit
import SQLKit

/// Mailboxes as the voicemail platform reports them, the lamp rules ("Signal lumineux") and
/// the e-mail rules of each line.
struct AddVoicemail: AsyncMigration {
    var name: String { "pieuvre.v5.voicemail" }

    func prepare(on database: any Database) async throws {
        try await database.schema("voicemail_messages")
            .id()
            .field("line_id", .uuid, .required, .references("lines", "id", onDelete: .cascade))
            .field("message_id", .string, .required)
            .field("class", .string, .required)
            .field("urgent", .bool, .required)
            .field("caller", .string)
            .field("unread", .bool, .required)
            .field("at", .datetime, .required)
            .unique(on: "line_id", "message_id")
            .create()
        try await database.schema("lamp_rules")
            .id()
            .field("line_id", .uuid, .required, .references("lines", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("number", .string, .required)
            .field("faxes", .bool, .required)
            .field("urgent", .bool, .required)
            .field("all_voicemail", .bool, .required)
            .create()
        try await database.schema("email_rules")
            .field("line_id", .uuid, .identifier(auto: false), .references("lines", "id", onDelete: .cascade))
            .field("address", .string, .required)
            .field("faxes", .bool, .required)
            .field("urgent", .bool, .required)
            .field("all_voicemail", .bool, .required)
            .field("attach", .bool, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "idx_lamp_rules_line").on("lamp_rules").column("line_id").run()
            try await sql.create(index: "idx_lamp_rules_number").on("lamp_rules").column("number").run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in ["email_rules", "lamp_rules", "voicemail_messages"] {
            try await database.schema(table).delete()
        }
    }
}
