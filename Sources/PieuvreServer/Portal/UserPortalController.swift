import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// The user portal (`/portal`): Paramètres > Paramétrer les touches (every phone on the user's
/// line, each opening its settings page), Contacts (personal contacts: the phone's "Contacts"
/// book) and Compte (`/account`, shared by every role: own password, sign out everywhere).
struct UserPortalController {
    let kit: PortalKit
    var store: Store { kit.store }

    /// A customer administrator is a line's user too: their own phones and contacts are here.
    static let roles: Set<Role> = [.user, .administrator]

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("portal", use: home)
        router.get("portal/phones/:mac", use: phoneSettings)
        router.post("portal/phones/:mac", use: savePhoneSettings)
        router.get("portal/contacts", use: contacts)
        router.post("portal/contacts", use: addContact)
        router.post("portal/contacts/import", use: importContacts)
        router.post("portal/contacts/:id/delete", use: deleteContact)
        router.get("portal/notifications", use: notifications)
        router.post("portal/notifications", use: saveLampRules)
        router.post("portal/notifications/email", use: saveEmailRule)
        router.get("account", use: account)
        router.post("account/password", use: changePassword)
    }

    // MARK: Paramètres

    @Sendable func home(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.roles) { actor in
            let line = try await store.line(actor, sda: actor.login)
            let phones = try await store.phonesOnOwnLine(actor).map { UserHomePage.PhoneLink(mac: $0.mac, modelName: $0.modelName, description: $0.description) }
            return kit.render(.userHome, UserHomePage(tabs: UserTabs(settings: true), sda: line.sda, name: line.name, phones: phones), request, actor: actor)
        }
    }

    @Sendable func phoneSettings(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.roles) { actor in
            let mac = try context.parameters.text("mac")
            try await requireOwnPhone(actor, mac)
            return try await kit.phoneSettingsPage(request, actor, mac: mac, tabs: UserTabs(settings: true), back: "/portal", action: "/portal/phones/\(mac)")
        }
    }

    @Sendable func savePhoneSettings(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let mac = context.parameters.optionalText("mac") ?? ""
        return await kit.form(request, roles: Self.roles) { actor, form in
            try await requireOwnPhone(actor, mac)
            return try await kit.savePhoneSettings(request, actor, form, mac: mac, tabs: UserTabs(settings: true), back: "/portal", action: "/portal/phones/\(mac)")
        } invalid: { actor, _, error in
            try await kit.phoneSettingsPage(request, actor, mac: mac, tabs: UserTabs(settings: true), back: "/portal", action: "/portal/phones/\(mac)", error: kit.say(error, request), status: .unprocessableContent)
        }
    }

    /// The user portal shows the phones of the signed-in line only, administrators included.
    private func requireOwnPhone(_ actor: Actor, _ mac: String) async throws {
        guard try await store.phonesOnOwnLine(actor).contains(where: { (try? MACAddress(parsing: $0.mac)) == (try? MACAddress(parsing: mac)) }) else {
            throw DomainError.notFound(what: "phone", key: mac)
        }
    }

    // MARK: Contacts

    @Sendable func contacts(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.roles) { actor in
            try await contactsPage(request, actor, form: [:]) { _ in }
        }
    }

    private func contactsPage(_ request: Request, _ actor: Actor, form: [String: String], status: HTTPResponse.Status = .ok, _ adjust: (inout ContactsPage) -> Void) async throws -> Response {
        let lang = kit.language(request)
        let query = kit.query(request)
        let q = query["q"] ?? ""
        let page = try await store.contacts(actor, sda: actor.login, q: q, limit: 100, cursor: query["cursor"])
        let rows = page.items.map { c in
            ContactsPage.Row(id: c.id.uuidString, name: c.name, numbers: c.numbers.map { .init(number: $0.number, label: lang.text("label.\($0.label.rawValue)")) })
        }
        let labels = ContactCard.Label.allCases.map { Option($0.rawValue, label: lang.text("label.\($0.rawValue)"), selected: $0.rawValue == (form["label"] ?? "work")) }
        var model = ContactsPage(tabs: UserTabs(contacts: true), contacts: rows, q: q, next: page.next, form: form, labels: labels)
        adjust(&model)
        return kit.render(.contacts, model, request, status: status, actor: actor)
    }

    @Sendable func addContact(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: Self.roles) { actor, form in
            let card = try ContactCard(name: form["name"], numbers: [(form["label"], form["number"])])
            _ = try await store.createContact(actor, sda: actor.login, card)
            return kit.redirect("/portal/contacts?done=contactAdded")
        } invalid: { actor, form, error in
            try await contactsPage(request, actor, form: ExtranetController.kept(form, ["name", "number", "label"]), status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    @Sendable func importContacts(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: Self.roles, limit: 2 * 1024 * 1024) { actor, form in
            let text = form["file"] ?? ""
            let cards = text.uppercased().contains("BEGIN:VCARD") ? try ContactFile.vcard(text) : try ContactFile.csv(text)
            let count = try await store.importContacts(actor, sda: actor.login, cards)
            let lang = kit.language(request)
            return try await contactsPage(request, actor, form: [:]) { $0.message = "\(count) \(lang.counted(count, "imported2"))" }
        } invalid: { actor, form, error in
            try await contactsPage(request, actor, form: [:], status: .unprocessableContent) { page in
                page.importText = form["file"]
                if case let .importRefused(lines) = error {
                    page.importErrors = PortalMessages.lines(lines, kit.language(request))
                } else {
                    page.error = kit.say(error, request)
                }
            }
        }
    }

    @Sendable func deleteContact(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: Self.roles) { actor, _ in
            try await store.deleteContact(actor, sda: actor.login, id: try context.parameters.text("id"))
            return kit.redirect("/portal/contacts?done=contactDeleted")
        } invalid: { actor, _, error in
            try await contactsPage(request, actor, form: [:], status: .unprocessableContent) { $0.error = kit.say(error, request) }
        }
    }

    // MARK: Paramètres > Notifications

    @Sendable func notifications(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.roles) { actor in
            let email = kit.query(request)["tab"] == "email"
            return try await notificationsPage(request, actor, rows: nil, emailTab: email)
        }
    }

    private func notificationsPage(_ request: Request, _ actor: Actor, rows: [LampRule]?, emailTab: Bool, message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let stored = try await store.lampRules(actor, sda: actor.login)
        let email = try await store.emailRule(actor, sda: actor.login) ?? EmailRule(address: "", faxes: false, urgent: false, allVoicemail: false, attach: false)
        let page = NotificationsPage(tabs: UserTabs(settings: true), lampTab: !emailTab, emailTab: emailTab, rows: NotificationsPage.rows(rows ?? stored),
                                     email: email, smtpConfigured: kit.mail != nil, message: message, error: error)
        return kit.render(.notifications, page, request, status: status, actor: actor)
    }

    /// The seed's buttons: Nouvelle entrée adds a row, Vider empties the table (neither saves),
    /// Appliquer saves what the table holds (rows without a number are dropped).
    @Sendable func saveLampRules(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: Self.roles) { actor, form in
            let rows = Self.lampRows(form)
            switch form["action"] {
            case "add":
                return try await notificationsPage(request, actor, rows: rows + [LampRule(number: "", faxes: false, urgent: false, allVoicemail: false)], emailTab: false)
            case "clear":
                // "Vider" means no rule any more: saved at once (the button asks first), so the
                // lamp stops following messages, as the empty table says.
                _ = try await store.setLampRules(actor, sda: actor.login, [])
                return try await notificationsPage(request, actor, rows: nil, emailTab: false, message: kit.language(request).text("lampCleared"))
            default:
                _ = try await store.setLampRules(actor, sda: actor.login, rows.filter { !$0.number.isEmpty })
                return try await notificationsPage(request, actor, rows: nil, emailTab: false, message: kit.language(request).text("saved"))
            }
        } invalid: { actor, form, error in
            try await notificationsPage(request, actor, rows: Self.lampRows(form), emailTab: false, error: kit.say(error, request), status: .unprocessableContent)
        }
    }

    /// The table's rows as typed (`number.N`, `faxes.N`, `urgent.N`, `all.N`).
    static func lampRows(_ form: FormBody) -> [LampRule] {
        var rows: [LampRule] = []
        var index = 0
        while let number = form["number.\(index)"], index <= Store.maxLampRules {
            rows.append(LampRule(number: number.trimmingCharacters(in: .whitespaces), faxes: form.checked("faxes.\(index)"), urgent: form.checked("urgent.\(index)"), allVoicemail: form.checked("all.\(index)")))
            index += 1
        }
        return rows
    }

    @Sendable func saveEmailRule(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: Self.roles) { actor, form in
            let address = (form["address"] ?? "").trimmingCharacters(in: .whitespaces)
            // The mails speak the language the user reads the portal in.
            let language: VoicemailMail.Language = kit.language(request) == .en ? .en : .fr
            let rule = address.isEmpty ? nil : EmailRule(address: address, faxes: form.checked("faxes"), urgent: form.checked("urgent"), allVoicemail: form.checked("allVoicemail"), attach: form.checked("attach"), language: language)
            _ = try await store.setEmailRule(actor, sda: actor.login, rule)
            return try await notificationsPage(request, actor, rows: nil, emailTab: true, message: kit.language(request).text("saved"))
        } invalid: { actor, _, error in
            try await notificationsPage(request, actor, rows: nil, emailTab: true, error: kit.say(error, request), status: .unprocessableContent)
        }
    }

    // MARK: Compte (every role)

    static let everyRole: Set<Role> = Set(Role.allCases)

    @Sendable func account(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.page(request, roles: Self.everyRole) { actor in
            kit.render(.account, AccountPage(tabs: Self.roles.contains(actor.role) ? UserTabs(account: true) : nil, action: "/account/password"), request, actor: actor)
        }
    }

    @Sendable func changePassword(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.form(request, roles: Self.everyRole, limit: 16 * 1024) { actor, form in
            let lang = kit.language(request)
            guard form["new"] == form["again"] else { throw DomainError.unprocessable(.portal("passwords-differ", label: "passwordsDiffer")) }
            try await store.changeOwnPassword(actor, currentToken: kit.token(request), current: form["current"], new: form["new"])
            let page = AccountPage(tabs: Self.roles.contains(actor.role) ? UserTabs(account: true) : nil, action: "/account/password", message: lang.text("passwordChanged"))
            return kit.render(.account, page, request, actor: actor)
        } invalid: { actor, _, error in
            let page = AccountPage(tabs: Self.roles.contains(actor.role) ? UserTabs(account: true) : nil, action: "/account/password", error: kit.say(error, request))
            return kit.render(.account, page, request, status: .unprocessableContent, actor: actor)
        }
    }
}
