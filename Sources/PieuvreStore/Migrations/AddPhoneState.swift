import FluentKit
import SQLKit

/// Each phone's state kept with its requests (`PhoneState`): when its device file was last
/// served, its latest refusal, when it falls silent; and requests counted per hour and customer
/// for the fleet's 24-hour chart (written with the log, read without scanning it).
struct AddPhoneState: AsyncMigration {
    var name: String { "pieuvre.v9.phone-state" }

    func prepare(on database: any Database) async throws {
        // One column an ALTER: SQLite adds one at a time.
        for (name, type) in [("served_at", DatabaseSchema.DataType.datetime), ("refusal", .string), ("refused_at", .datetime), ("refused_ip", .string), ("silent_after", .datetime)] {
            try await database.schema("phones").field(.string(name), type).update()
        }
        try await database.schema("request_counts")
            .field("hour", .int64, .required)
            // The zero id stands for requests no customer's phone made (unknown MACs, scans).
            .field("customer_id", .uuid, .required)
            .field("served", .int64, .required)
            .field("refused", .int64, .required)
            .unique(on: "hour", "customer_id")
            .create()
        // MACs no phone has that asked for files (typing slips, mostly), and the registered
        // phones one slip away from each, found when the MAC asks (`TypingSlips`).
        try await database.schema("unknown_macs")
            .field("mac", .string, .required)
            .field("requests", .int64, .required)
            .field("first_at", .datetime, .required)
            .field("last_at", .datetime, .required)
            .field("last_ip", .string, .required)
            .field("user_agent", .string)
            .unique(on: "mac")
            .create()
        try await database.schema("unknown_near")
            .field("mac", .string, .required)
            .field("phone_id", .uuid, .required, .references("phones", "id", onDelete: .cascade))
            .unique(on: "mac", "phone_id")
            .create()
        // An alert someone has seen and dealt with leaves the fleet's count.
        try await database.schema("alerts").field("acknowledged_at", .datetime).update()
        try await database.schema("alerts").field("acknowledged_by", .string).update()
        if let sql = database as? any SQLDatabase {
            // A phone given credentials was served its device file: the rows already there keep
            // their state ("silent" starts with their next request, which sets its deadline).
            try await sql.raw("UPDATE phones SET served_at = credentials_issued_at WHERE credentials_issued_at IS NOT NULL").run()
            try await sql.create(index: "idx_unknown_macs_last").on("unknown_macs").column("last_at").run()
            try await sql.create(index: "idx_unknown_near_phone").on("unknown_near").column("phone_id").run()
            try await sql.create(index: "idx_phones_customer_refusal").on("phones").column("customer_id").column("refusal").run()
            // The stuck list, most recently stuck first, per customer and platform-wide.
            try await sql.raw("CREATE INDEX idx_phones_customer_stuck ON phones (customer_id, (\(unsafeRaw: Store.stuckSince)))").run()
            try await sql.raw("CREATE INDEX idx_phones_stuck ON phones ((\(unsafeRaw: Store.stuckSince)))").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("request_counts").delete()
        try await database.schema("unknown_near").delete()
        try await database.schema("unknown_macs").delete()
        try await database.schema("alerts").deleteField("acknowledged_at").deleteField("acknowledged_by").update()
        for field in ["served_at", "refusal", "refused_at", "refused_ip", "silent_after"] {
            try await database.schema("phones").deleteField(.string(field)).update()
        }
    }
}
