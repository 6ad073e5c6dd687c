import FluentKit
import Foundation

/// A registered phone, known by its MAC across the whole platform.
final class Phone: Model, @unchecked Sendable {
    static let schema = "phones"

    @ID(key: .id) var id: UUID?
    /// 12 lowercase hex digits; unique platform-wide (the unique index decides races).
    @Field(key: "mac") var mac: String
    @Field(key: "model") var model: String
    @Field(key: "description") var description: String
    @Parent(key: "customer_id") var customer: Customer
    @OptionalParent(key: "line_id") var line: Line?
    @OptionalParent(key: "department_id") var department: Department?
    @OptionalField(key: "authenticate_until") var authenticateUntil: Date?
    @OptionalField(key: "authenticated_at") var authenticatedAt: Date?
    @OptionalField(key: "authenticated_ip") var authenticatedIP: String?
    @OptionalField(key: "authenticated_user_agent") var authenticatedUserAgent: String?
    @OptionalField(key: "firmware") var firmware: String?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
