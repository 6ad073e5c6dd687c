import Foundation
import PhoneCatalog
import PieuvreCore
import Testing

/// Every parameter a file names is in `docs/phones.md` for that model, with its source: every
/// model rendered with every catalogue setting away from its default, every key type, with and
/// without a proxy, with the CA pushed, phonebooks, LDAP, and each Yealink firmware's names.
@Suite struct PhoneReferenceTests {
    struct Row { let pattern: Regex<Substring>; let models: Set<String>? }

    // Read once, never written: Regex is not Sendable, the table is immutable.
    nonisolated(unsafe) static let reference: (yealink: [Row], snom: [Row]) = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/phones.md")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var yealink: [Row] = [], snom: [Row] = []
        var inSnom = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("## ") { inSnom = line.contains("snom") }
            guard line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2 else { continue }
            let name = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            let escaped = NSRegularExpression.escapedPattern(for: name).replacingOccurrences(of: "N", with: "[0-9]+")
            let models = cells[1] == "all" ? nil : Set(cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            let row = Row(pattern: try! Regex("^" + escaped + "$"), models: models)
            if inSnom { snom.append(row) } else { yealink.append(row) }
        }
        return (yealink, snom)
    }()

    static func allowed(_ name: String, model: PhoneModel) -> Bool {
        let rows = model.vendor == .snom ? reference.snom : reference.yealink
        func matches(_ candidate: String) -> Bool {
            rows.contains { row in (row.models?.contains(model.id) ?? true) && candidate.wholeMatch(of: row.pattern) != nil }
        }
        // V80 and older read the `static.` names without the prefix (docs/phones.md says so).
        return matches(name) || (model.vendor == .yealink && matches("static." + name))
    }

    /// Every setting away from its default (keys cycle through every type).
    static func settings(for model: PhoneModel, variant: Int) -> [String: String] {
        var settings: [String: String] = [:]
        for definition in SettingsCatalogue.all where definition.applies(to: model.traits) {
            let value: String
            switch definition.kind {
            case .bool: value = definition.defaultValue == "1" ? "0" : "1"
            case let .integer(range): value = String(definition.defaultValue == String(range.lowerBound) ? range.upperBound : range.lowerBound)
            case let .choice(options):
                let others = options.filter { $0 != definition.defaultValue }
                let index = abs(definition.key.hashValue &+ variant) % max(others.count, 1)
                value = others.isEmpty ? definition.defaultValue : others[index]
            case .text: value = "x\(variant)1"
            case .secret: value = "S3cret\(variant)"
            case .dialPattern: value = variant % 2 == 0 ? "0033" : "+33(.)"
            case let .orderedChoices(options): value = (variant % 2 == 0 ? options.reversed() : options).joined(separator: ",")
            case .hostPort: value = variant % 2 == 0 ? "sip2.example.fr" : "sip2.example.fr:5070"
            }
            settings[definition.key] = value
        }
        for (n, type) in SettingsCatalogue.keyTypes.enumerated() {
            settings["keys.line.\(n + 1).type"] = type
            settings["keys.soft.\((n + variant) % 4 + 1).type"] = type
        }
        return settings
    }

    static func names(_ file: RenderedFile, vendor: Vendor) -> [String] {
        let text = String(decoding: file.bytes, as: UTF8.self)
        switch vendor {
        case .yealink:
            return text.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains(" = ") }.map { String($0.split(separator: " ")[0]) }
        case .snom:
            return text.matches(of: /<([a-z_0-9]+)[ >]/).map { String($0.1) }.filter { !["settings", "phone"].contains($0) }
        }
    }

    @Test(arguments: Catalogue.models)
    func everyNameWrittenIsInThePhoneReference(_ model: PhoneModel) throws {
        #expect(Self.reference.yealink.count > 50 && Self.reference.snom.count > 30, "docs/phones.md was read")
        let mac = try MACAddress(parsing: "80:5E:C0:02:1C:1B")
        var checked = 0
        for variant in 0..<14 {
            let platform = PlatformProfile(provisioningURL: "https://p.example.fr/sip-ps/", sipDomain: "sip.example.fr", sipProxy: variant % 2 == 0 ? "sbc.example.fr:5060" : nil, pushesCA: variant % 3 != 0)
            var profile = DeviceProfile(model: model, mac: mac, account: variant == 5 ? nil : SIPAccount(number: "0970192349", authName: "a", password: "p", displayName: "d", label: "l"),
                                        platform: platform, deviceUsername: "u", devicePassword: "p", webAdminPassword: "w", settings: Self.settings(for: model, variant: variant))
            profile.phonebooks = [RemotePhonebook(name: RemotePhonebook.extensions, url: "https://p.example.fr/x.xml")]
            profile.settings["directory.ldap.enabled"] = "1"
            let files = [Renderer.device(profile), Renderer.common(model: model, platform: platform, settings: profile.settings)]
            let forms: [YealinkFirmware] = model.vendor == .yealink ? [.v81OrLater, .v80OrEarlier, .unknown] : [.v81OrLater]
            for file in files {
                for firmware in forms {
                    for name in Self.names(firmware.adapt(file), vendor: model.vendor) {
                        #expect(Self.allowed(name, model: model), "\(model.id) writes \(name), which docs/phones.md does not list for it")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 100)
    }

    /// Adding a model is one catalogue entry plus its golden files: two models the catalogue
    /// does not have, defined here, get their settings from their traits (no list of ids in the
    /// settings catalogue), name their files, render, and write only names the reference allows.
    static let eleventh: [PhoneModel] = [
        PhoneModel(id: "yealink-t46u", vendor: .yealink, name: "T46U", fileCode: "108", sipAccounts: 16, lineKeys: 10),
        PhoneModel(id: "snom-d785", vendor: .snom, name: "D785", fileCode: "snomD785", sipAccounts: 12, lineKeys: 24, softKeys: 0),
    ]

    @Test(arguments: eleventh)
    func aModelDefinedByItsEntryAloneGetsSettingsFilesAndNames(_ model: PhoneModel) throws {
        #expect(Catalogue.model(id: model.id) == nil, "not in the catalogue: defined by this test alone")
        let settings = EffectiveSettings.compute([], model: model.traits)
        #expect(settings["keys.line.\(model.lineKeys).type"] != nil)
        #expect(settings["keys.line.\(model.lineKeys + 1).type"] == nil, "no more line keys than its entry says")
        #expect((settings["keys.soft.1.type"] != nil) == (model.softKeys > 0))
        #expect((settings["notifications.popup.voicemail"] != nil) == (model.vendor == .yealink), "vendor settings follow the vendor")
        #expect(settings["directory.ldap.server"] == nil)
        #expect(model.commonFileName == (model.vendor == .yealink ? "y000000000108.cfg" : "snomD785.htm"))

        let profile = try GoldenFileTests.profile(model)
        let device = Renderer.device(profile)
        try GoldenFileTests.check(device, "\(model.id)-device.\(model.vendor == .snom ? "xml" : "cfg")")
        try GoldenFileTests.check(Renderer.common(model: model, platform: GoldenFileTests.platform, settings: profile.settings), model.commonFileName)
        let text = String(decoding: device.bytes, as: UTF8.self)
        if model.vendor == .yealink {
            #expect(text.contains("linekey.10.type") && !text.contains("linekey.11."))
        } else {
            #expect(text.contains("<fkey idx=\"23\"") && !text.contains("<fkey idx=\"24\"") && !text.contains("gui_fkey"))
        }
        // Its rows in docs/phones.md would be added with it; here it must write what its nearest
        // catalogue model's rows allow.
        let documented = try #require(Catalogue.model(id: model.vendor == .yealink ? "yealink-t46g" : "snom-d765"))
        for name in Self.names(device, vendor: model.vendor) {
            #expect(Self.allowed(name, model: documented), "\(model.id) writes \(name), which docs/phones.md does not list for \(documented.id)")
        }
    }

    @Test func aNameOutsideTheReferenceIsCaught() throws {
        let model = try Catalogue.model(named: "yealink-t46g")
        #expect(!Self.allowed("account.1.made_up", model: model))
        #expect(!Self.allowed("ldap.host", model: model), "LDAP is for the CP860 and CP920 only")
        #expect(Self.allowed("auto_provision.server.password", model: model), "the V80 form of a static name")
        #expect(!Self.allowed("handset.1.name", model: model))
    }
}
