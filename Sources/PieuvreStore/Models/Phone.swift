import FluentKit
import Foundation
import PieuvreCore

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
    /// When the current window was opened: the first fetch after it issues new credentials.
    @OptionalField(key: "window_opened_at") var windowOpenedAt: Date?
    @OptionalField(key: "device_username") var deviceUsername: String?
    // Kept in clear: it is written into the device file and checks HTTP digest answers.
    @OptionalField(key: "device_password") var devicePassword: String?
    @OptionalField(key: "credentials_issued_at") var credentialsIssuedAt: Date?
    @OptionalField(key: "web_admin_password") var webAdminPassword: String?
    @OptionalField(key: "last_seen_at") var lastSeenAt: Date?
    @OptionalField(key: "last_seen_ip") var lastSeenIP: String?
    @OptionalField(key: "last_user_agent") var lastUserAgent: String?
    @OptionalField(key: "detected_model") var detectedModel: String?
    /// Its state's facts (`PhoneState`), written by its requests.
    @OptionalField(key: "served_at") var servedAt: Date?
    @OptionalField(key: "refusal") var refusal: String?
    @OptionalField(key: "refused_at") var refusedAt: Date?
    @OptionalField(key: "refused_ip") var refusedIP: String?
    @OptionalField(key: "silent_after") var silentAfter: Date?

    /// Its searched words folded (`FoldedForSearch`).
    @OptionalField(key: "search_fold") var searchFold: String?

    init() {}

    /// The MAC as people read it (`80:5E:C0:02:1C:1B`); the stored form is 12 hex digits.
    var displayMAC: String { (try? MACAddress(parsing: mac))?.description ?? mac }
}
