import Foundation
import HTTPTypes
import PhoneCatalog
import PieuvreCore
@testable import PieuvreServer
import Testing

/// A source blocked as a scanner (issue #26, item 3) stops guessers, not the registered phones
/// behind that address: a phone fetching from where its window was served, or presenting its
/// valid credentials, still gets its files; unknown MACs and phones without either get 429.
@Suite struct ScanBlockTests {
    static let site = "198.51.100.7"

    static func ask(_ p: TestPlatform, _ file: String, from ip: String, ua: String? = nil, authorization: String? = nil) async throws -> PhoneFiles.Answer {
        try await p.phones.files.answer(PhoneFiles.Request(fileName: file, path: "/sip-ps/\(file)", userAgent: ua, authorization: authorization, sourceIP: ip))
    }

    static func text(_ answer: PhoneFiles.Answer) -> String? {
        if case let .file(file) = answer { return String(decoding: file.bytes, as: UTF8.self) }
        return nil
    }

    @Test(arguments: TestDatabase.all)
    func aBlockedAddressStillServesItsOwnPhones(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await ProvisioningTests.setUp(p)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g"}"#)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:7A:1D:B8","model":"yealink-t41p"}"#)
            let t46g = "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99", t41p = "Yealink SIP-T41P 36.83.0.35 00:15:65:7a:1d:b8"

            // The T46G's window is first served at the site; the T41P's elsewhere.
            #expect(Self.text(try await Self.ask(p, "001565820b99.cfg", from: Self.site, ua: t46g)) != nil)
            let t41pFile = try #require(Self.text(try await Self.ask(p, "0015657a1db8.cfg", from: "203.0.113.5", ua: t41p)))
            let user = try #require(ProvisioningTests.value(t41pFile, "static.auto_provision.server.username"))
            let password = try #require(ProvisioningTests.value(t41pFile, "static.auto_provision.server.password"))

            // A page inside the site (or forged datagrams) guesses 51 MACs: the site is blocked.
            for n in 0..<51 { _ = try await Self.ask(p, String(format: "0015650000%02x.cfg", n), from: Self.site) }
            #expect(try await Self.ask(p, "001565fedcba.cfg", from: Self.site) == .throttled, "guessers are held off")

            // The T46G fetches from the address its window was served to: served.
            #expect(Self.text(try await Self.ask(p, "001565820b99.cfg", from: Self.site, ua: t46g)) != nil)
            #expect(Self.text(try await Self.ask(p, "y000000000028.cfg", from: Self.site, ua: t46g)) != nil)

            // The T41P, moved to the site, presents its credentials: served; without them: 429.
            #expect(try await Self.ask(p, "0015657a1db8.cfg", from: Self.site, ua: t41p) == .throttled)
            guard case let .challenge(challenge) = try await Self.ask(p, "0015657a1db8.cfg", from: "203.0.113.5") else { Issue.record("no challenge"); return }
            let authorization = ProvisioningTests.digest(challenge, user: user, password: password, uri: "/sip-ps/0015657a1db8.cfg")
            #expect(Self.text(try await Self.ask(p, "0015657a1db8.cfg", from: Self.site, ua: t41p, authorization: authorization)) != nil)
            // The same answer again (a replayed count) is no proof.
            #expect(try await Self.ask(p, "0015657a1db8.cfg", from: Self.site, ua: t41p, authorization: authorization) == .throttled)
        }
    }
}
