import FluentKit
import Foundation

/// A bearer token's server-side record. Only the token's SHA-256 is stored, so a copy of the
/// database does not hand out sessions. Held in the database so any node can check it.
final class APISession: Model, @unchecked Sendable {
    static let schema = "api_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "role") var role: String
    @Field(key: "login") var login: String
    @OptionalParent(key: "account_id") var account: Account?
    @OptionalParent(key: "line_id") var line: Line?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    /// A remember-me session (30 days) rather than one that ends with the browser.
    @OptionalField(key: "remember") var remember: Bool?

    init() {}
}
