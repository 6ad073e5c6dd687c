import Foundation
import Mustache
import PhoneCatalog
@testable import PieuvreCore
@testable import PieuvreServer
@testable import PieuvreStore
import Testing

/// The view step alone: pages rendered from hand-made models against reviewed snapshots in
/// `Snapshots/` (`PIEUVRE_UPDATE_SNAPSHOTS=1 swift test --filter PortalPageTests` rewrites them
/// after a deliberate change), and the labels and templates kept whole.
@Suite struct PortalPageTests {
    static let snapshots = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    static func render<Model>(_ template: PageTemplate, _ model: Model, _ lang: PortalLanguage = .fr, who: String? = "0970711005") async throws -> String {
        let library = try await PortalKit.templates()
        return try #require(library.render(PortalKit.Frame(t: lang.labels, csrf: "csrf-token", who: who, nav: [], langHref: "/language?lang=\(lang.other.rawValue)&to=/", pageTitle: lang.text(template.titleKey), page: model), withTemplate: template.rawValue))
    }

    static func check(_ html: String, _ name: String) throws {
        let url = snapshots.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PIEUVRE_UPDATE_SNAPSHOTS"] == "1" {
            try Data(html.utf8).write(to: url)
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(html == expected, "\(name) differs from its snapshot")
    }

    @Test func bothLanguagesHaveTheSameLabels() {
        #expect(Set(Labels.fr.keys) == Set(Labels.en.keys), "only in fr: \(Set(Labels.fr.keys).subtracting(Labels.en.keys)); only in en: \(Set(Labels.en.keys).subtracting(Labels.fr.keys))")
        #expect(Labels.fr.values.allSatisfy { !$0.isEmpty } && Labels.en.values.allSatisfy { !$0.isEmpty })
    }

    @Test func everyTemplateUsesLabelsThatExist() throws {
        let templates = try FileManager.default.contentsOfDirectory(atPath: Self.templatesPath)
        var missing: [String] = []
        for file in templates where file.hasSuffix(".mustache") {
            let text = try String(contentsOfFile: Self.templatesPath + "/" + file, encoding: .utf8)
            let regex = try Regex(#"\{\{t\.([A-Za-z0-9.]+)\}\}"#)
            for match in text.matches(of: regex) {
                let key = String(text[match.range].dropFirst(4).dropLast(2))
                if Labels.fr[key] == nil { missing.append("\(file): \(key)") }
            }
        }
        #expect(missing.isEmpty, "\(missing)")
    }

    static var templatesPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PieuvreServer/Resources/Templates").path
    }

    @Test func everyPageTemplateIsThere() async throws {
        let library = try await PortalKit.templates()
        for template in PageTemplate.allCases {
            #expect(library.getTemplate(named: template.rawValue) != nil, "\(template.rawValue).mustache is missing")
        }
    }

    @Test func everySettingHasAHumanLabelInBothLanguages() {
        for definition in SettingsCatalogue.all {
            #expect(SettingLabels.label(definition.key, .fr) != definition.key, "\(definition.key) has no French label")
            #expect(SettingLabels.label(definition.key, .en) != definition.key, "\(definition.key) has no English label")
        }
    }

    // MARK: snapshots

    static func phoneLayer() -> LayerView {
        let effective: [String: EffectiveSetting] = [
            "keys.soft.2.type": .init(value: "speed_dial", source: .phone, sourceName: "80:5E:C0:02:1C:1B", lockedBy: nil),
            "keys.soft.2.value": .init(value: "0970716831", source: .phone, sourceName: "80:5E:C0:02:1C:1B", lockedBy: nil),
            "keys.soft.4.type": .init(value: "history", source: .customer, sourceName: "10000", lockedBy: .customer),
            "directory.commPortal.password": .init(value: Store.maskedSecret, source: .line, sourceName: "0970711005", lockedBy: nil),
        ]
        var all: [String: EffectiveSetting] = [:]
        for d in SettingsCatalogue.all where d.applies(to: Catalogue.model(id: "yealink-cp920")!.traits) {
            all[d.key] = effective[d.key] ?? .init(value: d.defaultValue, source: .catalogue, sourceName: "", lockedBy: nil)
        }
        return LayerView(scope: .phone, name: "80:5E:C0:02:1C:1B", values: ["keys.soft.2.type": "speed_dial", "keys.soft.2.value": "0970716831"],
                         locked: [], lockedAbove: ["keys.soft.4.type": .customer], effective: all)
    }

    @Test func theUsersPhoneSettingsPage() async throws {
        for lang in [PortalLanguage.fr, .en] {
            let form = SettingsForm.build(layer: Self.phoneLayer(), model: "yealink-cp920", actor: Actor(role: .user, login: "0970711005"), showLocks: false, action: "/portal/phones/80:5E:C0:02:1C:1B", lang: lang)
            let page = SettingsPage(tabs: UserTabs(settings: true), title: "Yealink SIP-CP920 - \(lang.text("editSettingsFor")) OPENIP: St_Avertin / 0970711005",
                                    back: "/portal", layers: [], action: "/portal/phones/80:5E:C0:02:1C:1B", form: form, department: nil, message: lang.text("saved"))
            let html = try await Self.render(.settings, page, lang)
            try Self.check(html, "user-phone-settings-\(lang.rawValue).html")
            #expect(!html.contains("preferences.timeZone"), "administrator-only settings are not on the user's page")
            #expect(html.contains(#"name="v:keys.soft.4.type""#) == false, "a key locked above is read-only")
        }
    }

    @Test func theAdministratorsProfilePageShowsModelsAndLocks() async throws {
        var layer = Self.phoneLayer()
        layer = LayerView(scope: .customer, name: "10000", values: ["preferences.language": "English"], locked: ["features.dnd.enabled"], lockedAbove: [:], effective: layer.effective)
        let form = SettingsForm.build(layer: layer, model: nil, actor: Actor(role: .administrator, login: "0970711111"), showLocks: true, action: "/admin/profiles", lang: .fr)
        let page = SettingsPage(tabs: nil, title: Labels.fr["profiles"]!, back: "/admin", layers: [Option("", label: "Client (tous les téléphones)", selected: true), Option("Nantes", label: "Département Nantes")],
                                action: "/admin/profiles", form: form, department: nil)
        let html = try await Self.render(.settings, page, who: "0970711111")
        try Self.check(html, "admin-profiles-fr.html")
        #expect(html.contains("Programmable Keys - Line Key") && html.contains("Modèles : CP960, T41P, T42G"))
        #expect(html.contains(#"name="lock" value="features.dnd.enabled" checked"#))
    }

    @Test func theSignInContactsAccountAndProblemPages() async throws {
        try Self.check(try await Self.render(.signIn, SignInController.SignInPage(login: "0970711005", remember: true, error: Labels.fr["badLogin"]), who: nil), "signin-fr.html")
        try Self.check(try await Self.render(.signIn, SignInController.SignInPage(login: "", remember: false, error: nil), .en, who: nil), "signin-en.html")
        var contacts = ContactsPage(tabs: UserTabs(contacts: true), contacts: [
            .init(id: "6F1C0D3A-0000-4000-8000-000000000001", name: "Aurélie <Dupont>", numbers: [.init(number: "0612345678", label: "Mobile")]),
        ], q: "", next: "Y3Vyc29y", form: ["name": "Bruno", "number": "12"], labels: ContactCard.Label.allCases.map { Option($0.rawValue, label: Labels.fr["label.\($0.rawValue)"]!, selected: $0 == .work) })
        contacts.error = "numbers[0].number '12' is not a French number of 10 digits starting with 0, nor an E.164 number"
        contacts.importErrors = [.init(line: 3, error: "name is required")]
        let html = try await Self.render(.contacts, contacts)
        try Self.check(html, "contacts-fr.html")
        #expect(html.contains("Aurélie &lt;Dupont&gt;"), "every value is escaped")
        try Self.check(try await Self.render(.account, AccountPage(tabs: UserTabs(account: true), action: "/account/password", message: Labels.fr["passwordChanged"])), "account-fr.html")
        try Self.check(try await Self.render(.userHome, UserHomePage(tabs: UserTabs(settings: true), sda: "0970711005", name: "Salle St Avertin", phones: [.init(mac: "80:5E:C0:02:1C:1B", modelName: "Yealink CP920", description: "Yealink CP920")])), "user-home-fr.html")
        try Self.check(try await Self.render(.problem, ProblemPage(status: "403", message: Labels.fr["expiredForm"]!), who: nil), "problem-fr.html")
    }
}

