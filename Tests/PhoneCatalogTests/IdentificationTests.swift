import PhoneCatalog
import PieuvreCore
import Testing

@Suite struct UserAgentTests {
    @Test(arguments: [
        ("Yealink SIP-T41P 36.72.0.1 00:15:65:53:83:22", "yealink-t41p", "36.72.0.1", "00:15:65:53:83:22"),
        ("Yealink SIP-T42G 29.72.0.1 00:15:65:4c:3b:b0", "yealink-t42g", "29.72.0.1", "00:15:65:4C:3B:B0"),
        ("Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37", "yealink-t46g", "28.72.0.1", "00:15:65:4A:A9:37"),
        ("Yealink SIP-T48G 35.72.0.6 00:15:65:5c:60:82", "yealink-t48g", "35.72.0.6", "00:15:65:5C:60:82"),
        ("Yealink CP860 37.72.0.5 00:15:65:8a:37:86", "yealink-cp860", "37.72.0.5", "00:15:65:8A:37:86"),
        ("Yealink SIP-CP920 78.85.0.5 00:15:65:5e:16:7c", "yealink-cp920", "78.85.0.5", "00:15:65:5E:16:7C"),
        ("Yealink CP960 73.85.0.5 805ec0021c1b", "yealink-cp960", "73.85.0.5", "80:5E:C0:02:1C:1B"),
        ("Yealink SIP-CP960 73.85.0.5 80:5e:c0:02:1c:1b", "yealink-cp960", "73.85.0.5", "80:5E:C0:02:1C:1B"),
        ("Yealink W52P 25.80.0.15 00:15:65:96:4c:c4", "yealink-w52p", "25.80.0.15", "00:15:65:96:4C:C4"),
        ("yealink SIP-W52P 25.73.0.20 00:15:65:96:4c:c4", "yealink-w52p", "25.73.0.20", "00:15:65:96:4C:C4"),
        ("Mozilla/4.0 (compatible; snomD765-SIP 10.1.33.33 2010.12-00004-g9ba52f5 000413901502 SXM:0 UXM:0)", "snom-d765", "10.1.33.33", "00:04:13:90:15:02"),
        ("Mozilla/4.0 (compatible; snom725-SIP 10.1.175.16 2010.12-00001-gd311851f1 (Feb 25 2019 - 14:19:43) 0004137823D0 SXM:0 UXM:0 UXMC:0)", "snom-d725", "10.1.175.16", "00:04:13:78:23:D0"),
    ])
    func readsModelFirmwareAndMAC(_ header: String, _ model: String, _ firmware: String, _ mac: String) throws {
        let ua = try #require(PhoneUserAgent(header))
        #expect(ua.model?.id == model)
        #expect(ua.firmware == firmware)
        #expect(ua.mac?.description == mac)
    }

    @Test func oldFirmwareWithoutAMACAndForeignAgents() {
        let old = PhoneUserAgent("Yealink-T46G 28.71.0.81 28.1.0.128.0.0.0")
        #expect(old?.model?.id == "yealink-t46g")
        #expect(old?.mac == nil)
        #expect(PhoneUserAgent("curl/7.88.1") == nil)
        #expect(PhoneUserAgent("") == nil)
    }
}

@Suite struct ProvisioningPathTests {
    @Test func yealinkNames() throws {
        #expect(ProvisioningPath(fileName: "y000000000000.boot") == .yealinkBoot)
        #expect(ProvisioningPath(fileName: "y000000000078.cfg") == .common(Catalogue.model(id: "yealink-cp920")!))
        let mac = try MACAddress(parsing: "805ec0021c1b")
        #expect(ProvisioningPath(fileName: "805ec0021c1b.cfg") == .device(mac))
        #expect(ProvisioningPath(fileName: "805EC0021C1B.cfg") == .device(mac), "any case")
        #expect(ProvisioningPath(fileName: "805ec0021c1b.boot") == .yealinkMACBoot(mac))
        #expect(ProvisioningPath(fileName: "805ec0021c1b-local.cfg") == .notProvided(mac))
        #expect(ProvisioningPath(fileName: "805ec0021c1b-contact.xml") == .notProvided(mac))
        #expect(ProvisioningPath(fileName: "y000000000078.cfg.enc") == .notProvided(nil))
    }

    @Test func everyModelsCommonFileIsRecognised() {
        for model in Catalogue.models {
            #expect(ProvisioningPath(fileName: model.commonFileName) == .common(model), "\(model.id)")
        }
    }

    @Test func snomNames() throws {
        #expect(ProvisioningPath(fileName: "snomD765.htm") == .common(Catalogue.model(id: "snom-d765")!))
        #expect(ProvisioningPath(fileName: "snom725.htm") == .common(Catalogue.model(id: "snom-d725")!))
        #expect(ProvisioningPath(fileName: "snomD765-000413901502.htm") == .device(try MACAddress(parsing: "000413901502")))
    }

    @Test(arguments: ["../etc/passwd", "/etc/passwd", "..\\boot.ini", "a\u{0}.cfg", String(repeating: "a", count: 200), "y000000000099.cfg", "index.html", "", "805ec0021c1.cfg", "010000000000.cfg"])
    func refusesEverythingElse(_ name: String) {
        #expect(ProvisioningPath(fileName: name) == nil)
    }
}
