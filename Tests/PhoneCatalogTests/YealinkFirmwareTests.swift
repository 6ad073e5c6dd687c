import PhoneCatalog
import Testing

@Suite struct YealinkFirmwareTests {
    let file = RenderedFile("#!version:1.0.0.1\nstatic.auto_provision.server.username = 001565820b99\nstatic.security.user_password = admin:x\naccount.1.enable = 1\n", contentType: "text/plain")

    @Test func theFirmwareIsReadFromTheUserAgent() {
        #expect(YealinkFirmware(agent: PhoneUserAgent("Yealink SIP-T46G 28.80.0.95 00:15:65:82:0b:99")) == .v80OrEarlier)
        #expect(YealinkFirmware(agent: PhoneUserAgent("Yealink SIP-T46G 28.86.0.15 00:15:65:82:0b:99")) == .v81OrLater)
        #expect(YealinkFirmware(agent: PhoneUserAgent("Yealink SIP-T46G 28.81.0.1 00:15:65:82:0b:99")) == .v81OrLater)
        #expect(YealinkFirmware(agent: nil) == .unknown)
    }

    @Test func v80GetsUnprefixedNamesV86TheStaticOnesAndUnknownBoth() {
        let v80 = String(decoding: YealinkFirmware.v80OrEarlier.adapt(file).bytes, as: UTF8.self)
        #expect(v80 == "#!version:1.0.0.1\nauto_provision.server.username = 001565820b99\nsecurity.user_password = admin:x\naccount.1.enable = 1\n")
        #expect(YealinkFirmware.v81OrLater.adapt(file) == file)
        let both = String(decoding: YealinkFirmware.unknown.adapt(file).bytes, as: UTF8.self)
        #expect(both == "#!version:1.0.0.1\nstatic.auto_provision.server.username = 001565820b99\nauto_provision.server.username = 001565820b99\nstatic.security.user_password = admin:x\nsecurity.user_password = admin:x\naccount.1.enable = 1\n")
        // Byte-stable: the same input gives the same bytes.
        #expect(YealinkFirmware.v80OrEarlier.adapt(file) == YealinkFirmware.v80OrEarlier.adapt(file))
    }
}
