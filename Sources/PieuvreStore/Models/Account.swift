import FluentKit
import Foundation

/// A login of the operator or of a reseller. Customer administrators and users log in with
/// their line's number and portal password instead (see `Line`).
final class Account: Model, @unchecked Sendable {
    static let schema = "accounts"

    @ID(key: .id) var id: UUID?
    @Field(key: "login") var login: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: String
    @OptionalParent(key: "reseller_id") var reseller: Reseller?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(login: String, passwordHash: String, role: String, resellerID: UUID?, createdAt: Date) {
        self.login = login
        self.passwordHash = passwordHash
        self.role = role
        self.$reseller.id = resellerID
        self.createdAt = createdAt
    }
}
