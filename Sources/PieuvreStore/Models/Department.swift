import FluentKit
import Foundation

/// A site or group inside a customer; departments nest through `parent`.
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "name") var name: String
    @OptionalParent(key: "parent_id") var parent: Department?
    @Field(key: "created_at") var createdAt: Date

    /// Its searched words folded (`FoldedForSearch`).
    @OptionalField(key: "search_fold") var searchFold: String?

    init() {}
}
