import Foundation
import HTTPTypes
import PhoneCatalog
import PieuvreCore
@testable import PieuvreStore
@testable import PieuvreServer
import Testing

/// Trust without a lockout (issue #23): the CA is readable before the phone trusts the server
/// (plain HTTP, TFTP, no credentials), and a device file switches the server check on only for
/// a phone seen fetching it, from where that phone was served.
@Suite struct PhoneTrustTests {
    static let ua = "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99"

    static func trust(_ p: TestPlatform) async throws -> String? {
        ProvisioningTests.value(try await ProvisioningTests.fetch(p, "001565820b99.cfg", ua: ua).text, "static.security.trust_certificates")
    }

    @Test(arguments: TestDatabase.all)
    func theCheckIsSwitchedOnOnlyAfterThePhoneFetchedTheCA(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db, phoneCA: true) { p in
            let reseller = try await ProvisioningTests.setUp(p)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","sda":"0970192349"}"#)

            // The common file names the CA over plain HTTP and switches nothing on.
            let common = try await ProvisioningTests.fetch(p, "y000000000028.cfg", ua: Self.ua).text
            #expect(ProvisioningTests.value(common, "static.trusted_certificates.url") == "http://portail.metacentrex.fr:8080/sip-ps/pieuvre-ca.crt")
            #expect(ProvisioningTests.value(common, "static.security.trust_certificates") == nil)

            // First contact: the phone does not hold the CA yet.
            let first = try await ProvisioningTests.fetch(p, "001565820b99.cfg", ua: Self.ua)
            #expect(first.status == .ok && ProvisioningTests.value(first.text, "static.security.trust_certificates") == "0")
            #expect(ProvisioningTests.value(first.text, "static.security.ca_cert") == "2")

            // Anyone may read the CA, without credentials, over HTTP and TFTP.
            let ca = try await ProvisioningTests.fetch(p, "pieuvre-ca.crt", ua: nil)
            #expect(ca.status == .ok && ca.text == TestPlatform.phoneCAPEM && ca.headers[.contentType] == "application/x-x509-ca-cert")
            #expect(try await ProvisioningTests.fetch(p, "pieuvre-ca-1.crt", ua: nil).text == TestPlatform.phoneCAPEM)
            #expect(try await ProvisioningTests.fetch(p, "pieuvre-ca-2.crt", ua: nil).status == .notFound)
            let tftp = try await p.phones.files.answer(PhoneFiles.Request(fileName: "pieuvre-ca.crt", path: "pieuvre-ca.crt", userAgent: nil, authorization: nil, sourceIP: "192.0.2.7", transport: "tftp"))
            #expect(tftp == .file(RenderedFile(TestPlatform.phoneCAPEM, contentType: "application/x-x509-ca-cert")))
            await p.phones.work.drain()
            #expect(try await Self.trust(p) == "0", "a fetch naming no MAC says nothing of this phone")

            // The phone's MAC from another address (a forged User-Agent): not this phone.
            _ = try await p.phones.files.answer(PhoneFiles.Request(fileName: "pieuvre-ca.crt", path: "/sip-ps/pieuvre-ca.crt", userAgent: Self.ua, authorization: nil, sourceIP: "203.0.113.9"))
            await p.phones.work.drain()
            #expect(try await Self.trust(p) == "0", "a User-Agent from elsewhere cannot switch the check on")

            // The phone itself, from where it was served: the next device file switches it on.
            #expect(try await ProvisioningTests.fetch(p, "pieuvre-ca.crt", ua: Self.ua).status == .ok)
            await p.phones.work.drain()
            #expect(try await Self.trust(p) == "1")
            let noted = try await p.store.storage.sql.raw("SELECT ca_fetched_at FROM phones WHERE mac = '001565820b99'").first()
            #expect(try noted?.decode(column: "ca_fetched_at", as: Date?.self) != nil)
        }
    }
}
