import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// A line's personal contacts (the phone's "Contacts" book): list with search and paging,
/// create, read, change, delete, and import (CSV or vCard, all or nothing).
struct ContactsController {
    let store: Store

    static let importLimit = 2 * 1024 * 1024

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("lines/:sda/contacts", use: list)
        group.post("lines/:sda/contacts", use: create)
        group.post("lines/:sda/contacts/import", use: importFile)
        group.get("lines/:sda/contacts/:id", use: show)
        group.patch("lines/:sda/contacts/:id", use: update)
        group.delete("lines/:sda/contacts/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let query = request.uri.queryParameters
        var limit: Int?
        if let text = query.get("limit") {
            guard let n = Int(text), (1...1000).contains(n) else { throw DomainError.invalid(field: "limit", value: String(text), reason: .wholeNumber(1, 1000)) }
            limit = n
        }
        let page = try await store.contacts(actor, sda: try context.parameters.text("sda"), q: try ListQuery.text(request, "q"), limit: limit, cursor: try ListQuery.text(request, "cursor").flatMap { $0.isEmpty ? nil : $0 })
        return try JSONResponse.make(page)
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["name", "numbers"])
        let card = try ContactCard(name: try body.string("name"), numbers: try Self.numbers(body) ?? [])
        return try JSONResponse.make(try await store.createContact(actor, sda: try context.parameters.text("sda"), card), status: .created)
    }

    @Sendable func show(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.contact(actor, sda: try context.parameters.text("sda"), id: try context.parameters.text("id")))
    }

    @Sendable func update(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["name", "numbers"])
        if case .null? = body.fields["name"] { throw APIError(.badRequest, "field 'name' cannot be null") }
        let view = try await store.updateContact(actor, sda: try context.parameters.text("sda"), id: try context.parameters.text("id"),
                                                 name: try body.string("name"), numbers: try Self.numbers(body))
        return try JSONResponse.make(view)
    }

    @Sendable func delete(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        try await store.deleteContact(actor, sda: try context.parameters.text("sda"), id: try context.parameters.text("id"))
        return Response(status: .noContent)
    }

    /// `text/csv` (`name,number,label`) or `text/vcard` (3.0 or 4.0).
    @Sendable func importFile(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let sda = try context.parameters.text("sda")
        // The line is checked before the body is read: another tenant's line is a 404 at once.
        _ = try await store.contacts(actor, sda: sda, q: nil, limit: 1, cursor: nil)
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        let isCSV = contentType.hasPrefix("text/csv") || contentType.hasPrefix("text/plain")
        let isVCard = contentType.hasPrefix("text/vcard") || contentType.hasPrefix("text/x-vcard") || contentType.hasPrefix("text/directory")
        guard isCSV || isVCard else {
            throw APIError(.unsupportedMediaType, "send text/csv (header name,number,label) or text/vcard")
        }
        let buffer = try await request.body.collect(upTo: Self.importLimit)
        guard let text = String(validating: Data(buffer: buffer), as: UTF8.self) else {
            throw APIError(.badRequest, "the file is not UTF-8 text")
        }
        let cards = isVCard ? try ContactFile.vcard(text) : try ContactFile.csv(text)
        let count = try await store.importContacts(actor, sda: sda, cards)
        return try JSONResponse.make(["created": count], status: .created)
    }

    /// `numbers`: an array of `{"label", "number"}`; nil when absent.
    static func numbers(_ body: JSONBody) throws -> [(label: String?, number: String?)]? {
        switch body.fields["numbers"] {
        case nil: return nil
        case let .array(items)?:
            return try items.enumerated().map { index, item in
                guard case let .object(fields) = item else { throw APIError(.badRequest, "field 'numbers[\(index)]' must be an object {\"label\", \"number\"}") }
                let entry = try JSONBody(fields: fields, allowed: ["label", "number"], path: "numbers[\(index)].")
                return (try entry.string("label"), try entry.string("number"))
            }
        case let other?:
            throw APIError(.badRequest, "field 'numbers' must be an array, not \(other.typeName)")
        }
    }
}
