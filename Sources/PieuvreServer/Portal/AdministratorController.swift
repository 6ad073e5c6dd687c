import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// The customer administrator's portal: "Téléphones dans le département" with bulk assignment,
/// "Changer le téléphone" (window, replacement MAC, log, the phone's settings), departments and
/// "gérer vos profils de téléphone" (customer and department layers with locks).
struct AdministratorController {
    let kit: PortalKit
    var store: Store { kit.store }

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("admin", use: phones)
        router.post("admin/assign", use: assign)
        router.get("admin/phones/:mac", use: phone)
        router.post("admin/phones/:mac", use: changePhone)
        router.post("admin/phones/:mac/reopen", use: reopen)
        router.post("admin/phones/:mac/check-sync", use: checkSync)
        router.post("admin/phones/:mac/reboot", use: reboot)
        router.get("admin/phones/:mac/settings", use: phoneSettings)
        router.post("admin/phones/:mac/settings", use: savePhoneSettings)
        router.get("admin/departments", use: departments)
        router.post("admin/departments", use: createDepartment)
        router.post("admin/departments/rename", use: renameDepartment)
        router.post("admin/lines/move", use: moveLine)
        router.get("admin/profiles", use: profiles)
        router.post("admin/profiles", use: saveProfile)
    }

    func reference(_ actor: Actor) async throws -> String {
        guard let customer = try await store.customers(actor, ListRequest(limit: 1)).items.first else { throw DomainError.notFound(what: "customer", key: actor.login) }
        return customer.reference
    }

    // MARK: Téléphones dans le département

    @Sendable func phones(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: [.administrator]) { actor in try await phonesPage(request, actor) { _ in } }
    }

    private func phonesPage(_ request: Request, _ actor: Actor, status: HTTPResponse.Status = .ok, _ adjust: (inout AdminPhonesPage) -> Void) async throws -> Response {
        let reference = try await reference(actor)
        let query = kit.query(request)
        let q = query["q"] ?? ""
        // A page at a time, searched in the database: a customer of 100,000 phones costs a page.
        let page = try await store.phones(actor, reference: reference, ListRequest(q: q, cursor: query["after"]))
        var model = AdminPhonesPage(phones: page.items.map(PhoneRow.init), departments: try await store.departments(actor, reference: reference, .all).items.map { Option($0.name) }, q: q,
                                    next: page.next.map { PortalKit.query("/admin", ["q": q, "after": $0]) })
        adjust(&model)
        return kit.render(.adminPhones, model, request, status: status, actor: actor)
    }

    @Sendable func assign(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: [.administrator], limit: 256 * 1024) { actor, form in
            guard !form.all("mac").isEmpty else {
                throw DomainError.unprocessable(.portal("none-ticked", label: "noneTicked"))
            }
            var patch = PhonePatch()
            if form["action"] == "line" {
                patch.sda = .set(form["sda"] ?? "")
            } else {
                patch.department = .set(form.optional("department"))
            }
            for mac in form.all("mac") { _ = try await store.updatePhone(actor, mac: mac, patch) }
            let saved = kit.language(request).text("saved")
            return try await phonesPage(request, actor) { $0.message = saved }
        } invalid: { actor, _, error in
            try await phonesPage(request, actor, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    // MARK: Changer le téléphone

    @Sendable func phone(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: [.administrator, .reseller]) { actor in
            try await phonePage(request, actor, mac: try context.parameters.text("mac")) { _ in }
        }
    }

    private func phonePage(_ request: Request, _ actor: Actor, mac: String, status: HTTPResponse.Status = .ok, _ adjust: (inout PhonePage) -> Void) async throws -> Response {
        let phone = try await store.phone(actor, mac: mac)
        await kit.journal.flush()
        let lang = kit.language(request)
        let events = try await store.provisioningLog(actor, mac: phone.mac, ListRequest(limit: 20)).items.map {
            PhonePage.Event(at: PortalKit.date($0.at), file: $0.file, ip: $0.sourceIP, outcome: lang.text("outcome." + $0.outcome.rawValue), transport: $0.transport)
        }
        let windowState = phone.windowOpen
            ? lang.text("windowOpenUntil").replacingOccurrences(of: "{date}", with: PortalKit.date(phone.authenticateUntil))
            : lang.text("windowClosedSince")
        var model = PhonePage(
            phone: .init(mac: phone.mac, description: phone.description, sda: phone.sda ?? "", authenticatedIP: phone.authenticatedIP ?? ""),
            assigned: phone.sda != nil, windowState: windowState, windowOpen: phone.windowOpen,
            back: actor.role == .administrator ? "/admin" : "/extranet/clients/\(phone.customer)#phones-title",
            models: Option.models(selected: phone.model), untilInput: PortalKit.localInput(phone.authenticateUntil),
            authenticatedAt: phone.authenticatedAt.map { PortalKit.date($0) }, events: events)
        adjust(&model)
        return kit.render(.phone, model, request, status: status, actor: actor)
    }

    @Sendable func changePhone(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: [.administrator, .reseller]) { actor, form in
            var patch = PhonePatch()
            patch.description = .set(form["description"] ?? "")
            if let model = form["model"] { patch.model = .set(model) }
            patch.sda = .set(form.checked("assigned") ? (form["sda"] ?? "") : nil)
            if let until = form.optional("until") {
                guard let date = PortalKit.parseLocalInput(until) else {
                    throw DomainError.invalid(field: "authenticateUntil", value: until, reason: Reason("bad-date", en: "is not a date and time", fr: "n'est pas une date et une heure."))
                }
                patch.authenticateUntil = .set(date)
            }
            patch.authorizeNextHour = form.checked("nextHour")
            if let newMAC = form.optional("mac") { patch.mac = .set(newMAC) }
            let changed = try await store.updatePhone(actor, mac: mac, patch)
            let saved = kit.language(request).text("saved")
            // A replaced phone's page is under its new MAC. The seed's dance unticks "Affecté à
            // la ligne ?" first: the number stays in its box so ticking again restores it.
            let typedSDA = form["sda"] ?? ""
            return try await phonePage(request, actor, mac: changed.mac) { page in
                page.message = saved
                if changed.sda == nil, !typedSDA.isEmpty { page.phone.sda = typedSDA }
            }
        } invalid: { actor, _, error in
            try await phonePage(request, actor, mac: mac, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    /// The seed's untick/retick dance in one step: the window opens for the next hour.
    @Sendable func reopen(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: [.administrator, .reseller]) { actor, _ in
            var patch = PhonePatch()
            patch.authorizeNextHour = true
            _ = try await store.updatePhone(actor, mac: mac, patch)
            let saved = kit.language(request).text("saved")
            return try await phonePage(request, actor, mac: mac) { $0.message = saved }
        } invalid: { actor, _, error in
            try await phonePage(request, actor, mac: mac, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    @Sendable func checkSync(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await act(request, context, .checkSync)
    }

    @Sendable func reboot(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await act(request, context, .reboot)
    }

    /// "Resynchroniser" / "Redémarrer": the phone's page again, saying the request left (or why not).
    private func act(_ request: Request, _ context: PieuvreRequestContext, _ action: Store.PhoneAction) async -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: [.administrator, .reseller]) { actor, _ in
            _ = try await PhoneActions.sendFromPortal(action, mac: mac, actor: actor, store: store, notifier: kit.notifier)
            let sent = kit.language(request).text("sent.\(action.rawValue)")
            return try await phonePage(request, actor, mac: mac) { $0.message = sent }
        } invalid: { actor, _, error in
            try await phonePage(request, actor, mac: mac, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    @Sendable func phoneSettings(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: [.administrator, .reseller]) { actor in
            let mac = try context.parameters.text("mac")
            return try await kit.phoneSettingsPage(request, actor, mac: mac, tabs: nil, back: "/admin/phones/\(mac)", action: "/admin/phones/\(mac)/settings")
        }
    }

    @Sendable func savePhoneSettings(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: [.administrator, .reseller], limit: 256 * 1024) { actor, form in
            try await kit.savePhoneSettings(request, actor, form, mac: mac, tabs: nil, back: "/admin/phones/\(mac)", action: "/admin/phones/\(mac)/settings")
        } invalid: { actor, _, error in
            try await kit.phoneSettingsPage(request, actor, mac: mac, tabs: nil, back: "/admin/phones/\(mac)", action: "/admin/phones/\(mac)/settings", error: kit.say(error, request), status: .unprocessableContent)
        }
    }

    // MARK: departments

    @Sendable func departments(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: [.administrator]) { actor in try await departmentsPage(request, actor) { _ in } }
    }

    private func departmentsPage(_ request: Request, _ actor: Actor, status: HTTPResponse.Status = .ok, _ adjust: (inout DepartmentsPage) -> Void) async throws -> Response {
        let reference = try await reference(actor)
        let departments = try await store.departments(actor, reference: reference, .all).items
        let lines = try await store.lines(actor, reference: reference, .all).items
        // Depth-first: each department under its parent, indented by depth.
        var tree: [DepartmentsPage.Node] = []
        func visit(_ parent: String?, depth: Int) {
            for department in departments where department.parent == parent {
                tree.append(.init(name: department.name, indent: String(min(depth, 7)), lines: lines.filter { $0.department == department.name }.count))
                if depth < 16 { visit(department.name, depth: depth + 1) }
            }
        }
        visit(nil, depth: 0)
        var model = DepartmentsPage(tree: tree, allLines: lines.map { .init(sda: $0.sda, name: $0.name) })
        adjust(&model)
        return kit.render(.departments, model, request, status: status, actor: actor)
    }

    @Sendable func createDepartment(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await departmentChange(request) { actor, reference, form in
            _ = try await store.createDepartment(actor, reference: reference, name: form["name"], parent: form.optional("parent"))
        }
    }

    @Sendable func renameDepartment(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await departmentChange(request) { actor, reference, form in
            _ = try await store.renameDepartment(actor, reference: reference, name: form["name"] ?? "", to: form["newName"])
        }
    }

    @Sendable func moveLine(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await departmentChange(request) { actor, _, form in
            var patch = LinePatch()
            patch.department = .set(form.optional("department"))
            _ = try await store.updateLine(actor, sda: form["sda"] ?? "", patch)
        }
    }

    private func departmentChange(_ request: Request, _ change: @escaping (Actor, String, FormBody) async throws -> Void) async -> Response {
        await kit.form(request, roles: [.administrator], limit: 16 * 1024) { actor, form in
            try await change(actor, try await reference(actor), form)
            let saved = kit.language(request).text("saved")
            return try await departmentsPage(request, actor) { $0.message = saved }
        } invalid: { actor, _, error in
            try await departmentsPage(request, actor, status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    // MARK: gérer vos profils de téléphone

    @Sendable func profiles(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: [.administrator]) { actor in
            let query = kit.query(request)
            return try await profilesPage(request, actor, department: query["department"] ?? "", find: String((query["find"] ?? "").prefix(64)), onlySet: query["only"] == "1")
        }
    }

    private func target(_ reference: String, _ department: String) -> LayerTarget {
        department.isEmpty ? .customer(reference: reference) : .department(reference: reference, name: department)
    }

    private func profilesPage(_ request: Request, _ actor: Actor, department: String, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok, find: String = "", onlySet: Bool = false) async throws -> Response {
        let lang = kit.language(request)
        let reference = try await reference(actor)
        let layer = try await store.settingsLayer(actor, target(reference, department))
        let layers = [Option("", label: lang.text("customerLayer"), selected: department.isEmpty)]
            + (try await store.departments(actor, reference: reference, .all)).items.map { Option($0.name, label: "\(lang.text("department")) \($0.name)", selected: $0.name == department) }
        let form = SettingsForm.build(layer: layer, model: nil, actor: actor, showLocks: true, action: "/admin/profiles", lang: lang, find: find, onlySet: onlySet)
        var page = SettingsPage(tabs: nil, title: lang.text("profiles"), back: "/admin", layers: layers, action: "/admin/profiles",
                                form: form, department: department.isEmpty ? nil : department, message: message, error: error)
        page.find = find
        page.onlySet = onlySet
        return kit.render(.settings, page, request, status: status, actor: actor, title: page.title)
    }

    @Sendable func saveProfile(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: [.administrator], limit: 512 * 1024) { actor, form in
            let department = form["department"] ?? ""
            let target = target(try await reference(actor), department)
            let layer = try await store.settingsLayer(actor, target)
            let (values, locked) = SettingsForm.submitted(form, layer: layer)
            do {
                _ = try await store.replaceSettingsLayer(actor, target, values: values, locked: locked)
                await kit.settingsChanged(target)
                return try await profilesPage(request, actor, department: department, message: kit.language(request).text("saved"))
            } catch let error as DomainError {
                if case .notFound = error { throw error }
                return try await profilesPage(request, actor, department: department, error: kit.say(error, request), status: .unprocessableContent)
            }
        } invalid: { actor, form, error in
            try await profilesPage(request, actor, department: form["department"] ?? "", error: kit.say(error, request), status: .unprocessableContent)
        }
    }
}
