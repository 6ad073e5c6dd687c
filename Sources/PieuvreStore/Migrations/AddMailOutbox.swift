import FluentKit
import SQLKit

/// The durable outbox of notification e-mails (a deposit queues one; a sender drains it with
/// retries), the change feed, integration keys, the language of each line's e-mail rule, and the index that finds a line's phones.
struct AddMailOutbox: AsyncMigration {
    var name: String { "pieuvre.v6.mail-outbox" }

    func prepare(on database: any Database) async throws {
        try await database.schema("email_rules").field("language", .string).update()
        try await database.schema("mail_outbox")
            .id()
            .field("line_sda", .string, .required)
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            // pending, sent or failed (given up after the last retry, or refused for good).
            .field("state", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("done_at", .datetime)
            .field("last_error", .string)
            .create()
        // The ordered feed of what changes make stale in the phone-facing caches: each node
        // reads it from its last position (see `Store.changeFeed(after:)`).
        try await database.schema("change_feed")
            .field("position", .int64, .identifier(auto: true))
            .field("kind", .string, .required)
            .field("key", .string, .required)
            .field("at", .datetime, .required)
            .create()
        // Keys the operator gives its voicemail platform: they report events and nothing else.
        try await database.schema("integration_keys")
            .id()
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("scope", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .unique(on: "name")
            .unique(on: "token_hash")
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "idx_mail_outbox_due").on("mail_outbox").column("state").column("next_attempt_at").run()
            // The phones of a line (SIP messages name a number; its phones get the log entry).
            try await sql.create(index: "idx_phones_line_id").on("phones").column("line_id").run()
            // Lists page by key within a customer: the index gives the page in order, so a page
            // costs the same with 100 phones or 100,000.
            try await sql.create(index: "idx_phones_customer_mac").on("phones").column("customer_id").column("mac").run()
            try await sql.create(index: "idx_lines_customer_sda").on("lines").column("customer_id").column("sda").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("change_feed").delete()
        try await database.schema("integration_keys").delete()
        try await database.schema("mail_outbox").delete()
    }
}
