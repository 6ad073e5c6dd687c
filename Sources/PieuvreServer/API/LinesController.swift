import Hummingbird
import PieuvreStore

/// A customer's lines ("Liste des utilisateurs") and each line by its number.
struct LinesController {
    let store: Store
    let notifier: MessageWaitingNotifier?

    static let createFields: Set<String> = ["sda", "name", "department", "licence", "administrator", "portalPassword", "presentedNumber", "internationalRestriction", "locked", "sipAuthName", "sipPassword"]
    static let patchFields: Set<String> = ["name", "department", "licence", "administrator", "portalPassword", "presentedNumber", "internationalRestriction", "locked", "sipPassword"]

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("customers/:reference/lines", use: list)
        group.post("customers/:reference/lines", use: create)
        group.get("lines/:sda", use: show)
        group.patch("lines/:sda", use: update)
        group.delete("lines/:sda", use: delete)
    }

    @Sendable func list(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.lines(actor, reference: try context.parameters.text("reference"), try ListQuery.read(request)))
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: Self.createFields)
        var input = NewLine(sda: try body.string("sda"), name: try body.string("name"))
        input.department = try body.string("department")
        input.licence = try body.string("licence")
        input.administrator = try body.bool("administrator")
        input.portalPassword = try body.string("portalPassword")
        input.presentedNumber = try body.string("presentedNumber")
        input.internationalRestriction = try body.string("internationalRestriction")
        input.locked = try body.bool("locked")
        input.sipAuthName = try body.string("sipAuthName")
        input.sipPassword = try body.string("sipPassword")
        let view = try await store.createLine(actor, reference: try context.parameters.text("reference"), input)
        return try JSONResponse.make(view, status: .created)
    }

    @Sendable func show(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.line(actor, sda: try context.parameters.text("sda")))
    }

    @Sendable func update(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: Self.patchFields)
        var patch = LinePatch()
        patch.name = try body.requiredString("name")
        patch.licence = try body.nullableString("licence")
        patch.department = try body.nullableString("department")
        patch.locked = try body.requiredBool("locked")
        patch.presentedNumber = try body.requiredString("presentedNumber")
        patch.internationalRestriction = try body.requiredString("internationalRestriction")
        patch.administrator = try body.requiredBool("administrator")
        patch.portalPassword = try body.nullableString("portalPassword")
        patch.sipPassword = try body.nullableString("sipPassword")
        let line = try await store.updateLine(actor, sda: try context.parameters.text("sda"), patch)
        // The line's account in its phones' files changed (name, SIP password…).
        if let notifier, let numbers = try? await store.numbersReached(by: .line(sda: line.sda)) { notifier.checkSync(numbers) }
        return try JSONResponse.make(line)
    }

    @Sendable func delete(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        try await store.deleteLine(actor, sda: try context.parameters.text("sda"))
        return Response(status: .noContent)
    }
}
