import Foundation
import Hummingbird
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The reseller extranet: clients, the fiche client with its lines and phones, "Provisionner
/// @MAC", imports, and editing a line. Every page reads and writes through the same Store
/// operations as the API, so no rule is written twice.
struct ExtranetController {
    let kit: PortalKit
    var store: Store { kit.store }

    static let sheetRoles: Set<Role> = [.reseller, .operator, .administrator]

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("extranet", use: clients)
        router.post("extranet/clients", use: createClient)
        router.get("extranet/clients/:ref", use: client)
        router.get("extranet/clients/:ref/provision", use: provisionForm)
        router.post("extranet/clients/:ref/provision", use: provision)
        router.post("extranet/clients/:ref/phones/:mac/delete", use: deletePhone)
        router.post("extranet/clients/:ref/import", use: importCSV)
        router.post("extranet/clients/:ref/import-block", use: importBlock)
        router.post("extranet/clients/:ref/lines", use: createLine)
        router.post("extranet/clients/:ref/lines/:sda", use: changePresentedNumber)
        router.get("extranet/clients/:ref/lines/:sda/edit", use: editLinePage)
        router.post("extranet/clients/:ref/lines/:sda/edit", use: editLine)
    }

    // MARK: clients

    @Sendable func clients(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: [.reseller, .operator]) { actor in
            try await clientsPage(request, actor, form: [:], error: nil)
        }
    }

    private func clientsPage(_ request: Request, _ actor: Actor, form: [String: String], error: String?) async throws -> Response {
        let query = kit.query(request)
        let q = query["q"] ?? ""
        let page = try await store.customers(actor, ListRequest(q: q, cursor: query["after"]))
        let rows = page.items.map { ClientsPage.Row(created: PortalKit.date($0.createdAt), reference: $0.reference, companyName: $0.companyName) }
        let model = ClientsPage(customers: rows, q: q, next: page.next.map { PortalKit.query("/extranet", ["q": q, "after": $0]) }, canCreate: actor.role == .reseller, form: form, error: error)
        return kit.render(.clients, model, request, status: error == nil ? .ok : .unprocessableContent, actor: actor)
    }

    static let customerFields = ["companyName", "siret", "address", "postalCode", "city", "reference"]

    @Sendable func createClient(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: [.reseller]) { actor, form in
            let input = NewCustomer(companyName: form["companyName"], siret: form["siret"], address: form["address"], postalCode: form["postalCode"], city: form["city"], reference: form.optional("reference"))
            let sheet = try await store.createCustomer(actor, input)
            return kit.redirect(PortalKit.query("/extranet/clients/\(sheet.reference)", ["done": "created"]))
        } invalid: { actor, form, error in
            try await clientsPage(request, actor, form: Self.kept(form, Self.customerFields), error: kit.say(error, request))
        }
    }

    static func kept(_ form: FormBody, _ fields: [String]) -> [String: String] {
        fields.reduce(into: [String: String]()) { $0[$1] = form[$1] ?? "" }
    }

    // MARK: fiche client

    @Sendable func client(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.sheetRoles) { actor in
            kit.render(.client, try await clientModel(actor, reference: try context.parameters.text("ref"), request: request), request, actor: actor)
        }
    }

    /// The fiche client: its lines and phones a page at a time, each table with its own search
    /// (`lq`, `pq`) and next page (`lafter`, `pafter`), so a customer of 100,000 phones is a
    /// page of 100, not 51 MB.
    func clientModel(_ actor: Actor, reference: String, request: Request) async throws -> ClientPage {
        let sheet = try await store.customer(actor, reference: reference)
        let query = kit.query(request)
        let lineQ = query.get("lq") ?? "", phoneQ = query.get("pq") ?? ""
        let lines = try await store.lines(actor, reference: reference, ListRequest(q: lineQ, cursor: query.get("lafter")))
        let phones = try await store.phones(actor, reference: reference, ListRequest(q: phoneQ, cursor: query.get("pafter")))
        let here = "/extranet/clients/\(reference)"
        return ClientPage(
            sheet: sheet, created: PortalKit.date(sheet.createdAt, time: false), reference: reference,
            lines: lines.items.map(ClientPage.LineRow.init),
            phones: phones.items.map(PhoneRow.init),
            lineQ: lineQ, linesNext: lines.next.map { PortalKit.query(here, ["lq": lineQ, "lafter": $0, "pq": phoneQ]) },
            phoneQ: phoneQ, phonesNext: phones.next.map { PortalKit.query(here, ["pq": phoneQ, "pafter": $0, "lq": lineQ]) + "#phones" },
            phoneCount: try await store.phoneCount(actor, reference: reference),
            models: Option.models(),
            departments: try await store.departments(actor, reference: reference, .all).items.map { Option($0.name) },
            backToList: actor.role >= .reseller)
    }

    private func clientPage(_ request: Request, _ actor: Actor, _ reference: String, status: HTTPResponse.Status = .ok, _ adjust: (inout ClientPage) -> Void) async throws -> Response {
        var model = try await clientModel(actor, reference: reference, request: request)
        adjust(&model)
        return kit.render(.client, model, request, status: status, actor: actor)
    }

    // MARK: Provisionner @MAC

    @Sendable func provisionForm(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.sheetRoles) { actor in
            let reference = try context.parameters.text("ref")
            _ = try await store.customer(actor, reference: reference)
            return provisionPage(request, actor, reference, form: ["sda": kit.query(request)["sda"] ?? ""], error: nil)
        }
    }

    private func provisionPage(_ request: Request, _ actor: Actor, _ reference: String, form: [String: String], error: String?) -> Response {
        let model = ProvisionPage(reference: reference, form: form, models: Option.models(selected: form["model"]), error: error)
        return kit.render(.provision, model, request, status: error == nil ? .ok : .unprocessableContent, actor: actor)
    }

    @Sendable func provision(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        return await kit.form(request, roles: Self.sheetRoles) { actor, form in
            let phone = try await store.registerPhone(actor, reference: reference, NewPhone(mac: form["mac"], model: form["model"], description: form["description"], sda: form.optional("sda")))
            // Back on the fiche client at its phone list, saying what was done.
            return kit.redirect(PortalKit.query("/extranet/clients/\(reference)", ["done": "provisioned", "mac": phone.mac]) + "#phones-title")
        } invalid: { actor, form, error in
            // The form comes back as typed, with the message (the seed's exact duplicate text).
            provisionPage(request, actor, reference, form: Self.kept(form, ["mac", "model", "description", "sda"]), error: kit.say(error, request))
        }
    }

    @Sendable func deletePhone(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        return await kit.form(request, roles: Self.sheetRoles) { actor, _ in
            let mac = try context.parameters.text("mac")
            try await store.deletePhone(actor, mac: mac)
            return kit.redirect(PortalKit.query("/extranet/clients/\(reference)", ["done": "deleted", "mac": mac]) + "#phones-title")
        } invalid: { actor, _, error in
            try await clientPage(request, actor, reference, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    // MARK: imports

    @Sendable func importCSV(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        return await kit.form(request, roles: [.reseller, .operator], limit: 8 * 1024 * 1024) { actor, form in
            let csv = form["csv"] ?? ""
            return try await runImport(request, actor, reference, csv: csv, dryRun: form["action"] != "import") { try PhoneImportFile.rows(csv: csv) }
        } invalid: { actor, form, error in
            try await clientPage(request, actor, reference, status: .unprocessableContent) { $0.error = kit.say(error, request); $0.csv = form["csv"] }
        }
    }

    @Sendable func importBlock(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        return await kit.form(request, roles: [.reseller, .operator]) { actor, form in
            try await runImport(request, actor, reference, csv: nil, dryRun: false) {
                try PhoneImportFile.rows(firstMac: form["firstMac"], count: Int(form["count"] ?? ""), model: form["model"], description: nil, sda: nil, limit: PhonesController.blockLimit)
            }
        } invalid: { actor, _, error in
            try await clientPage(request, actor, reference, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    /// Imports (or previews) and shows the fiche client with the outcome: the count, the preview,
    /// or every refused line; a CSV comes back in its text area so it can be fixed.
    private func runImport(_ request: Request, _ actor: Actor, _ reference: String, csv: String?, dryRun: Bool, rows: () throws -> [ImportRow]) async throws -> Response {
        do {
            let result = try await store.importPhones(actor, reference: reference, rows: try rows(), dryRun: dryRun)
            let lang = kit.language(request)
            return try await clientPage(request, actor, reference) { page in
                if dryRun {
                    page.previewCount = result.macs.count
                    page.previewText = lang.counted(result.macs.count, "previewOk")
                    page.csv = csv
                } else {
                    page.message = "\(result.created) \(lang.counted(result.created, "imported"))"
                }
            }
        } catch let DomainError.importRefused(lines) {
            return try await clientPage(request, actor, reference, status: .unprocessableContent) { page in
                page.importErrors = PortalMessages.lines(lines, kit.language(request))
                page.csv = csv
            }
        }
    }

    // MARK: lines

    @Sendable func createLine(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        return await kit.form(request, roles: Self.sheetRoles) { actor, form in
            var input = NewLine(sda: form["sda"], name: form["name"])
            input.department = form.optional("department")
            input.licence = form.optional("licence")
            input.portalPassword = form.optional("portalPassword")
            input.administrator = form.checked("administrator")
            let line = try await store.createLine(actor, reference: reference, input)
            return kit.redirect(PortalKit.query("/extranet/clients/\(reference)", ["done": "lineCreated", "sda": line.sda]) + "#compte")
        } invalid: { actor, _, error in
            try await clientPage(request, actor, reference, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    @Sendable func changePresentedNumber(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        return await kit.form(request, roles: Self.sheetRoles) { actor, form in
            var patch = LinePatch()
            patch.presentedNumber = .set(form["presentedNumber"] ?? "")
            _ = try await store.updateLine(actor, sda: try context.parameters.text("sda"), patch)
            let saved = kit.language(request).text("saved")
            return try await clientPage(request, actor, reference) { $0.message = saved }
        } invalid: { actor, _, error in
            try await clientPage(request, actor, reference, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    @Sendable func editLinePage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.sheetRoles) { actor in
            try await lineView(request, actor, reference: try context.parameters.text("ref"), sda: try context.parameters.text("sda"), typed: nil, error: nil)
        }
    }

    /// The line form: the stored values, or what was typed when a rule refused it.
    private func lineView(_ request: Request, _ actor: Actor, reference: String, sda: String, typed: FormBody?, error: String?) async throws -> Response {
        let line = try await store.line(actor, sda: sda)
        guard line.customer == reference else { throw DomainError.notFound(what: "line", key: sda) }
        let department = typed.map { $0["department"] ?? "" } ?? (line.department ?? "")
        let restriction = typed?["internationalRestriction"] ?? line.internationalRestriction
        let model = LinePage(
            reference: reference,
            line: .init(sda: line.sda, name: typed?["name"] ?? line.name, licence: typed?["licence"] ?? line.licence ?? "",
                        presentedNumber: typed?["presentedNumber"] ?? line.presentedNumber,
                        locked: typed.map { $0.checked("locked") } ?? line.locked,
                        administrator: typed.map { $0.checked("administrator") } ?? line.administrator),
            departments: try await store.departments(actor, reference: reference, .all).items.map { Option($0.name, selected: $0.name == department) },
            restrictions: InternationalRestriction.allCases.map { Option($0.rawValue, selected: $0.rawValue == restriction) },
            canChangeRestriction: actor.role >= .reseller,
            error: error)
        return kit.render(.line, model, request, status: error == nil ? .ok : .unprocessableContent, actor: actor)
    }

    @Sendable func editLine(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let reference = context.parameters.optionalText("ref") ?? ""
        let sda = context.parameters.optionalText("sda") ?? ""
        return await kit.form(request, roles: Self.sheetRoles) { actor, form in
            guard try await store.line(actor, sda: sda).customer == reference else { throw DomainError.notFound(what: "line", key: sda) }
            var patch = LinePatch()
            patch.name = .set(form["name"] ?? "")
            patch.licence = .set(form.optional("licence"))
            patch.department = .set(form.optional("department"))
            if let number = form["presentedNumber"] { patch.presentedNumber = .set(number) }
            if actor.role >= .reseller, let restriction = form["internationalRestriction"] { patch.internationalRestriction = .set(restriction) }
            patch.locked = .set(form.checked("locked"))
            patch.administrator = .set(form.checked("administrator"))
            if let password = form.optional("portalPassword") { patch.portalPassword = .set(password) }
            _ = try await store.updateLine(actor, sda: sda, patch)
            return kit.redirect(PortalKit.query("/extranet/clients/\(reference)", ["done": "lineSaved", "sda": sda]) + "#compte")
        } invalid: { actor, form, error in
            try await lineView(request, actor, reference: reference, sda: sda, typed: form, error: kit.say(error, request))
        }
    }
}
