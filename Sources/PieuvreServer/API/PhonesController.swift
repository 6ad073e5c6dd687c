import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// Phones: registration ("Provisionner @MAC"), the phone list, batch and block import, and
/// the administrator's changes (line, department, window).
struct PhonesController {
    let store: Store
    let notifier: MessageWaitingNotifier?

    /// A CSV of 100,000 phones is about 5 MB.
    static let importLimit = 8 * 1024 * 1024
    static let blockLimit = 10_000

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("customers/:reference/phones", use: list)
        group.get("customers/:reference/phones.csv", use: exportCSV)
        group.post("customers/:reference/phones", use: create)
        group.post("customers/:reference/phones/import", use: importPhones)
        group.get("phones/:mac", use: show)
        group.patch("phones/:mac", use: update)
        group.delete("phones/:mac", use: delete)
        group.post("phones/:mac/check-sync", use: checkSync)
        group.post("phones/:mac/reboot", use: reboot)
    }

    /// The message when no NOTIFY can leave: said before anything is audited.
    static let sipOff = "SIP is not configured: start serve with --sip-proxy (or --sip-domain) naming the SIP platform, and a --sip-port other than 0"

    @Sendable func checkSync(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await act(request, context, .checkSync)
    }

    @Sendable func reboot(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await act(request, context, .reboot)
    }

    /// `Event: check-sync;reboot=false|true` to the phone's line through the SIP platform: 202,
    /// since the phone answers (or not) later; the provisioning log shows the NOTIFY's fate.
    private func act(_ request: Request, _ context: PieuvreRequestContext, _ action: Store.PhoneAction) async throws -> Response {
        let actor = try context.requireActor()
        let mac = try context.parameters.text("mac")
        let number: String
        do {
            number = try await PhoneActions.send(action, mac: mac, actor: actor, store: store, notifier: notifier)
        } catch is PhoneActions.SIPOff {
            throw APIError(.conflict, Self.sipOff)
        }
        return try JSONResponse.make(["sent": action.rawValue, "number": number], status: .accepted)
    }

    @Sendable func list(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.phones(actor, reference: try context.parameters.text("reference"), try ListQuery.read(request), filter: try Self.filter(request)))
    }

    /// Every phone of a customer (with the list's filters) as a CSV in the import format
    /// (`mac,model,sda,description`: it imports back as it is), streamed page by page from the
    /// database: a customer of 100,000 phones is never held in memory.
    @Sendable func exportCSV(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let filter = try Self.filter(request)
        let reference = try context.parameters.text("reference")
        let store = self.store
        // The first page before the answer starts: an unknown customer or a bad filter is a
        // proper error status, not a cut stream.
        let first = try await store.phones(actor, reference: reference, ListRequest(limit: ListRequest.maxLimit), filter: filter)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"phones-\(reference.filter { $0.isLetter || $0.isNumber || $0 == "-" }).csv\""
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "mac,model,sda,description\r\n"))
            var page = first
            while true {
                var chunk = ""
                for phone in page.items {
                    chunk += [phone.mac, phone.model, phone.sda ?? "", phone.description].map(CSVTable.field).joined(separator: ",") + "\r\n"
                }
                try await writer.write(ByteBuffer(string: chunk))
                guard let next = page.next else { break }
                page = try await store.phones(actor, reference: reference, ListRequest(limit: ListRequest.maxLimit, cursor: next), filter: filter)
            }
            try await writer.finish(nil)
        })
    }

    /// The list's filters, the same for the page and the CSV export.
    static func filter(_ request: Request) throws -> PhoneFilter {
        var state: PhoneState?
        if let text = try ListQuery.text(request, "state") {
            guard let known = PhoneState(rawValue: text) else {
                throw DomainError.invalid(field: "state", value: String(text.prefix(40)), reason: Reason("bad-state", en: "is not one of waiting, missed, refused, silent, ok", fr: "n'est pas un état connu (waiting, missed, refused, silent, ok)."))
            }
            state = known
        }
        return PhoneFilter(department: try ListQuery.text(request, "department"), model: try ListQuery.text(request, "model"), line: try ListQuery.text(request, "line"),
                           windowOpen: try ListQuery.bool(request, "windowOpen"), firmwareNot: try ListQuery.text(request, "firmwareNot"), state: state)
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["mac", "model", "description", "sda", "department"])
        let input = NewPhone(mac: try body.string("mac"), model: try body.string("model"), description: try body.string("description"), sda: try body.string("sda"), department: try body.string("department"))
        guard input.mac != nil else { throw DomainError.missing(field: "mac") }
        guard input.model != nil else { throw DomainError.missing(field: "model") }
        let view = try await store.registerPhone(actor, reference: try context.parameters.text("reference"), input)
        return try JSONResponse.make(view, status: .created)
    }

    @Sendable func importPhones(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let reference = try context.parameters.text("reference")
        let contentType = (request.headers[.contentType] ?? "").lowercased()
        let rows: [ImportRow]
        if contentType.hasPrefix("text/csv") || contentType.hasPrefix("text/plain") {
            let buffer = try await request.body.collect(upTo: Self.importLimit)
            guard let text = String(validating: Data(buffer: buffer), as: UTF8.self) else {
                throw APIError(.badRequest, "the CSV is not UTF-8 text")
            }
            rows = try PhoneImportFile.rows(csv: text)
        } else if contentType.hasPrefix("application/json") {
            let body = try await JSONBody.read(request, context: context, allowed: ["block"])
            guard let block = try body.object("block", allowed: ["firstMac", "count", "model", "description", "sda"]) else {
                throw DomainError.missing(field: "block")
            }
            rows = try PhoneImportFile.rows(
                firstMac: try block.string("firstMac"), count: try block.int("count"), model: try block.string("model"),
                description: try block.string("description"), sda: try block.string("sda"), limit: Self.blockLimit)
        } else {
            throw APIError(.unsupportedMediaType, "send text/csv (header mac,model,sda,description) or application/json {\"block\":{...}}")
        }
        let result = try await store.importPhones(actor, reference: reference, rows: rows)
        return try JSONResponse.make(result, status: .created)
    }

    @Sendable func show(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.phone(actor, mac: try context.parameters.text("mac")))
    }

    @Sendable func update(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["description", "model", "sda", "department", "authenticateUntil", "authorizeNextHour", "mac"])
        var patch = PhonePatch()
        patch.description = try body.requiredString("description")
        patch.model = try body.requiredString("model")
        patch.sda = try body.nullableString("sda")
        patch.department = try body.nullableString("department")
        switch try body.nullableString("authenticateUntil") {
        case .keep: break
        case .set(nil): patch.authenticateUntil = .set(nil)
        case let .set(text?):
            patch.authenticateUntil = .set(try FieldRules.time(text, field: "authenticateUntil"))
        }
        patch.authorizeNextHour = try body.bool("authorizeNextHour") ?? false
        patch.mac = try body.requiredString("mac")
        let mac = try context.parameters.text("mac")
        let before = try await store.phone(actor, mac: mac)
        let after = try await store.updatePhone(actor, mac: mac, patch)
        // The phone's file changed (its line, model or window): it fetches it now.
        notifier?.checkSync(Set([before.sda, after.sda].compactMap { $0 }))
        return try JSONResponse.make(after)
    }

    @Sendable func delete(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        try await store.deletePhone(actor, mac: try context.parameters.text("mac"))
        return Response(status: .noContent)
    }
}
