import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// A contact as the API shows it.
public struct ContactView: Codable, Sendable, Equatable {
    public let id: UUID
    public let name: String
    public let numbers: [ContactCard.Number]
}

/// One page of a list and the cursor of the next (nil at the end).
public struct Page<Item: Codable & Sendable>: Codable, Sendable {
    public let items: [Item]
    public let next: String?

    enum CodingKeys: String, CodingKey { case items, next }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(next, forKey: .next)
    }
}

/// A line's personal contacts. The line's user, the customer's administrators and its reseller
/// may use them; anyone else (the operator included: they are personal) gets "not found".
extension Store {
    public static let maxContactsPerLine = 1000

    public func contacts(_ actor: Actor, sda: String, q: String?, limit: Int?, cursor: String?) async throws -> Page<ContactView> {
        let line = try await contactLine(actor, sda)
        let limit = max(1, min(limit ?? 100, 1000))
        var query = try Contact.query(on: db).filter(\.$line.$id == line.id!)
        query = Self.search(query, q)
        if let cursor {
            guard let (name, id) = Self.decodeCursor(cursor) else {
                throw DomainError.invalid(field: "cursor", value: cursor, reason: Reason("bad-cursor", en: "is not a cursor this list gave", fr: "n'est pas une page de cette liste."))
            }
            query = query.group(.or) { $0.filter(\.$searchName > name).group(.and) { $0.filter(\.$searchName == name).filter(\.$id > id) } }
        }
        let rows = try await query.sort(\.$searchName).sort(\.$id).limit(limit + 1).all()
        let items = try rows.prefix(limit).map(Self.view)
        let next = rows.count > limit ? rows[limit - 1] : nil
        return Page(items: items, next: next.map { Self.encodeCursor($0.searchName, $0.id!) })
    }

    public func contact(_ actor: Actor, sda: String, id: String) async throws -> ContactView {
        let line = try await contactLine(actor, sda)
        return try Self.view(try await find(id, line: line))
    }

    public func createContact(_ actor: Actor, sda: String, _ card: ContactCard) async throws -> ContactView {
        let line = try await contactLine(actor, sda)
        let row = try Self.row(card, lineID: line.id!, now: clock.now)
        let view = try Self.view(row)
        try await transaction(changes: []) { db in
            try await self.requireRoom(line.id!, adding: 1, on: db)
            try await row.create(on: db)
            try await audit(db, actor, "contact.create", "contact", "\(line.sda) \(row.id!)", before: Optional<ContactView>.none, after: view)
        }
        return try Self.view(row)
    }

    public func updateContact(_ actor: Actor, sda: String, id: String, name: String?, numbers: [(label: String?, number: String?)]?) async throws -> ContactView {
        let line = try await contactLine(actor, sda)
        let row = try await find(id, line: line)
        let before = try Self.view(row)
        let card = try ContactCard(name: name ?? before.name, numbers: numbers ?? before.numbers.map { ($0.label.rawValue, $0.number) })
        try Self.fill(row, card)
        let after = try Self.view(row)
        try await transaction(changes: []) { db in
            try await row.save(on: db)
            try await audit(db, actor, "contact.update", "contact", "\(line.sda) \(row.id!)", before: before, after: after)
        }
        return after
    }

    public func deleteContact(_ actor: Actor, sda: String, id: String) async throws {
        let line = try await contactLine(actor, sda)
        let row = try await find(id, line: line)
        let before = try Self.view(row)
        try await transaction(changes: []) { db in
            try await row.delete(on: db)
            try await audit(db, actor, "contact.delete", "contact", "\(line.sda) \(row.id!)", before: before, after: Optional<ContactView>.none)
        }
    }

    /// Adds every contact of a file, or none (the file was checked whole before this).
    public func importContacts(_ actor: Actor, sda: String, _ cards: [ContactCard]) async throws -> Int {
        let line = try await contactLine(actor, sda)
        let now = clock.now
        let rows = try cards.map { try Self.row($0, lineID: line.id!, now: now) }
        try await transaction(changes: []) { db in
            try await self.requireRoom(line.id!, adding: rows.count, on: db)
            for row in rows { try await row.create(on: db) }
            try await audit(db, actor, "contact.import", "line", line.sda, before: Optional<String>.none, after: ["count": rows.count])
        }
        return rows.count
    }

    // MARK: phonebooks (no actor: the phone's own credentials were checked)

    /// The line's contacts for its phone's "Contacts" book, searched by name or number.
    public func contactBook(lineID: UUID, q: String?, limit: Int) async throws -> [ContactView] {
        try await Self.search(Contact.query(on: db).filter(\.$line.$id == lineID), q)
            .sort(\.$searchName).limit(limit).all().map(Self.view)
    }

    /// One entry of the "Extensions" book: a line of the customer.
    public struct Extension: Sendable, Equatable {
        public let name: String
        public let number: String
        public let department: String?
    }

    /// The customer's lines for the "Extensions" book, searched by name, number or department.
    public func extensionBook(customerID: UUID, q: String?, limit: Int) async throws -> [Extension] {
        var sql = SQLQueryString("SELECT l.name AS name, l.sda AS sda, d.name AS department FROM lines l LEFT JOIN departments d ON d.id = l.department_id WHERE l.customer_id = \(bind: customerID)")
        if let q = q?.trimmingWhitespace(), !q.isEmpty, q != "#SEARCH" {
            let pattern = "%" + Self.escapeLike(q.lowercased()) + "%"
            let digits = q.filter { !" .-".contains($0) }
            sql.appendInterpolation(unsafeRaw: " AND (lower(l.name) LIKE ")
            sql.appendInterpolation(bind: pattern)
            sql.appendInterpolation(unsafeRaw: " OR lower(d.name) LIKE ")
            sql.appendInterpolation(bind: pattern)
            if !digits.isEmpty, digits.allSatisfy({ $0.isNumber || $0 == "+" }) {
                sql.appendInterpolation(unsafeRaw: " OR l.sda LIKE ")
                sql.appendInterpolation(bind: "%" + Self.escapeLike(digits) + "%")
            }
            sql.appendInterpolation(unsafeRaw: ")")
        }
        sql.appendInterpolation(unsafeRaw: " ORDER BY l.name, l.sda LIMIT \(max(1, min(limit, 5000)))")
        return try await storage.sql.raw(sql).all().map { row in
            Extension(name: try row.decode(column: "name", as: String.self), number: try row.decode(column: "sda", as: String.self),
                      department: try row.decodeNil(column: "department") ? nil : try row.decode(column: "department", as: String.self))
        }
    }

    // MARK: helpers

    /// The line, if the actor may use its contacts: its user, the customer's administrators,
    /// its reseller.
    private func contactLine(_ actor: Actor, _ sda: String) async throws -> Line {
        guard actor.role != .operator else { throw DomainError.notFound(what: "line", key: sda) }
        return try await visibleLine(actor, sda, on: db)
    }

    private func find(_ id: String, line: Line) async throws -> Contact {
        guard let uuid = UUID(uuidString: id),
              let row = try await Contact.query(on: db).filter(\.$id == uuid).filter(\.$line.$id == line.id!).first() else {
            throw DomainError.notFound(what: "contact", key: id)
        }
        return row
    }

    private func requireRoom(_ lineID: UUID, adding: Int, on db: any Database) async throws {
        let count = try await Contact.query(on: db).filter(\.$line.$id == lineID).count()
        guard count + adding <= Self.maxContactsPerLine else {
            throw DomainError.unprocessable(Reason("too-many-contacts", en: "a line keeps at most \(Self.maxContactsPerLine) contacts (it has \(count))", fr: "Une ligne garde au plus \(Self.maxContactsPerLine) contacts (elle en a \(count))."))
        }
    }

    static func search(_ query: QueryBuilder<Contact>, _ q: String?) -> QueryBuilder<Contact> {
        // The phone sends "#SEARCH" itself when nothing was typed.
        guard let q = q?.trimmingWhitespace(), !q.isEmpty, q != "#SEARCH" else { return query }
        let digits = q.filter { !" .-".contains($0) }
        if !digits.isEmpty, digits.allSatisfy({ $0.isNumber || $0 == "+" }) {
            let national = (try? DirectNumber(parsing: digits).national) ?? digits
            return query.filter(\.$searchNumbers, .custom("LIKE"), "%" + escapeLike(national) + "%")
        }
        return query.filter(\.$searchName, .custom("LIKE"), "%" + escapeLike(ContactCard.fold(q)) + "%")
    }

    /// `%` and `_` typed by a person are searched as themselves.
    static func escapeLike(_ text: String) -> String {
        String(text.filter { $0 != "%" && $0 != "_" && $0 != "\\" }.prefix(64))
    }

    static func row(_ card: ContactCard, lineID: UUID, now: Date) throws -> Contact {
        let row = Contact()
        row.id = UUID()
        row.$line.id = lineID
        row.createdAt = now
        try fill(row, card)
        return row
    }

    static func fill(_ row: Contact, _ card: ContactCard) throws {
        row.name = card.name
        row.searchName = card.searchName
        row.numbers = String(decoding: try JSONEncoder().encode(card.numbers), as: UTF8.self)
        row.searchNumbers = " " + card.numbers.map(\.number).joined(separator: " ") + " "
    }

    static func view(_ row: Contact) throws -> ContactView {
        let numbers = (try? JSONDecoder().decode([ContactCard.Number].self, from: Data(row.numbers.utf8))) ?? []
        return ContactView(id: row.id!, name: row.name, numbers: numbers)
    }

    static func encodeCursor(_ name: String, _ id: UUID) -> String {
        Data((name + "\u{0}" + id.uuidString).utf8).base64EncodedString()
    }

    static func decodeCursor(_ cursor: String) -> (String, UUID)? {
        guard cursor.count <= 512, let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: "\u{0}", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let id = UUID(uuidString: String(parts[1])) else { return nil }
        return (String(parts[0]), id)
    }
}
