import FluentKit
import Foundation

/// A business served through a reseller: the tenant boundary of the platform.
final class Customer: Model, @unchecked Sendable {
    static let schema = "customers"

    @ID(key: .id) var id: UUID?
    @Field(key: "reference") var reference: String
    @Parent(key: "reseller_id") var reseller: Reseller
    @Field(key: "company_name") var companyName: String
    @Field(key: "siret") var siret: String
    @Field(key: "address") var address: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "city") var city: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date
    /// Comma-separated CIDRs a window's first fetch must come from (none: anywhere).
    @OptionalField(key: "allowed_networks") var allowedNetworks: String?

    /// Its searched words folded (`FoldedForSearch`).
    @OptionalField(key: "search_fold") var searchFold: String?

    init() {}
}
