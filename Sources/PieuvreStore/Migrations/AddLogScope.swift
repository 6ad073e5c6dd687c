import FluentKit
import SQLKit

/// The provisioning log scoped to registrations (read by phone record), with the transport of
/// each request and a count for aggregated rows; security alerts; per-customer networks.
struct AddLogScope: AsyncMigration {
    var name: String { "pieuvre.v4.log-scope" }

    func prepare(on database: any Database) async throws {
        try await database.schema("provisioning_events").field("transport", .string).update()
        try await database.schema("provisioning_events").field("count", .int64).update()
        try await database.schema("customers").field("allowed_networks", .string).update()
        try await database.schema("alerts")
            .id()
            .field("at", .datetime, .required)
            .field("kind", .string, .required)
            .field("source_ip", .string, .required)
            .field("mac", .string)
            .field("customer_id", .uuid)
            .field("reseller_id", .uuid)
            .field("detail", .string, .required)
            .create()
        if let sql = database as? any SQLDatabase {
            try await sql.create(index: "idx_provisioning_events_phone").on("provisioning_events").column("phone_id").column("at").run()
            try await sql.create(index: "idx_provisioning_events_at").on("provisioning_events").column("at").run()
            try await sql.create(index: "idx_alerts_at").on("alerts").column("at").run()
            try await sql.create(index: "idx_alerts_reseller").on("alerts").column("reseller_id").column("at").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema("alerts").delete()
    }
}
