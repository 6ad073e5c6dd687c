import FluentKit
import Foundation

/// One phone-facing request and how it ended (the provisioning log).
final class ProvisioningEvent: Model, @unchecked Sendable {
    static let schema = "provisioning_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @OptionalField(key: "mac") var mac: String?
    @Field(key: "file") var file: String
    @Field(key: "source_ip") var sourceIP: String
    @OptionalField(key: "user_agent") var userAgent: String?
    @Field(key: "outcome") var outcome: String
    // No foreign keys: the log outlives deleted phones.
    @OptionalField(key: "phone_id") var phoneID: UUID?
    @OptionalField(key: "customer_id") var customerID: UUID?
    @OptionalField(key: "transport") var transport: String?
    /// Requests for unknown MACs are folded into one row per source and minute.
    @OptionalField(key: "count") var count: Int?

    init() {}
}

/// One setting of one layer: a value, a lock, or both.
final class SettingValue: Model, @unchecked Sendable {
    static let schema = "settings_values"

    @ID(key: .id) var id: UUID?
    @Field(key: "scope") var scope: String
    /// The reseller, customer, department, line or phone; the nil UUID for the platform.
    @Field(key: "owner_id") var ownerID: UUID
    @Field(key: "key") var key: String
    @OptionalField(key: "value") var value: String?
    @Field(key: "locked") var locked: Bool

    init() {}
}
