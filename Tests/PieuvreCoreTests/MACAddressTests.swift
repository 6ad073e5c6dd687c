import PieuvreCore
import Testing

@Suite struct MACAddressTests {
    @Test(arguments: ["80:5E:C0:02:1C:1B", "80-5e-c0-02-1c-1b", "805ec0021c1b", "805E.C002.1C1B", " 80:5e:C0:02:1c:1B "])
    func acceptsTheUsualNotations(_ text: String) throws {
        let mac = try MACAddress(parsing: text)
        #expect(mac.hex == "805ec0021c1b")
        #expect(mac.description == "80:5E:C0:02:1C:1B")
    }

    @Test(arguments: [
        ("80:5E:C0:02:1C", "has 10 hex digits"),
        ("80:5E:C0:02:1C:1B:00", "has 14 hex digits"),
        ("80:5E:C0:02:1C:1G", "contains 'G'"),
        ("805E:C002:1C1B", "is not written as"),
        ("80:5E-C0:02:1C:1B", "is not written as"),
        ("00:00:00:00:00:00", "all zeros"),
        ("FF:FF:FF:FF:FF:FF", "broadcast"),
        ("01:00:5E:00:00:01", "multicast"),
        ("", "has 0 hex digits"),
    ])
    func refusesWithAMessageNamingTheValue(_ text: String, _ reason: String) {
        #expect {
            _ = try MACAddress(parsing: text)
        } throws: { error in
            let message = (error as? DomainError)?.description ?? ""
            return message.contains(reason) && message.contains("'\(text)'")
        }
    }

    @Test func advancesForBlocks() throws {
        let mac = try MACAddress(parsing: "00:15:65:00:00:FF")
        #expect(try mac.advanced(by: 1).description == "00:15:65:00:01:00")
        #expect(throws: DomainError.self) { try MACAddress(parsing: "FE:FF:FF:FF:FF:FE").advanced(by: 2) }
    }
}

@Suite struct DirectNumberTests {
    @Test(arguments: [("0970711111", "0970711111"), ("09 70 71 11 11", "0970711111"), ("09.70.71.11.11", "0970711111"), ("+33970711111", "+33970711111")])
    func accepts(_ text: String, _ digits: String) throws {
        #expect(try DirectNumber(parsing: text).digits == digits)
    }

    @Test(arguments: ["970711111", "09707111111", "1970711111", "+0123456789", "+1234567", "+1234567890123456", "09707A1111", ""])
    func refuses(_ text: String) {
        #expect(throws: DomainError.self) { try DirectNumber(parsing: text) }
    }
}

@Suite struct SIRETTests {
    @Test func acceptsTheSeedsCustomer() throws {
        #expect(try SIRET(parsing: "48285833900021").digits == "48285833900021")
        #expect(try SIRET(parsing: "482 858 339 00021").digits == "48285833900021")
    }

    @Test(arguments: ["48285833900022", "4828583390002", "4828583390002A", ""])
    func refuses(_ text: String) {
        #expect(throws: DomainError.self) { try SIRET(parsing: text) }
    }
}

@Suite struct TimeFieldTests {
    @Test func onlyRealTimesAreRead() throws {
        #expect(try FieldRules.time("2026-11-27T18:00:00Z", field: "t").timeIntervalSince1970 == 1795802400)
        #expect(try FieldRules.time("2026-11-27T19:00:00+01:00", field: "t").timeIntervalSince1970 == 1795802400)
        #expect(try FieldRules.time("2026-11-27T18:00:00.5Z", field: "t").timeIntervalSince1970 == 1795802400.5)
        for bad in ["2024-01-01T12:99:00Z", "2024-13-01T00:00:00Z", "2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01 12:00:00Z", "2024-01-01T12:00:00", "tomorrow", "2024-01-01T12:00:00+25:00"] {
            #expect(throws: DomainError.self, "\(bad)") { try FieldRules.time(bad, field: "t") }
        }
    }
}

/// The MAC of a phone's factory certificate, read from its subject for mutual TLS.
@Suite struct CertificateMACTests {
    @Test(arguments: [
        ("CN=001565820B99", "00:15:65:82:0B:99"),
        ("CN=00:15:65:82:0b:99,O=Yealink,C=CN", "00:15:65:82:0B:99"),
        ("serialNumber=00-04-13-90-08-59, CN=snom D765", "00:04:13:90:08:59"),
        ("O=Yealink, CN=805EC0021C1B", "80:5E:C0:02:1C:1B"),
    ])
    func findsTheMACInACertificateSubject(_ subject: String, _ expected: String) throws {
        #expect(MACAddress.find(in: subject) == (try MACAddress(parsing: expected)))
    }

    @Test(arguments: ["CN=Yealink generic device", "CN=0015658", "CN=001565820B99AA", "CN=00:15:65-82:0b:99", "CN=0:15:65:82:0b:99:1", ""])
    func findsNoMACWhereThereIsNone(_ subject: String) {
        #expect(MACAddress.find(in: subject) == nil)
    }
}
