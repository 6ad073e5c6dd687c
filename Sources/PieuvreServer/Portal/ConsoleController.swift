import Foundation
import Hummingbird
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The console (`/console`): the fleet at a glance for the operator, a reseller or a customer's
/// administrator, each in their own scope; the phones to mend with their one-click mends; the
/// alerts to acknowledge; a MAC typed in any notation opens that phone. Everything reads and
/// writes through the Store operations the API uses (`/api/v1/fleet`, `/fleet/stuck`).
struct ConsoleController {
    let kit: PortalKit
    var store: Store { kit.store }
    static let roles: Set<Role> = [.operator, .reseller, .administrator]

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("console", use: console)
        router.get("console/find", use: find)
        router.post("console/phones/:mac/reopen", use: reopen)
        router.post("console/phones/:mac/correct-mac", use: correctMAC)
        router.post("console/phones/:mac/check-sync", use: checkSync)
        router.post("console/phones/:mac/reboot", use: reboot)
        router.post("console/alerts/:id/acknowledge", use: acknowledge)
    }

    @Sendable func console(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.roles) { actor in try await page(request, actor) }
    }

    private func scope(_ query: FormBody) -> FleetScope {
        FleetScope(reseller: query.optional("reseller"), customer: query.optional("customer"))
    }

    private func page(_ request: Request, _ actor: Actor, form: FormBody? = nil, status: HTTPResponse.Status = .ok, error: String? = nil, find: String = "") async throws -> Response {
        let query = kit.query(request)
        let scope = scope(form ?? query)
        let lang = kit.language(request)
        await kit.journal.flush()
        let fleet = try await store.fleet(actor, scope)
        let asked = query["state"].flatMap(PhoneState.init(rawValue:))
        let list = try await store.stuckPhones(actor, scope, ListRequest(limit: 50, cursor: query["after"]), states: asked.map { [$0] } ?? PhoneState.stuck)
        let unknown = try await store.unknownMACs(actor, scope, ListRequest(limit: 20)).items
        let alerts = [.operator, .reseller].contains(actor.role) ? try await store.alerts(actor, ListRequest(limit: 20)).items.filter { $0.acknowledgedAt == nil } : []

        let base: [(String, String)] = [("customer", scope.customer ?? ""), ("reseller", scope.reseller ?? "")]
        let tiles = PhoneState.allCases.map { state in
            ConsolePage.Tile(state: state.rawValue, label: lang.text("state.\(state.rawValue)"), help: lang.text("stateHelp.\(state.rawValue)"),
                             count: fleet.phones.count(state), href: PortalKit.query("/console", base + [("state", state.rawValue)]) + "#phones-list", current: state == asked)
        }
        let served = lang.text("chartServed"), refused = lang.text("chartRefused")
        let hours = HourChart(fleet.requests.map { ($0.hour, $0.served, $0.refused) }) { hour, s, r in "\(hour)h : \(s) \(served), \(r) \(refused)" }
        let states = CountChart(PhoneState.allCases.map { state in
            (lang.text("state.\(state.rawValue)"), fleet.phones.count(state), state.rawValue, PortalKit.query("/console", base + [("state", state.rawValue)]) + "#phones-list")
        })
        let models = CountChart(fleet.models.map { (Catalogue.model(id: $0.model)?.displayName ?? $0.model, $0.count, "count", nil) })
        let firmware = CountChart(fleet.firmware.map {
            ((Catalogue.model(id: $0.model)?.displayName ?? $0.model) + " · " + ($0.firmware ?? lang.text("firmwareUnknown")), $0.count, "count", nil)
        })
        let rows = list.items.map { item in
            let phone = item.phone
            let href: String? = switch actor.role {
            case .administrator, .reseller: "/admin/phones/\(phone.mac)"
            default: PortalKit.query("/extranet/clients/\(phone.customer)", ["pq": phone.mac]) + "#phones-title"
            }
            return ConsolePage.PhoneRow(
                mac: phone.mac, customer: phone.customer, modelName: phone.modelName, sda: phone.sda ?? "", description: phone.description,
                state: phone.state.rawValue, stateLabel: lang.text("state.\(phone.state.rawValue)"),
                reason: phone.refusal.map { lang.text("reason.\($0.reason.rawValue)") },
                since: PortalKit.date(Self.since(phone)),
                advice: item.action.map { lang.text("action.\($0.rawValue)") } ?? "",
                reopen: item.action == .reopen || item.action == .checkCredentials,
                windowOpenUntil: phone.windowOpen ? PortalKit.date(phone.authenticateUntil) : nil,
                href: href)
        }
        let model = ConsolePage(
            scope: Self.scopeText(actor, scope, lang), scopeCustomer: scope.customer ?? "", scopeReseller: scope.reseller ?? "",
            customerQuery: scope.customer.map { PortalKit.query("", ["customer": $0]) },
            total: fleet.phones.total, tiles: tiles, requests: hours,
            served24: fleet.requests.reduce(0) { $0 + $1.served }, refused24: fleet.requests.reduce(0) { $0 + $1.refused },
            states: states, models: models, firmware: firmware,
            listTitle: asked.map { lang.text("phonesInState") + " " + lang.text("state.\($0.rawValue)").lowercased() } ?? lang.text("stuck"),
            filtered: asked != nil, phones: rows, hasPhones: !rows.isEmpty,
            next: list.next.map { PortalKit.query("/console", base + [("state", asked?.rawValue ?? ""), ("after", $0)]) + "#phones-list" },
            unknown: unknown.map { entry in
                ConsolePage.UnknownRow(mac: entry.mac, requests: entry.requests, lastAt: PortalKit.date(entry.lastAt), lastIP: entry.lastIP, userAgent: entry.userAgent ?? "",
                                       near: entry.near.map { near in
                                           ConsolePage.UnknownRow.Near(mac: near.mac, customer: near.customer, sda: near.sda ?? "", newMAC: entry.mac,
                                                                       confirm: lang.text("confirmCorrectMAC").replacingOccurrences(of: "{old}", with: near.mac).replacingOccurrences(of: "{new}", with: entry.mac))
                                       }, hasNear: !entry.near.isEmpty)
            },
            hasUnknown: !unknown.isEmpty,
            showAlerts: !alerts.isEmpty || [.operator, .reseller].contains(actor.role), alertCount: fleet.alerts,
            alerts: alerts.map { ConsolePage.AlertRow(id: $0.id.uuidString, at: PortalKit.date($0.at), kind: lang.text("alert.\($0.kind.rawValue)"), mac: $0.mac ?? "", customer: $0.customer ?? "",
                                                               // The stored detail is the API's English: the page says it in its own language.
                                                               detail: lang.text("alertDetail.\($0.kind.rawValue)").replacingOccurrences(of: "{ip}", with: $0.sourceIP)) },
            hasAlerts: !alerts.isEmpty, find: find, error: error)
        return kit.render(.console, model, request, status: status, actor: actor)
    }

    /// When the phone got stuck, as the list sorts it.
    static func since(_ phone: PhoneView) -> Date? {
        switch phone.state {
        case .refused: phone.refusal?.at
        case .waiting, .missed: phone.authenticateUntil ?? phone.createdAt
        case .silent, .ok: phone.lastSeenAt
        }
    }

    static func scopeText(_ actor: Actor, _ scope: FleetScope, _ lang: PortalLanguage) -> String {
        if let customer = scope.customer { return lang.text("fleet.customer").replacingOccurrences(of: "{ref}", with: customer) }
        if let reseller = scope.reseller { return lang.text("fleet.reseller").replacingOccurrences(of: "{login}", with: reseller) }
        switch actor.role {
        case .operator: return lang.text("fleet.all")
        case .reseller: return lang.text("fleet.yourCustomers")
        default: return lang.text("fleet.yourCompany")
        }
    }

    /// Where an action's form sends the person back: the console as it was, saying what was done.
    private func back(_ form: FormBody, done: String, mac: String = "") -> Response {
        kit.redirect(PortalKit.query("/console", [("customer", form["customer"] ?? ""), ("reseller", form["reseller"] ?? ""), ("done", done), ("mac", mac)]))
    }

    /// A MAC in any notation: that phone's page when the person may see it.
    @Sendable func find(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.roles) { actor in
            let typed = kit.query(request)["mac"] ?? ""
            if let mac = try? MACAddress(parsing: typed), let phone = try? await store.phone(actor, mac: mac.description) {
                switch actor.role {
                case .administrator, .reseller: return kit.redirect("/admin/phones/\(phone.mac)")
                default: return kit.redirect(PortalKit.query("/extranet/clients/\(phone.customer)", ["pq": phone.mac]) + "#phones-title")
                }
            }
            // Another tenant's MAC and no phone at all read the same.
            return try await page(request, actor, status: .notFound, error: kit.language(request).text("macNotFound"), find: String(typed.prefix(40)))
        }
    }

    @Sendable func reopen(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: Self.roles) { actor, form in
            var patch = PhonePatch()
            patch.authorizeNextHour = true
            let phone = try await store.updatePhone(actor, mac: mac, patch)
            return back(form, done: "reopened", mac: phone.mac)
        } invalid: { actor, form, error in
            try await page(request, actor, form: form, status: .unprocessableContent, error: kit.say(error, request))
        }
    }

    /// "Corriger l'adresse MAC": the registered phone takes the MAC that asked (the replacement:
    /// its record kept, its credentials dropped, a fresh window), after a confirmation.
    @Sendable func correctMAC(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: Self.roles) { actor, form in
            var patch = PhonePatch()
            patch.mac = .set(form["newMAC"] ?? "")
            let phone = try await store.updatePhone(actor, mac: mac, patch)
            return back(form, done: "macCorrected", mac: phone.mac)
        } invalid: { actor, form, error in
            try await page(request, actor, form: form, status: .unprocessableContent, error: kit.say(error, request))
        }
    }

    @Sendable func checkSync(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await act(request, context, .checkSync)
    }

    @Sendable func reboot(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await act(request, context, .reboot)
    }

    private func act(_ request: Request, _ context: PieuvreRequestContext, _ action: Store.PhoneAction) async -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: Self.roles) { actor, form in
            _ = try await PhoneActions.sendFromPortal(action, mac: mac, actor: actor, store: store, notifier: kit.notifier)
            return back(form, done: action == .reboot ? "rebootSent" : "checkSyncSent", mac: (try? MACAddress(parsing: mac))?.description ?? "")
        } invalid: { actor, form, error in
            try await page(request, actor, form: form, status: .unprocessableContent, error: kit.say(error, request))
        }
    }

    @Sendable func acknowledge(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let id = context.parameters.optionalText("id") ?? ""
        return await kit.form(request, roles: [.operator, .reseller]) { actor, form in
            _ = try await store.acknowledgeAlert(actor, id: id)
            return back(form, done: "acknowledged")
        } invalid: { actor, form, error in
            try await page(request, actor, form: form, status: .unprocessableContent, error: kit.say(error, request))
        }
    }
}
