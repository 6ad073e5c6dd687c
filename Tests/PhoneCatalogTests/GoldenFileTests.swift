import Foundation
import PhoneCatalog
import PieuvreCore
import Testing

/// Every model's common and device files against reviewed copies in `Golden/`.
/// `PIEUVRE_UPDATE_GOLDEN=1 swift test --filter GoldenFileTests` rewrites them after a deliberate change.
@Suite struct GoldenFileTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    /// With a private CA (`--phone-ca`), fetched over plain HTTP: every golden file shows where.
    static let platform = PlatformProfile(provisioningURL: "https://portail.metacentrex.fr/sip-ps", sipDomain: "sip.metacentrex.fr", sipProxy: "sbc.metacentrex.fr:5060",
                                          pushesCA: true, caDirectoryURL: "http://portail.metacentrex.fr/sip-ps/")

    static func profile(_ model: PhoneModel, assigned: Bool = true) throws -> DeviceProfile {
        var settings = EffectiveSettings.compute([], model: model.traits).mapValues(\.value)
        settings["keys.soft.1.type"] = "directory"
        settings["keys.soft.1.label"] = "Répertoire"
        settings["keys.line.2.type"] = "blf"
        settings["keys.line.2.value"] = "0970716831"
        settings["keys.line.2.label"] = "Bureau <St Avertin> & co"
        settings["features.dialPlan.1.prefix"] = "+33"
        settings["features.dialPlan.1.replace"] = "0"
        // Three rules: snom separates them with spaces.
        settings["features.dialPlan.2.prefix"] = "00"
        settings["features.dialPlan.2.replace"] = "+"
        settings["features.dialPlan.3.prefix"] = "0x(.)"
        settings["features.dialPlan.3.replace"] = "+33$1"
        return DeviceProfile(
            model: model, mac: try MACAddress(parsing: "80:5E:C0:02:1C:1B"),
            account: assigned ? SIPAccount(number: "0970192349", authName: "0970192349", password: "sip-Secret-42", displayName: "Salle de conférence", label: "0970192349") : nil,
            platform: platform, deviceUsername: "805ec0021c1b", devicePassword: "dev-Secret-1", webAdminPassword: "web-Secret-7", settings: settings)
    }

    static func check(_ file: RenderedFile, _ name: String) throws {
        let url = golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PIEUVRE_UPDATE_GOLDEN"] == "1" {
            try Data(file.bytes).write(to: url)
        }
        let expected = try Data(contentsOf: url)
        #expect(Data(file.bytes) == expected, "\(name) differs from its golden file")
    }

    @Test(arguments: Catalogue.models)
    func commonFile(_ model: PhoneModel) throws {
        let settings = EffectiveSettings.compute([], model: model.traits).mapValues(\.value)
        let file = Renderer.common(model: model, platform: Self.platform, settings: settings)
        try Self.check(file, model.commonFileName)
        #expect(!String(decoding: file.bytes, as: UTF8.self).contains("Secret"), "a common file holds no secret")
    }

    @Test(arguments: Catalogue.models)
    func deviceFile(_ model: PhoneModel) throws {
        let profile = try Self.profile(model)
        let file = Renderer.device(profile)
        try Self.check(file, "\(model.id)-device.\(model.vendor == .snom ? "xml" : "cfg")")
        #expect(Renderer.device(profile) == file, "rendering is byte-stable")
        let text = String(decoding: file.bytes, as: UTF8.self)
        for expected in ["sip-Secret-42", "dev-Secret-1", "web-Secret-7", "sip.metacentrex.fr", "0970192349", "https://portail.metacentrex.fr/sip-ps/"] {
            #expect(text.contains(expected), "\(expected) missing from \(model.id)")
        }
        if model.vendor == .snom {
            #expect(text.contains("Bureau &lt;St Avertin&gt; &amp; co"), "XML values are escaped")
        } else if model.lineKeys > 0 {
            #expect(text.contains("\(model.keyParameter).2.label = Bureau <St Avertin> & co\n"), "one value, one line")
        }
    }

    @Test(arguments: Catalogue.models)
    func unassignedPhoneGetsNoAccount(_ model: PhoneModel) throws {
        let text = String(decoding: Renderer.device(try Self.profile(model, assigned: false)).bytes, as: UTF8.self)
        #expect(!text.contains("sip-Secret-42") && !text.contains("0970192349"))
        #expect(text.contains(model.vendor == .yealink ? "account.1.enable = 0" : "<user_active idx=\"1\" perm=\"R\">off</user_active>"))
        #expect(text.contains("dev-Secret-1"), "the device credentials are still given")
    }

    @Test func bootFileIncludesTheModelsCommonFileThenTheDeviceFile() throws {
        let boot = YealinkRenderer.boot(model: Catalogue.model(id: "yealink-cp920")!, mac: try MACAddress(parsing: "80:5E:C0:02:1C:1B"))
        try Self.check(boot, "y000000000000.boot")
    }
}

/// The directories of the user's half: Network Contacts books and the LDAP block.
@Suite struct DirectoryFileTests {
    @Test func booksAndLDAPAreWrittenForTheModelsThatHaveThem() throws {
        let model = try Catalogue.model(named: "yealink-cp920")
        var profile = try GoldenFileTests.profile(model)
        let mac = profile.mac
        profile.phonebooks = [
            RemotePhonebook(name: RemotePhonebook.extensions, url: RemotePhonebook.url(provisioningURL: "https://portail.metacentrex.fr/sip-ps/", mac: mac, file: "extensions.xml", username: "805ec0021c1b", password: "dev/Secret:1")),
            RemotePhonebook(name: RemotePhonebook.contacts, url: RemotePhonebook.url(provisioningURL: "https://portail.metacentrex.fr/sip-ps/", mac: mac, file: "contacts.xml", username: "805ec0021c1b", password: "dev/Secret:1")),
        ]
        profile.settings["directory.ldap.enabled"] = "1"
        profile.settings["directory.ldap.server"] = "ldap.openip.fr"
        profile.settings["directory.ldap.security"] = "ldaps"
        profile.settings["directory.ldap.port"] = "636"
        profile.settings["directory.ldap.base"] = "ou=people,dc=openip,dc=fr"
        profile.settings["directory.ldap.bindPassword"] = "ldap-Secret"
        let file = Renderer.device(profile)
        try GoldenFileTests.check(file, "yealink-cp920-directories.cfg")
        let text = String(decoding: file.bytes, as: UTF8.self)
        // Credentials are percent-encoded in the userinfo, and the phone's search placeholder kept.
        #expect(text.contains("remote_phonebook.data.1.url = https://805ec0021c1b:dev%2FSecret%3A1@portail.metacentrex.fr/sip-ps/directory/805ec0021c1b/extensions.xml?q=#SEARCH"))
        #expect(text.contains("remote_phonebook.data.2.name = Contacts"))
        #expect(text.contains("features.remote_phonebook.enable = 1"))
        #expect(text.contains("ldap.enable = 1") && text.contains("ldap.tls_mode = 2") && text.contains("ldap.port = 636"))
    }

    @Test func theCataloguesLDAPModelsAreTheModelsWithTheTrait() {
        let ldapSetting = try! #require(SettingsCatalogue.definition("directory.ldap.server"))
        #expect(Set(Catalogue.models.filter(\.ldap).map(\.id)) == Set((Catalogue.models(having: ldapSetting) ?? []).map(\.id)))
        #expect(Catalogue.models.filter { $0.vendor == .snom }.allSatisfy { !$0.remotePhonebook && !$0.ldap })
    }

    @Test func aModelWithoutTheTraitsGetsNeitherBlock() throws {
        var profile = try GoldenFileTests.profile(try Catalogue.model(named: "yealink-t46g"))
        profile.settings["directory.ldap.enabled"] = "1"
        profile.settings["directory.ldap.server"] = "ldap.openip.fr"
        let text = String(decoding: Renderer.device(profile).bytes, as: UTF8.self)
        #expect(!text.contains("ldap."))
        #expect(text.contains("features.remote_phonebook.enable = 0"))
    }
}

/// What the second wave of the phone review added: the CA for snom, snom's dial plan, tones.
@Suite struct VendorParityTests {
    @Test func snomIsGivenThePlatformsCAInItsCommonFile() throws {
        let model = try Catalogue.model(named: "snom-d765")
        let pushing = PlatformProfile(provisioningURL: "https://p.example.fr/sip-ps/", sipDomain: "sip.example.fr", sipProxy: nil, pushesCA: true)
        let text = String(decoding: Renderer.common(model: model, platform: pushing, settings: [:]).bytes, as: UTF8.self)
        #expect(text.contains("  <certificates>\n    <certificate url=\"https://p.example.fr/sip-ps/pieuvre-ca.crt\"/>\n  </certificates>\n</settings>\n"))
        let silent = PlatformProfile(provisioningURL: "https://p.example.fr/sip-ps/", sipDomain: "sip.example.fr", sipProxy: nil)
        #expect(!String(decoding: Renderer.common(model: model, platform: silent, settings: [:]).bytes, as: UTF8.self).contains("certificate"))
    }

    @Test func snomDialPlanRulesAreRegexesOfTheSamePatterns() throws {
        var profile = try GoldenFileTests.profile(try Catalogue.model(named: "snom-d725"))
        profile.settings["features.dialPlan.2.prefix"] = "00x*(.)"
        profile.settings["features.dialPlan.2.replace"] = "+$1"
        let text = String(decoding: Renderer.device(profile).bytes, as: UTF8.self)
        #expect(text.contains(#"<user_dp_str idx="1" perm="R">!^\+33(.*)$!0\1! !^00[0-9]\*(.*)$!+\1! !^0[0-9](.*)$!+33\1!</user_dp_str>"#))
        for n in 1...5 { profile.settings["features.dialPlan.\(n).prefix"] = "" }
        #expect(!String(decoding: Renderer.device(profile).bytes, as: UTF8.self).contains("user_dp_str"), "no rule, no dial plan")
    }

    @Test(arguments: [("zone", "Europe/Zurich", "Switzerland", "SWI"), ("zone", "Europe/Paris", "France", "FRA"), ("Germany", "Europe/Paris", "Germany", "GER"), ("United Kingdom", "Europe/Paris", "Great Britain", "GBR")])
    func tonesFollowTheSettingOrTheTimeZone(_ tones: String, _ zone: String, _ yealink: String, _ snom: String) throws {
        let settings = ["preferences.tones": tones, "preferences.timeZone": zone]
        let platform = GoldenFileTests.platform
        let y = String(decoding: Renderer.common(model: try Catalogue.model(named: "yealink-t46g"), platform: platform, settings: settings).bytes, as: UTF8.self)
        let s = String(decoding: Renderer.common(model: try Catalogue.model(named: "snom-d765"), platform: platform, settings: settings).bytes, as: UTF8.self)
        #expect(y.contains("voice.tone.country = \(yealink)\n"))
        #expect(s.contains("<tone_scheme perm=\"\">\(snom)</tone_scheme>"))
    }
}
