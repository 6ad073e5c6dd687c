import FluentKit
import Foundation

/// One change made by a person or a program through the platform.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "at") var at: Date
    @Field(key: "actor_login") var actorLogin: String
    @Field(key: "actor_role") var actorRole: String
    @Field(key: "action") var action: String
    @Field(key: "object_type") var objectType: String
    @Field(key: "object_key") var objectKey: String
    /// JSON of the object before and after, built from the public views, which hold no secret.
    @OptionalField(key: "before") var before: String?
    @OptionalField(key: "after") var after: String?

    init() {}
}
