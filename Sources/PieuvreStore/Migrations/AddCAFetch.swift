import FluentKit

/// When a phone fetched the platform's CA (`--phone-ca`), seen by its MAC in the User-Agent:
/// its device file switches the server check on only from then on (a phone told to check
/// before it holds the CA would fail every later check and keep its first configuration).
struct AddCAFetch: AsyncMigration {
    var name: String { "pieuvre.v10.ca-fetch" }

    func prepare(on database: any Database) async throws {
        try await database.schema("phones").field("ca_fetched_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("phones").deleteField("ca_fetched_at").update()
    }
}
