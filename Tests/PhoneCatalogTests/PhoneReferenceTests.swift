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
        for definition in SettingsCatalogue.all where definition.applies(to: model.id) {
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

    /// Key counts live in the catalogue entry; the settings catalogue (in Core, which cannot see
    /// the phone catalogue) must agree with it.
    @Test func theSettingsCatalogueHasEveryModelsKeys() {
        for model in Catalogue.models {
            #expect(SettingsCatalogue.lineKeyCount[model.id] ?? 0 == model.lineKeys, "\(model.id)")
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
