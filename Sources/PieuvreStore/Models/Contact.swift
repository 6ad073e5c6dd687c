import FluentKit
import Foundation

/// A personal contact of a line (the phone's "Contacts" book). Numbers are stored as JSON;
/// `search_name` (folded) and `search_numbers` (" n1 n2 ") let the database search them.
final class Contact: Model, @unchecked Sendable {
    static let schema = "contacts"

    @ID(key: .id) var id: UUID?
    @Parent(key: "line_id") var line: Line
    @Field(key: "name") var name: String
    @Field(key: "search_name") var searchName: String
    @Field(key: "numbers") var numbers: String
    @Field(key: "search_numbers") var searchNumbers: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}
