import Foundation
import Hummingbird
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The web portals: one login page for every role, the reseller extranet and the customer
/// administrator's pages. Every page reads and writes through the same Store operations as
/// the API, so no rule is written twice; errors are the same messages, shown on the form.
struct PortalController {
    let kit: PortalKit
    var store: Store { kit.store }

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("/", use: loginPage)
        router.post("/", use: login)
        router.post("logout", use: logout)
        router.get("static/pieuvre.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Templates.stylesheet)))
        }
        router.get("extranet", use: clients)
        router.post("extranet/clients", use: createClient)
        router.get("extranet/clients/:ref", use: client)
        router.get("extranet/clients/:ref/provision", use: provisionForm)
        router.post("extranet/clients/:ref/provision", use: provision)
        router.post("extranet/clients/:ref/phones/:mac/delete", use: deletePhone)
        router.post("extranet/clients/:ref/import", use: importCSV)
        router.post("extranet/clients/:ref/import-block", use: importBlock)
        router.get("admin", use: adminPhones)
        router.post("admin/assign", use: assign)
        router.get("admin/phones/:mac", use: phonePage)
        router.post("admin/phones/:mac", use: changePhone)
        router.post("admin/phones/:mac/reopen", use: reopen)
        router.get("portal", use: portal)
        addOrganisationRoutes(to: router)
    }

    // MARK: sign in

    @Sendable func loginPage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        if let actor = try await kit.actor(request) { return kit.redirect(kit.home(actor.role)) }
        return kit.page("login", request, [:])
    }

    @Sendable func login(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, limit: 16 * 1024)
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
        let failed = kit.failures.withLockedValue { $0[login, default: 0] }
        if failed >= 5 {
            // A growing delay after 5 failures slows guessing without locking the account out.
            try await Task.sleep(for: .seconds(min(30, 1 << min(failed - 5, 5))))
        }
        guard let grant = try await store.openSession(login: login, password: form["password"] ?? "") else {
            kit.failures.withLockedValue { $0[login, default: 0] += 1 }
            return kit.page("login", request, ["error": kit.language(request).labels["badLogin"]!, "login": login], status: .unauthorized)
        }
        kit.failures.withLockedValue { $0[login] = nil }
        return kit.redirect(kit.home(grant.role), cookie: kit.sessionCookie(grant.token, maxAge: Int(store.sessionLifetime)))
    }

    @Sendable func logout(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let form = try await FormBody.read(request, limit: 16 * 1024)
        try kit.checkCSRF(request, form)
        if let token = kit.token(request) { try await store.closeSession(token: token) }
        return kit.redirect("/", cookie: kit.sessionCookie("", maxAge: 0))
    }

    func signedIn(_ request: Request, _ roles: Set<Role>) async throws -> Actor {
        guard let actor = try await kit.actor(request) else { throw Redirect(to: "/") }
        guard roles.contains(actor.role) else { throw DomainError.notFound(what: "page", key: request.uri.path) }
        return actor
    }

    // MARK: reseller extranet

    @Sendable func clients(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator])
            return try await clientsPage(request, actor, form: [:], error: nil)
        }
    }

    private func clientsPage(_ request: Request, _ actor: Actor, form: [String: String], error: String?) async throws -> Response {
        let lang = kit.language(request)
        let q = (request.uri.queryParameters.get("q") ?? "").lowercased()
        let rows = try await store.customers(actor).filter { c in
            q.isEmpty || [c.reference, c.companyName, c.city, c.siret].contains { $0.lowercased().contains(q) }
        }.map { c -> [String: Any] in
            ["created": PortalKit.date(c.createdAt, lang), "reference": c.reference, "companyName": c.companyName]
        }
        var values: [String: Any] = ["customers": rows, "q": q, "canCreate": actor.role == .reseller, "form": form]
        if let error { values["error"] = error }
        return kit.page("clients", request, values, status: error == nil ? .ok : .unprocessableContent, actor: actor)
    }

    @Sendable func createClient(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller])
            let form = try await FormBody.read(request, limit: 64 * 1024)
            try kit.checkCSRF(request, form)
            let input = NewCustomer(companyName: form["companyName"], siret: form["siret"], address: form["address"], postalCode: form["postalCode"], city: form["city"],
                                    reference: (form["reference"] ?? "").isEmpty ? nil : form["reference"])
            do {
                let sheet = try await store.createCustomer(actor, input)
                return kit.redirect("/extranet/clients/\(sheet.reference)")
            } catch let error as DomainError {
                let kept = ["companyName", "siret", "address", "postalCode", "city", "reference"].reduce(into: [String: String]()) { $0[$1] = form[$1] ?? "" }
                return try await clientsPage(request, actor, form: kept, error: error.description)
            }
        }
    }

    @Sendable func client(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            return try await clientPage(request, actor, reference: try context.parameters.require("ref"), extra: [:])
        }
    }

    func clientPage(_ request: Request, _ actor: Actor, reference: String, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let lang = kit.language(request)
        let sheet = try await store.customer(actor, reference: reference)
        let lines = try await store.lines(actor, reference: reference).map { l -> [String: Any] in
            ["sda": l.sda, "name": l.name, "licence": l.licence ?? "", "department": l.department ?? "", "locked": l.locked,
             "presentedNumber": l.presentedNumber, "internationalRestriction": l.internationalRestriction, "administrator": l.administrator, "reference": reference]
        }
        let phones = try await store.phones(actor, reference: reference).map { phoneRow($0, lang) }
        var values: [String: Any] = [
            "sheet": ["reference": sheet.reference, "companyName": sheet.companyName, "siret": sheet.siret, "address": sheet.address,
                      "postalCode": sheet.postalCode, "city": sheet.city, "reseller": sheet.reseller, "active": sheet.active] as [String: Any],
            "created": PortalKit.date(sheet.createdAt, lang, time: false), "lines": lines, "phones": phones, "reference": reference,
            "models": Catalogue.models.map { ["id": $0.id, "displayName": $0.displayName] }, "importErrors": [[String: Any]](),
            "departments": try await store.departments(actor, reference: reference).map { ["name": $0.name] },
        ]
        values.merge(extra) { _, new in new }
        return kit.page("client", request, values, status: status, actor: actor)
    }

    private func phoneRow(_ p: PhoneView, _ lang: PortalLanguage) -> [String: Any] {
        var row: [String: Any] = ["mac": p.mac, "modelName": p.modelName, "sda": p.sda ?? "", "description": p.description, "department": p.department ?? "",
                                  "windowOpen": p.windowOpen, "until": PortalKit.date(p.authenticateUntil, lang), "reference": p.customer]
        if let at = p.authenticatedAt { row["authenticatedAt"] = PortalKit.date(at, lang) }
        return row
    }

    @Sendable func provisionForm(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            let reference = try context.parameters.require("ref")
            _ = try await store.customer(actor, reference: reference)
            return provisionPage(request, actor, reference, form: ["sda": request.uri.queryParameters.get("sda") ?? ""], error: nil)
        }
    }

    private func provisionPage(_ request: Request, _ actor: Actor, _ reference: String, form: [String: String], error: String?) -> Response {
        let models = Catalogue.models.map { m -> [String: Any] in ["id": m.id, "displayName": m.displayName, "selected": m.id == form["model"]] }
        var values: [String: Any] = ["reference": reference, "form": form, "models": models]
        if let error { values["error"] = error }
        return kit.page("provision", request, values, status: error == nil ? .ok : .unprocessableContent, actor: actor)
    }

    @Sendable func provision(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            let reference = try context.parameters.require("ref")
            let form = try await FormBody.read(request, limit: 64 * 1024)
            try kit.checkCSRF(request, form)
            let input = NewPhone(mac: form["mac"], model: form["model"], description: form["description"], sda: (form["sda"] ?? "").isEmpty ? nil : form["sda"])
            do {
                _ = try await store.registerPhone(actor, reference: reference, input)
                return kit.redirect("/extranet/clients/\(reference)#compte")
            } catch let error as DomainError where error.isFormError {
                // The form comes back as typed, with the message (the seed's exact duplicate text).
                let kept = ["mac", "model", "description", "sda"].reduce(into: [String: String]()) { $0[$1] = form[$1] ?? "" }
                return provisionPage(request, actor, reference, form: kept, error: error.description)
            }
        }
    }

    @Sendable func deletePhone(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkCSRF(request, form)
            let reference = try context.parameters.require("ref")
            try await store.deletePhone(actor, mac: try context.parameters.require("mac"))
            return kit.redirect("/extranet/clients/\(reference)#compte")
        }
    }

    @Sendable func importCSV(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator])
            let form = try await FormBody.read(request)
            try kit.checkCSRF(request, form)
            let csv = form["csv"] ?? ""
            return try await runImport(request, actor, reference: try context.parameters.require("ref"), csv: csv, dryRun: form["action"] != "import") {
                try PhoneImportFile.rows(csv: csv)
            }
        }
    }

    @Sendable func importBlock(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator])
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkCSRF(request, form)
            return try await runImport(request, actor, reference: try context.parameters.require("ref"), csv: nil, dryRun: false) {
                try PhoneImportFile.rows(firstMac: form["firstMac"], count: Int(form["count"] ?? ""), model: form["model"], description: nil, sda: nil, limit: PhonesController.blockLimit)
            }
        }
    }

    /// Imports (or previews) and shows the fiche client with the outcome: the count, the preview,
    /// or every refused line; a CSV comes back in its text area so it can be fixed.
    private func runImport(_ request: Request, _ actor: Actor, reference: String, csv: String?, dryRun: Bool, rows: () throws -> [ImportRow]) async throws -> Response {
        var extra: [String: Any] = [:]
        if let csv { extra["csv"] = csv }
        do {
            let result = try await store.importPhones(actor, reference: reference, rows: try rows(), dryRun: dryRun)
            if dryRun {
                extra["previewCount"] = result.macs.count
            } else {
                extra = ["message": "\(result.created) \(kit.language(request).labels["imported"]!)"]
            }
            return try await clientPage(request, actor, reference: reference, extra: extra)
        } catch let DomainError.importRefused(lines) {
            extra["importErrors"] = lines.map { ["line": $0.line, "error": $0.error] as [String: Any] }
            extra["hasImportErrors"] = true
            return try await clientPage(request, actor, reference: reference, extra: extra, status: .unprocessableContent)
        } catch let error as DomainError where error.isFormError {
            extra["error"] = error.description
            return try await clientPage(request, actor, reference: reference, extra: extra, status: .unprocessableContent)
        }
    }

    // MARK: customer administrator

    func adminReference(_ actor: Actor) async throws -> String {
        guard let customer = try await store.customers(actor).first else { throw DomainError.notFound(what: "customer", key: actor.login) }
        return customer.reference
    }

    @Sendable func adminPhones(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator])
            return try await adminPage(request, actor, extra: [:])
        }
    }

    private func adminPage(_ request: Request, _ actor: Actor, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let lang = kit.language(request)
        let reference = try await adminReference(actor)
        let q = (request.uri.queryParameters.get("q") ?? "").lowercased()
        let phones = try await store.phones(actor, reference: reference).filter { p in
            q.isEmpty || [p.mac, p.modelName, p.description, p.sda ?? "", p.department ?? ""].contains { $0.lowercased().contains(q) }
        }.map { phoneRow($0, lang) }
        let departments = try await store.departments(actor, reference: reference).map { ["name": $0.name] }
        var values: [String: Any] = ["phones": phones, "departments": departments, "q": q]
        values.merge(extra) { _, new in new }
        return kit.page("adminPhones", request, values, status: status, actor: actor)
    }

    @Sendable func assign(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator])
            let form = try await FormBody.read(request, limit: 256 * 1024)
            try kit.checkCSRF(request, form)
            var patch = PhonePatch()
            if form["action"] == "line" {
                patch.sda = .set(form["sda"] ?? "")
            } else {
                patch.department = .set((form["department"] ?? "").isEmpty ? nil : form["department"])
            }
            do {
                for mac in form.all("mac") { _ = try await store.updatePhone(actor, mac: mac, patch) }
                return try await adminPage(request, actor, extra: ["message": kit.language(request).labels["saved"]!])
            } catch let error as DomainError where error.isFormError {
                return try await adminPage(request, actor, extra: ["error": error.description], status: .unprocessableContent)
            }
        }
    }

    @Sendable func phonePage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator, .reseller])
            return try await phoneView(request, actor, mac: try context.parameters.require("mac"), extra: [:])
        }
    }

    private func phoneView(_ request: Request, _ actor: Actor, mac: String, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let lang = kit.language(request)
        let phone = try await store.phone(actor, mac: mac)
        await kit.journal.flush()
        let events = try await store.provisioningLog(actor, mac: mac, limit: 20).map { e -> [String: Any] in
            ["at": PortalKit.date(e.at, lang), "file": e.file, "ip": e.sourceIP, "outcome": e.outcome.rawValue]
        }
        var values: [String: Any] = [
            "phone": ["mac": phone.mac, "description": phone.description, "sda": phone.sda ?? "", "authenticatedIP": phone.authenticatedIP ?? ""] as [String: Any],
            "models": Catalogue.models.map { m -> [String: Any] in ["id": m.id, "displayName": m.displayName, "selected": m.id == phone.model] },
            "untilInput": PortalKit.localInput(phone.authenticateUntil), "events": events,
        ]
        if let at = phone.authenticatedAt { values["authenticatedAt"] = PortalKit.date(at, lang) }
        values.merge(extra) { _, new in new }
        return kit.page("phone", request, values, status: status, actor: actor)
    }

    @Sendable func changePhone(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator, .reseller])
            let mac = try context.parameters.require("mac")
            let form = try await FormBody.read(request, limit: 64 * 1024)
            try kit.checkCSRF(request, form)
            var patch = PhonePatch()
            patch.description = .set(form["description"] ?? "")
            if let model = form["model"] { patch.model = .set(model) }
            patch.sda = .set(form["assigned"] == "1" ? (form["sda"] ?? "") : nil)
            if let until = form["until"], !until.isEmpty {
                guard let date = PortalKit.parseLocalInput(until) else {
                    return try await phoneView(request, actor, mac: mac, extra: ["error": "authenticateUntil '\(until)' is not a date and time"], status: .unprocessableContent)
                }
                patch.authenticateUntil = .set(date)
            }
            patch.authorizeNextHour = form["nextHour"] == "1"
            do {
                _ = try await store.updatePhone(actor, mac: mac, patch)
                return try await phoneView(request, actor, mac: mac, extra: ["message": kit.language(request).labels["saved"]!])
            } catch let error as DomainError where error.isFormError {
                return try await phoneView(request, actor, mac: mac, extra: ["error": error.description], status: .unprocessableContent)
            }
        }
    }

    /// The seed's untick/retick dance in one step: the window opens for the next hour.
    @Sendable func reopen(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator, .reseller])
            let mac = try context.parameters.require("mac")
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkCSRF(request, form)
            var patch = PhonePatch()
            patch.authorizeNextHour = true
            _ = try await store.updatePhone(actor, mac: mac, patch)
            return try await phoneView(request, actor, mac: mac, extra: ["message": kit.language(request).labels["saved"]!])
        }
    }

    @Sendable func portal(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.user, .administrator])
            let line = try await store.line(actor, sda: actor.login)
            return kit.page("portal", request, ["line": ["sda": line.sda, "name": line.name]], actor: actor)
        }
    }

    /// Pages answer in HTML: a missing or foreign object is a 404 page, no session goes to login.
    func guarded(_ request: Request, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let redirect as Redirect {
            return kit.redirect(redirect.to)
        } catch let error as DomainError {
            switch error {
            case .notFound: return kit.page("problem", request, ["status": "404", "message": error.description], status: .notFound)
            case .forbidden: return kit.page("problem", request, ["status": "403", "message": error.description], status: .forbidden)
            default: throw error
            }
        }
    }
}

struct Redirect: Error { let to: String }

extension DomainError {
    /// Errors a person fixes on the form they sent.
    var isFormError: Bool {
        switch self {
        case .invalid, .missing, .duplicate, .unprocessable, .importRefused: return true
        case .notFound, .forbidden: return false
        }
    }
}
