import FluentKit
import Foundation

/// A subscriber line (the seed's "utilisateur"), known by its direct number.
final class Line: Model, @unchecked Sendable {
    static let schema = "lines"

    @ID(key: .id) var id: UUID?
    @Parent(key: "customer_id") var customer: Customer
    @Field(key: "sda") var sda: String
    @Field(key: "name") var name: String
    @OptionalField(key: "licence") var licence: String?
    @OptionalParent(key: "department_id") var department: Department?
    @Field(key: "locked") var locked: Bool
    @Field(key: "presented_number") var presentedNumber: String
    @Field(key: "international_restriction") var internationalRestriction: String
    @Field(key: "administrator") var administrator: Bool
    @OptionalField(key: "portal_password_hash") var portalPasswordHash: String?
    @Field(key: "sip_auth_name") var sipAuthName: String
    // Kept in clear: it must be written into the phone's file. Never returned by the API or logged.
    @Field(key: "sip_password") var sipPassword: String
    @Field(key: "created_at") var createdAt: Date

    /// Its searched words folded (`FoldedForSearch`).
    @OptionalField(key: "search_fold") var searchFold: String?

    init() {}
}
