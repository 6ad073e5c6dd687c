import FluentKit
import SQLKit

/// The user's half: the shared login throttle, remember-me sessions and personal contacts.
struct AddUserSide: AsyncMigration {
    var name: String { "pieuvre.v3.user-side" }

    func prepare(on database: any Database) async throws {
        // One row per throttle key ("l:<login>", "s:<source>", "p:<login>|<source>"); times are
        // epoch seconds so SQLite and PostgreSQL compare them the same way.
        try await database.schema("login_throttle")
            .field("key", .string, .identifier(auto: false))
            .field("attempts", .int64, .required)
            .field("window_start", .double, .required)
            .field("blocked_until", .double, .required)
            .field("updated_at", .double, .required)
            .create()
        // A remember-me session outlives the browser; the portal shows it and signs it out.
        try await database.schema("api_sessions").field("remember", .bool).update()
        try await database.schema("contacts")
            .id()
            .field("line_id", .uuid, .required, .references("lines", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("search_name", .string, .required)
            .field("numbers", .string, .required)
            .field("search_numbers", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            // Logins are compared without case from now on.
            try await sql.raw("UPDATE accounts SET login = lower(login)").run()
            try await sql.create(index: "idx_login_throttle_updated").on("login_throttle").column("updated_at").run()
            try await sql.create(index: "idx_contacts_line").on("contacts").column("line_id").column("search_name").run()
            try await sql.create(index: "idx_api_sessions_line").on("api_sessions").column("line_id").run()
            try await sql.create(index: "idx_api_sessions_account").on("api_sessions").column("account_id").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("contacts").delete()
        try await database.schema("login_throttle").delete()
    }
}
