import FluentKit
import Foundation

/// A company that sells the operator's lines and installs phones ("revendeur").
final class Reseller: Model, @unchecked Sendable {
    static let schema = "resellers"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "created_at") var createdAt: Date

    init() {}

    init(name: String, createdAt: Date) {
        self.name = name
        self.createdAt = createdAt
    }
}
