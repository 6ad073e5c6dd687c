import Foundation
import PieuvreCore
import Testing

@Suite struct ProvisioningWindowTests {
    @Test func registrationOpensFortyEightHours() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let window = ProvisioningWindow()
        let until = window.openedAtRegistration(now: now)
        #expect(until.timeIntervalSince(now) == 48 * 3600)
        #expect(ProvisioningWindow.isOpen(until: until, now: now.addingTimeInterval(47 * 3600)))
        #expect(!ProvisioningWindow.isOpen(until: until, now: until))
        #expect(!ProvisioningWindow.isOpen(until: nil, now: now))
    }

    @Test func configurableLengthAndNextHour() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ProvisioningWindow(hours: 2).openedAtRegistration(now: now).timeIntervalSince(now) == 7200)
        #expect(ProvisioningWindow().nextHour(now: now).timeIntervalSince(now) == 3600)
    }

    @Test func manualClockMoves() {
        let clock = ManualClock(Date(timeIntervalSince1970: 0))
        clock.advance(by: 90)
        #expect(clock.now == Date(timeIntervalSince1970: 90))
    }
}

@Suite struct CSVTableTests {
    @Test func readsQuotedFieldsAndLineNumbers() throws {
        let table = try CSVTable(parsing: "mac,model,sda,description\r\n80:5E:C0:02:1C:1B,yealink-cp920,0970192349,\"Salle, \"\"A\"\"\"\r\n\r\n00:15:65:7A:1D:B8,yealink-t41p,,\"two\nlines\"\n00:15:65:82:0B:99,yealink-t46g,,end\n")
        #expect(table.header == ["mac", "model", "sda", "description"])
        #expect(table.rows.map(\.line) == [2, 4, 6])
        #expect(table.rows[0].fields[3] == "Salle, \"A\"")
        #expect(table.rows[1].fields[3] == "two\nlines")
    }

    @Test func readsSemicolonFilesFromFrenchSpreadsheets() throws {
        let table = try CSVTable(parsing: "\u{FEFF}MAC;Model\n805ec0021c1b;CP920")
        #expect(table.header == ["mac", "model"])
        #expect(table.rows[0].fields == ["805ec0021c1b", "CP920"])
    }

    @Test func refusesAnUnclosedQuoteAndAnEmptyFile() {
        #expect(throws: DomainError.self) { try CSVTable(parsing: "mac,model\n\"80:5E,x\n") }
        #expect(throws: DomainError.self) { try CSVTable(parsing: "") }
    }
}

@Suite struct FieldRulesTests {
    @Test func textIsTrimmedAndBounded() throws {
        #expect(try FieldRules.text("  OPENIP ", field: "companyName") == "OPENIP")
        #expect(throws: DomainError.missing(field: "city")) { try FieldRules.text("   ", field: "city") }
        #expect(throws: DomainError.self) { try FieldRules.text(String(repeating: "a", count: 201), field: "name") }
        #expect(throws: DomainError.self) { try FieldRules.text("a\u{0}b", field: "name") }
        #expect(throws: DomainError.self, "XML forbids it: a phonebook would break") { try FieldRules.text("Jean" + String(Unicode.Scalar(0xFFFE)!), field: "name") }
        #expect(throws: DomainError.self) { try FieldRules.text("a" + String(Unicode.Scalar(0xFDD0)!) + "b", field: "name") }
    }

    @Test func loginsAndPasswords() throws {
        #expect(try FieldRules.login("expert") == "expert")
        #expect(throws: DomainError.self) { try FieldRules.login("0970711111") }
        #expect(throws: DomainError.self) { try FieldRules.password("short") }
        #expect(throws: DomainError.self) { try FieldRules.password(String(repeating: "é", count: 40)) }
    }

    @Test func roles() {
        #expect(Role.user < Role.administrator && Role.administrator < Role.reseller && Role.reseller < Role.operator)
        #expect(throws: DomainError.self) { try Actor(role: .user, login: "0970711111").require([.reseller], to: "import phones") }
    }

    @Test func internationalRestriction() throws {
        #expect(try InternationalRestriction(parsing: "bar high-risk countries") == .highRisk)
        #expect(throws: DomainError.self) { try InternationalRestriction(parsing: "everything") }
    }
}

@Suite struct ClientAddressTests {
    static let balancers = [CIDR("10.0.0.0/8")!, CIDR("2001:db8:ffff::/48")!]

    @Test func onlyATrustedPeerIsBelieved() {
        // Without trusted proxies, or from an untrusted peer, the header is the client's own word.
        #expect(ClientAddress.resolve(peer: "198.51.100.7", forwarded: nil, xForwardedFor: "203.0.113.9", trusted: []) == "198.51.100.7")
        #expect(ClientAddress.resolve(peer: "198.51.100.7", forwarded: nil, xForwardedFor: "203.0.113.9", trusted: Self.balancers) == "198.51.100.7")
        // From the balancer: the rightmost address it does not own.
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwarded: nil, xForwardedFor: "203.0.113.9", trusted: Self.balancers) == "203.0.113.9")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwarded: nil, xForwardedFor: "1.2.3.4, 203.0.113.9, 10.9.9.9", trusted: Self.balancers) == "203.0.113.9",
                "a client's forged first entry does not win")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwarded: #"for=192.0.2.60;proto=https, for="[2001:db8:cafe::17]:4711""#, xForwardedFor: "6.6.6.6", trusted: Self.balancers) == "2001:db8:cafe::17",
                "Forwarded (RFC 7239) first, IPv6 in brackets with a port")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwarded: nil, xForwardedFor: "not-an-address", trusted: Self.balancers) == "10.1.2.3")
        #expect(ClientAddress.resolve(peer: "10.1.2.3", forwarded: nil, xForwardedFor: nil, trusted: Self.balancers) == "10.1.2.3")
    }
}
