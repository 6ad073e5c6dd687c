import Foundation
import PieuvreCore
import Testing

@Suite struct SettingsLayerTests {
    @Test func narrowerLayersOverrideUnlessAWiderOneLocked() {
        let layers = [
            SettingsLayer(scope: .platform, values: ["preferences.language": "English"]),
            SettingsLayer(scope: .customer, values: ["preferences.language": "French", "features.dnd.enabled": "0"], locked: ["features.dnd.enabled"]),
            SettingsLayer(scope: .department, name: "Nantes", values: ["preferences.ringtone": "Ring3"], locked: ["preferences.timeZone"]),
            SettingsLayer(scope: .line, values: ["features.dnd.enabled": "1", "preferences.ringtone": "Ring5", "preferences.timeZone": "Europe/London"]),
        ]
        let effective = EffectiveSettings.compute(layers, model: ModelTraits(vendor: "yealink", softKeys: 4, lineKeys: 27, ldap: false))
        #expect(effective["preferences.language"] == EffectiveSetting(value: "French", source: .customer, sourceName: "", lockedBy: nil))
        #expect(effective["features.dnd.enabled"]?.value == "0", "the customer locked DND off")
        #expect(effective["features.dnd.enabled"]?.lockedBy == .customer)
        #expect(effective["preferences.ringtone"]?.value == "Ring5")
        #expect(effective["preferences.ringtone"]?.source == .line)
        #expect(effective["preferences.timeZone"] == EffectiveSetting(value: "Europe/Paris", source: .catalogue, sourceName: "", lockedBy: .department), "locked at its default")
        #expect(effective["voicemail.number"]?.value == "*97")
        #expect(effective["keys.line.28.type"] == nil, "a T46G has 27 line keys")
        #expect(EffectiveSettings.compute(layers, model: ModelTraits(vendor: "yealink", softKeys: 4, lineKeys: 29, ldap: false))["keys.line.29.type"] != nil)

        let above = EffectiveSettings.lockedAbove(.line, in: layers)
        #expect(above == ["features.dnd.enabled": .customer, "preferences.timeZone": .department])
    }

    @Test func definitionsValidateTheirValues() throws {
        let language = try #require(SettingsCatalogue.definition("preferences.language"))
        #expect(try language.validate("english") == "English")
        #expect(throws: DomainError.self) { try language.validate("Klingon") }
        let dnd = try #require(SettingsCatalogue.definition("features.dnd.enabled"))
        #expect(try dnd.validate("true") == "1")
        #expect(throws: DomainError.self) { try dnd.validate("maybe") }
        let rings = try #require(SettingsCatalogue.definition("features.forward.noAnswer.rings"))
        #expect(throws: DomainError.self) { try rings.validate("21") }
        #expect(SettingsCatalogue.definition("directory.commPortal.password")?.isSecret == true)
        #expect(SettingsCatalogue.definition("keys.line.1.type")?.editRole == .administrator)
        #expect(SettingsCatalogue.definition("sip.port")?.editRole == .operator)
    }
}

@Suite struct ProvisioningPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func insideTheWindowTheFirstFetchIssuesCredentialsThenServesTheSame() {
        let opened = now.addingTimeInterval(-3600)
        let until = now.addingTimeInterval(3600)
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: opened, credentialsIssuedAt: nil, presented: .none) == .serve(issueCredentials: true))
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: opened, credentialsIssuedAt: now.addingTimeInterval(-60), presented: .none) == .serve(issueCredentials: false))
        // Credentials from before the window was re-opened are replaced.
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: opened, credentialsIssuedAt: opened.addingTimeInterval(-1), presented: .invalid) == .serve(issueCredentials: true))
    }

    @Test func outsideTheWindowOnlyValidCredentialsAreServed() {
        let until = now.addingTimeInterval(-1)
        let issued = now.addingTimeInterval(-86400)
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: nil, credentialsIssuedAt: issued, presented: .valid) == .serve(issueCredentials: false))
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: nil, credentialsIssuedAt: issued, presented: .none) == .challenge(reason: .windowClosed, stale: false))
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: nil, credentialsIssuedAt: issued, presented: .invalid) == .challenge(reason: .badCredentials, stale: false))
        #expect(ProvisioningPolicy.decide(now: now, authenticateUntil: nil, windowOpenedAt: nil, credentialsIssuedAt: issued, presented: .stale) == .challenge(reason: .windowClosed, stale: true))
        #expect(ProvisioningPolicy.decide(now: until, authenticateUntil: until, windowOpenedAt: nil, credentialsIssuedAt: nil, presented: .none) == .challenge(reason: .windowClosed, stale: false), "the window's end is outside it")
    }
}
