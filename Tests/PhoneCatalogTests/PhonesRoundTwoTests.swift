import Foundation
import PhoneCatalog
import PieuvreCore
import Testing

/// The second review of the files against real firmware (issue #23): each point with a test
/// that failed on the files before it.
@Suite struct PhonesRoundTwoTests {
    static let pushing = PlatformProfile(provisioningURL: "https://p.example.fr/sip-ps/", sipDomain: "sip.example.fr", sipProxy: nil, pushesCA: true,
                                         caDirectoryURL: "http://p.example.fr:8080/sip-ps/")

    static func text(_ file: RenderedFile) -> String { String(decoding: file.bytes, as: UTF8.self) }

    static func device(_ id: String, platform: PlatformProfile = GoldenFileTests.platform, _ change: (inout DeviceProfile) -> Void = { _ in }) throws -> String {
        var profile = try GoldenFileTests.profile(try Catalogue.model(named: id))
        profile.platform = platform
        change(&profile)
        return text(Renderer.device(profile))
    }

    // 1. Trust without a lockout.

    @Test func theCommonFileNamesThePlainHTTPCAAndNeverSwitchesTheCheckOn() throws {
        let common = Self.text(Renderer.common(model: try Catalogue.model(named: "yealink-t46g"), platform: Self.pushing, settings: [:]))
        #expect(common.contains("static.trusted_certificates.url = http://p.example.fr:8080/sip-ps/pieuvre-ca.crt\n"))
        #expect(!common.contains("trust_certificates ="), "the check is the device file's, once the CA is there")
        let snom = Self.text(Renderer.common(model: try Catalogue.model(named: "snom-d765"), platform: Self.pushing, settings: [:]))
        #expect(snom.contains(#"<certificate url="http://p.example.fr:8080/sip-ps/pieuvre-ca.crt"/>"#))
    }

    @Test(arguments: ["yealink-cp920", "yealink-t46g", "yealink-w52p"])
    func theDeviceFileSwitchesTheCheckOnOnlyAfterTheCAFetch(_ id: String) throws {
        let first = try Self.device(id, platform: Self.pushing)
        #expect(first.contains("static.security.trust_certificates = 0\n"), "first contact: the phone does not hold the CA yet")
        #expect(first.contains("static.security.ca_cert = 2\n"))
        let after = try Self.device(id, platform: Self.pushing) { $0.hasPlatformCA = true }
        #expect(after.contains("static.security.trust_certificates = 1\n"))
        let noCA = try Self.device(id, platform: PlatformProfile(provisioningURL: "https://p.example.fr/sip-ps/", sipDomain: "sip.example.fr", sipProxy: nil))
        #expect(!noCA.contains("trust_certificates") && !noCA.contains("ca_cert"), "without --phone-ca the phone keeps its factory list")
    }

    @Test func severalCertificatesAreServedOneAFileAndYealinkGetsTheLast() throws {
        let platform = PlatformProfile(provisioningURL: "https://p.example.fr/sip-ps/", sipDomain: "sip.example.fr", sipProxy: nil, pushesCA: true,
                                       caDirectoryURL: "http://p.example.fr/sip-ps", caCount: 2)
        #expect(platform.caURLs == ["http://p.example.fr/sip-ps/pieuvre-ca-1.crt", "http://p.example.fr/sip-ps/pieuvre-ca-2.crt"])
        let yealink = Self.text(Renderer.common(model: try Catalogue.model(named: "yealink-t46g"), platform: platform, settings: [:]))
        #expect(yealink.contains("static.trusted_certificates.url = http://p.example.fr/sip-ps/pieuvre-ca-2.crt\n"))
        let snom = Self.text(Renderer.common(model: try Catalogue.model(named: "snom-d725"), platform: platform, settings: [:]))
        #expect(snom.contains(#"<certificate url="http://p.example.fr/sip-ps/pieuvre-ca-1.crt"/>"# + "\n    " + #"<certificate url="http://p.example.fr/sip-ps/pieuvre-ca-2.crt"/>"#))
        #expect(ProvisioningPath(fileName: "pieuvre-ca-2.crt") == .trustedCertificates(index: 2))
        for bad in ["pieuvre-ca-0.crt", "pieuvre-ca-02.crt", "pieuvre-ca-100.crt", "pieuvre-ca-.crt", "pieuvre-ca-x.crt"] {
            #expect(ProvisioningPath(fileName: bad) == nil, "\(bad)")
        }
    }

    // 2. snom accepts the platform's NOTIFYs.

    @Test func snomDoesNotChallengeCheckSyncOrMessageWaiting() throws {
        let text = try Self.device("snom-d765")
        #expect(text.contains(#"<challenge_checksync perm="R">off</challenge_checksync>"#))
        #expect(text.contains(#"<challenge_response perm="R">off</challenge_response>"#))
    }

    // 3. Language on V81/V82 firmware.

    @Test func v81ModelsGetTheStaticLanguageNames() throws {
        let cp860 = try Self.device("yealink-cp860")
        #expect(cp860.contains("static.lang.gui = French\n") && cp860.contains("static.lang.wui = French\n") && cp860.contains("\nlang.gui = French\n"))
        let t46g = try Self.device("yealink-t46g")
        #expect(!t46g.contains("static.lang.") && t46g.contains("\nlang.gui = French\n"), "V83 and later: without the prefix")
        let w52p = try Self.device("yealink-w52p")
        #expect(w52p.contains("static.lang.wui = French\n") && !w52p.contains("lang.gui"), "the base has no screen")
    }

    // 4. snom dial plans: rules separated by spaces.

    @Test func snomDialPlanRulesAreSeparatedBySpaces() throws {
        let text = try Self.device("snom-d725") {
            $0.settings["features.dialPlan.2.prefix"] = "00x*(.)"
            $0.settings["features.dialPlan.2.replace"] = "+$1"
            $0.settings["features.dialPlan.3.prefix"] = "112"
            $0.settings["features.dialPlan.3.replace"] = "1 12"
        }
        #expect(text.contains(#"<user_dp_str idx="1" perm="R">!^\+33(.*)$!0\1! !^00[0-9]\*(.*)$!+\1! !^112(.*)$!112\1!</user_dp_str>"#))
    }

    // 5. Time zones from the vendors' lists.

    @Test func switzerlandIsWrittenWithAListedZone() throws {
        let settings = ["preferences.timeZone": "Europe/Zurich"]
        let y = Self.text(Renderer.common(model: try Catalogue.model(named: "yealink-t46g"), platform: GoldenFileTests.platform, settings: settings))
        let s = Self.text(Renderer.common(model: try Catalogue.model(named: "snom-d765"), platform: GoldenFileTests.platform, settings: settings))
        #expect(y.contains("local_time.time_zone = +1\nlocal_time.time_zone_name = Germany(Berlin)\nlocal_time.summer_time = 2\n"))
        #expect(s.contains(#"<timezone perm="">GER+1</timezone>"#))
        #expect(!y.contains("Switzerland(") && !s.contains("CHE+1"))
    }

    /// Every zone Pieuvre offers is written with the names `docs/phones.md`'s zone table gives
    /// (each with its source there).
    @Test(arguments: SettingsCatalogue.timeZones)
    func everyOfferedZoneIsInTheDocumentedTable(_ zone: String) throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/phones.md")
        let doc = try String(contentsOf: url, encoding: .utf8)
        let row = try #require(doc.split(separator: "\n").first { $0.hasPrefix("| `\(zone)` |") }, "docs/phones.md has a row for \(zone)")
        let settings = ["preferences.timeZone": zone]
        let y = Self.text(Renderer.common(model: try Catalogue.model(named: "yealink-t46g"), platform: GoldenFileTests.platform, settings: settings))
        let s = Self.text(Renderer.common(model: try Catalogue.model(named: "snom-d765"), platform: GoldenFileTests.platform, settings: settings))
        let yName = try #require(y.firstMatch(of: /local_time.time_zone_name = (.*)\n/)).1
        let sName = try #require(s.firstMatch(of: /<timezone perm="">(.*)<\/timezone>/)).1
        #expect(row.contains("`\(yName)`") && row.contains("`\(sName)`"), "\(row)")
    }

    // 6. The DECT base: per-account DND and forwarding in custom mode; nothing it ignores.

    @Test func w52pSetsTheCustomModesAndLeavesOutWhatTheBaseIgnores() throws {
        let text = try Self.device("yealink-w52p")
        #expect(text.contains("features.dnd_mode = 1\nfeatures.fwd_mode = 1\naccount.1.dnd.enable = 0\n"))
        for absent in ["lang.gui", "phone_setting.ring_type", "popup"] { #expect(!text.contains(absent), "\(absent)") }
        let t46g = try Self.device("yealink-t46g")
        #expect(!t46g.contains("dnd_mode") && t46g.contains("features.voice_mail_popup.enable"))
    }

    // 7. snom keeps DND and forwarding set on the phone; 8. no `reminder`.

    @Test func snomKeepsHandsetDNDAndForwardingAndSignalsMessagesSilently() throws {
        let text = try Self.device("snom-d765")
        #expect(text.contains(#"<dnd_mode perm="!">off</dnd_mode>"#))
        #expect(text.contains(#"<fwd_all_enabled idx="1" perm="!">off</fwd_all_enabled>"#))
        #expect(text.contains(#"<fwd_time_secs idx="1" perm="!">"#))
        #expect(text.contains(#"<mwi_notification perm="">silent</mwi_notification>"#) && !text.contains("reminder"))
    }

    // 9. The SIP settings every Centrex platform sets.

    @Test func yealinkWritesTheOperatorsSIPSettings() throws {
        let defaults = try Self.device("yealink-t46g")
        #expect(defaults.contains("account.1.srtp_encryption = 0\naccount.1.dtmf.type = 1\naccount.1.nat.udp_update_enable = 1\naccount.1.nat.udp_update_time = 30\n"))
        #expect(defaults.contains("account.1.codec.pcma.enable = 1\naccount.1.codec.pcma.priority = 1\naccount.1.codec.pcmu.enable = 1\naccount.1.codec.pcmu.priority = 2\n"))
        #expect(!defaults.contains("sip_server.2") && !defaults.contains("opus"), "no backup unless set; the T46G has no Opus")
        let set = try Self.device("yealink-cp920") {
            $0.settings["sip.srtp"] = "required"
            $0.settings["sip.dtmf"] = "info"
            $0.settings["sip.keepAliveSeconds"] = "0"
            $0.settings["sip.codecs"] = "OPUS,G722"
            $0.settings["sip.transport"] = "tls"
            $0.settings["sip.backupServer"] = "sip2.metacentrex.fr:5071"
        }
        #expect(set.contains("account.1.sip_server.2.address = sip2.metacentrex.fr\naccount.1.sip_server.2.port = 5071\naccount.1.sip_server.2.transport_type = 2\n"))
        #expect(set.contains("account.1.srtp_encryption = 2\naccount.1.dtmf.type = 2\naccount.1.nat.udp_update_enable = 0\n") && !set.contains("udp_update_time"))
        #expect(set.contains("account.1.codec.pcma.enable = 0\n") && set.contains("account.1.codec.g722.enable = 1\naccount.1.codec.g722.priority = 2\n"))
        #expect(set.contains("account.1.codec.opus.enable = 1\naccount.1.codec.opus.priority = 1\n"))
        // Only codecs the model lacks: every codec it has, rather than none.
        let fallback = try Self.device("yealink-t41p") { $0.settings["sip.codecs"] = "OPUS" }
        #expect(fallback.contains("account.1.codec.pcma.enable = 1\naccount.1.codec.pcma.priority = 1\n") && !fallback.contains("opus"))
    }

    @Test func snomWritesTheOperatorsSIPSettings() throws {
        let defaults = try Self.device("snom-d725")
        #expect(defaults.contains(#"<user_srtp idx="1" perm="R">off</user_srtp>"#) && defaults.contains(#"<user_savp idx="1" perm="R">off</user_savp>"#))
        #expect(defaults.contains(#"<codec_priority_list idx="1" perm="R">pcma,pcmu,g722,g729,telephone-event</codec_priority_list>"#))
        #expect(defaults.contains(#"<user_dtmf_info idx="1" perm="R">off</user_dtmf_info>"#) && defaults.contains(#"<keepalive_interval idx="1" perm="R">30</keepalive_interval>"#))
        let set = try Self.device("snom-d765") {
            $0.settings["sip.srtp"] = "optional"
            $0.settings["sip.dtmf"] = "inband"
            $0.settings["sip.codecs"] = "G722,PCMA,OPUS"
            $0.settings["sip.backupServer"] = "sip2.metacentrex.fr"
        }
        #expect(set.contains(#"<user_srtp idx="1" perm="R">on</user_srtp>"#) && set.contains(#"<user_savp idx="1" perm="R">optional</user_savp>"#))
        #expect(set.contains(#"<codec_priority_list idx="1" perm="R">g722,pcma</codec_priority_list>"#), "in-band: no telephone-event; no Opus on the D765")
        #expect(set.contains(#"<user_outbound idx="1" perm="R">sbc.metacentrex.fr:5060;transport=udp,sip2.metacentrex.fr:5060;transport=udp</user_outbound>"#))
    }

    @Test func theNewSettingsRefuseWhatAPhoneCouldNotUse() throws {
        let codecs = try #require(SettingsCatalogue.definition("sip.codecs"))
        #expect(try codecs.validate(" g722 , pcma ") == "G722,PCMA")
        for bad in ["", "G722,G722", "SPEEX"] { #expect(throws: DomainError.self, "\(bad)") { try codecs.validate(bad) } }
        let backup = try #require(SettingsCatalogue.definition("sip.backupServer"))
        #expect(try backup.validate("SIP2.example.fr:5070") == "sip2.example.fr:5070")
        #expect(try backup.validate("") == "")
        for bad in ["sip2.example.fr:0", "sip2.example.fr:99999", "sip2 example.fr", "-x.fr", "sip2.example.fr;transport=tcp", "a:b"] {
            #expect(throws: DomainError.self, "\(bad)") { try backup.validate(bad) }
        }
    }
}
