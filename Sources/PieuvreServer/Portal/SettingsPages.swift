import Hummingbird
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The settings pages of one phone (users and administrators) and of the administrator's
/// profiles, built on the one `SettingsForm` component.
extension PortalKit {
    /// "Yealink SIP-CP960 - Modifier les paramètres pour OpenIP_Interne: St_Avertin / 0970711005"
    func phoneSettingsPage(_ request: Request, _ actor: Actor, mac: String, tabs: UserTabs?, back: String, action: String,
                           message: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let lang = language(request)
        let (phone, company) = try await store.phoneHeading(actor, mac: mac)
        let layer = try await store.settingsLayer(actor, .phone(mac: phone.mac))
        let modelName = Catalogue.model(id: phone.model).map(Self.seedName) ?? phone.modelName
        let title = "\(modelName) - \(lang.text("editSettingsFor")) \(company): \(phone.department ?? "—") / \(phone.sda ?? "—")"
        let form = SettingsForm.build(layer: layer, model: phone.model, actor: actor, showLocks: false, action: action, lang: lang)
        let page = SettingsPage(tabs: tabs, title: title, back: back, layers: [], action: action, form: form, department: nil, message: message, error: error)
        return render(.settings, page, request, status: status, actor: actor)
    }

    /// Saves a phone's settings form and shows the page again, with the message or the error.
    func savePhoneSettings(_ request: Request, _ actor: Actor, _ form: FormBody, mac: String, tabs: UserTabs?, back: String, action: String) async throws -> Response {
        let layer = try await store.settingsLayer(actor, .phone(mac: mac))
        let (values, _) = SettingsForm.submitted(form, layer: layer)
        do {
            _ = try await store.replaceSettingsLayer(actor, .phone(mac: mac), values: values, locked: [])
            await settingsChanged(.phone(mac: mac))
            return try await phoneSettingsPage(request, actor, mac: mac, tabs: tabs, back: back, action: action, message: language(request).text("saved"))
        } catch let error as DomainError where error.isFormError || isForbidden(error) {
            return try await phoneSettingsPage(request, actor, mac: mac, tabs: tabs, back: back, action: action, error: say(error, request), status: .unprocessableContent)
        }
    }

    private func isForbidden(_ error: DomainError) -> Bool {
        if case .forbidden = error { return true }
        return false
    }

    /// The seed writes Yealink models as "Yealink SIP-CP960".
    static func seedName(_ model: PhoneModel) -> String {
        model.vendor == .yealink ? "Yealink SIP-\(model.name)" : model.displayName
    }
}
