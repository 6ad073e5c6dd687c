import Foundation
import HTTPTypes
import PieuvreCore
import Testing

@testable import PieuvreServer

/// The console's data (`/api/v1/fleet`, `/fleet/stuck`, phone states): every state and reason
/// produced by real requests with phones' User-Agents, the window moved by the clock.
@Suite struct FleetTests {
    static let agents = ProvisioningTests.agents

    /// The phone's JSON once the journal has written what its requests said (the server's
    /// background flush does it every quarter second; the test platform runs no background loop).
    static func state(_ p: TestPlatform, _ token: String, _ mac: String) async throws -> TestPlatform.Reply {
        await p.phones.journal.flush()
        return try await p.call(.get, "/api/v1/phones/\(mac)", token: token)
    }

    @Test(arguments: TestDatabase.all)
    func everyStateAndReasonComesFromRealRequests(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            var reseller = try await ProvisioningTests.setUp(p)
            let cp920 = Self.agents["yealink-cp920"]!, t46g = Self.agents["yealink-t46g"]!, t41p = Self.agents["yealink-t41p"]!
            let t42g = Self.agents["yealink-t42g"]!, d765 = Self.agents["snom-d765"]!
            for (mac, model) in [(cp920.mac, "yealink-cp920"), (t46g.mac, "yealink-t46g"), (t41p.mac, "yealink-t41p")] {
                #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(mac)","model":"\#(model)"}"#).status == .created)
            }
            // Registered, nothing asked yet: waiting.
            #expect(try await Self.state(p, reseller, t41p.mac).json["state"]?.string == "waiting")
            // The CP920 and the T46G fetch their files inside the window: ok.
            #expect(try await ProvisioningTests.fetch(p, "805ec0021c1b.cfg", ua: cp920.ua).status == .ok)
            #expect(try await ProvisioningTests.fetch(p, "001565820b99.cfg", ua: t46g.ua).status == .ok)
            #expect(try await Self.state(p, reseller, cp920.mac).json["state"]?.string == "ok")

            // 49 hours later: the window closed. The T41P never came (missed); the T46G stopped
            // asking for more than twice its daily repeat (silent); the CP920 was reset and asks
            // without its credentials (refused, window-closed).
            p.clock.advance(by: 49 * 3600)
            reseller = try await p.login("expert", "reseller-pass-1")
            #expect(try await ProvisioningTests.fetch(p, "805ec0021c1b.cfg", ua: cp920.ua).status == .unauthorized)
            let refused = try await Self.state(p, reseller, cp920.mac)
            #expect(refused.json["state"]?.string == "refused")
            #expect(refused.json["refusal"]?["reason"]?.string == "window-closed")
            #expect(refused.json["refusal"]?["ip"]?.string == "127.0.0.1")
            #expect(try await p.call(.get, "/api/v1/phones/\(t41p.mac)", token: reseller).json["state"]?.string == "missed")
            #expect(try await p.call(.get, "/api/v1/phones/\(t46g.mac)", token: reseller).json["state"]?.string == "silent")
            #expect(try await p.call(.get, "/api/v1/phones/\(t46g.mac)", token: reseller).json["refusal"] == .null)

            // A snom asking with a MAC registered as a Yealink: model-mismatch.
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(d765.mac)","model":"yealink-t42g"}"#).status == .created)
            #expect(try await ProvisioningTests.fetch(p, "snomD765-000413900859.htm", ua: d765.ua).status == .unauthorized)
            #expect(try await Self.state(p, reseller, d765.mac).json["refusal"]?["reason"]?.string == "model-mismatch")
            // A T42G answering the challenge with a wrong password: bad-credentials.
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(t42g.mac)","model":"yealink-t42g"}"#).status == .created)
            #expect(try await ProvisioningTests.fetch(p, "001565a757e6.cfg", ua: t42g.ua).status == .ok)
            p.clock.advance(by: 49 * 3600)
            reseller = try await p.login("expert", "reseller-pass-1")
            let challenge = try await ProvisioningTests.fetch(p, "001565a757e6.cfg", ua: t42g.ua)
            let header = try #require(challenge.headers[.wwwAuthenticate])
            let start = try #require(header.range(of: #"nonce=""#))
            let nonce = header[start.upperBound...].prefix { $0 != "\"" }
            let wrong = #"Digest username="001565a757e6", realm="pieuvre", nonce="\#(nonce)", uri="/sip-ps/001565a757e6.cfg", qop=auth, nc=00000001, cnonce="c1", response="00000000000000000000000000000000""#
            #expect(try await ProvisioningTests.fetch(p, "001565a757e6.cfg", ua: t42g.ua, authorization: wrong).status == .unauthorized)
            #expect(try await Self.state(p, reseller, t42g.mac).json["refusal"]?["reason"]?.string == "bad-credentials")

            // The fleet counts them (the T46G, CP920, T41P, D765 and T42G: 98 hours on, the
            // CP920 stays refused, the T46G silent).
            let fleet = try await p.call(.get, "/api/v1/fleet", token: reseller)
            #expect(fleet.status == .ok, "\(fleet)")
            let phones = fleet.json["phones"]
            #expect(phones?["total"]?.int == 5 && phones?["refused"]?.int == 3 && phones?["missed"]?.int == 1 && phones?["silent"]?.int == 1 && phones?["waiting"]?.int == 0 && phones?["ok"]?.int == 0, "\(fleet)")
            #expect(fleet.json["models"]?.array.first { $0["model"]?.string == "yealink-t42g" }?["count"]?.int == 2)
            #expect(fleet.json["firmware"]?.array.contains { $0["model"]?.string == "yealink-t46g" && $0["firmware"]?.string == "28.83.0.120" && $0["count"]?.int == 1 } == true)
            let hours = fleet.json["requests"]?.array ?? []
            #expect(hours.count == 24)
            // This hour: the T42G's challenge and its wrong answer (both refused).
            #expect(hours.last?["refused"]?.int == 2 && hours.last?["served"]?.int == 0, "\(hours.last ?? .null)")
            #expect(hours.first.flatMap { $0["hour"]?.string }.map { $0 < hours.last!["hour"]!.string! } == true, "oldest first")

            // The stuck list: most recently stuck first, each with its mend.
            let stuck = try await p.call(.get, "/api/v1/fleet/stuck", token: reseller)
            let actions = Dictionary(uniqueKeysWithValues: stuck.items.map { ($0["mac"]!.string!, $0["action"]!.string!) })
            #expect(actions == [t42g.mac: "check-credentials", d765.mac: "check-model", cp920.mac: "reopen", t41p.mac: "reopen", t46g.mac: "check-installation"], "\(stuck)")
            #expect(stuck.items.first?["mac"]?.string == t42g.mac)
            let page = try await p.call(.get, "/api/v1/fleet/stuck?limit=2", token: reseller)
            let next = try #require(page.json["next"]?.string)
            let rest = try await p.call(.get, "/api/v1/fleet/stuck?limit=10&cursor=\(next)", token: reseller)
            #expect((page.items + rest.items).compactMap { $0["mac"]?.string } == stuck.items.compactMap { $0["mac"]?.string })
            // Lists filter by state.
            let missed = try await p.call(.get, "/api/v1/customers/10000/phones?state=missed", token: reseller)
            #expect(missed.items.compactMap { $0["mac"]?.string } == [t41p.mac])
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones?state=stuck", token: reseller).json["code"]?.string == "bad-state")

            // Re-opened, the reset CP920 fetches again: ok, its refusal gone.
            #expect(try await p.call(.patch, "/api/v1/phones/\(cp920.mac)", token: reseller, json: #"{"authorizeNextHour":true}"#).status == .ok)
            #expect(try await ProvisioningTests.fetch(p, "805ec0021c1b.cfg", ua: cp920.ua).status == .ok)
            let mended = try await Self.state(p, reseller, cp920.mac)
            #expect(mended.json["state"]?.string == "ok" && mended.json["refusal"] == .null)
        }
    }

    @Test(arguments: TestDatabase.all)
    func eachSeesItsOwnFleetAndAnotherTenantsIsNotFound(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let expert = try await ProvisioningTests.setUp(p)
            try await p.createLine(token: expert, sda: "0970711111", extra: #","administrator":true,"portalPassword":"admin-line-pass""#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: expert, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            let other = try await p.reseller("autre", name: "Autre")
            try await p.seedCustomer(token: other, reference: "20000")
            try await p.call(.post, "/api/v1/customers/20000/phones", token: other, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g"}"#)
            try await p.call(.post, "/api/v1/customers/20000/phones", token: other, json: #"{"mac":"00:15:65:7A:1D:B8","model":"yealink-t41p"}"#)
            let op = try await p.operatorToken()
            let admin = try await p.login("0970711111", "admin-line-pass")

            func total(_ token: String, _ query: String = "") async throws -> Int? {
                try await p.call(.get, "/api/v1/fleet\(query)", token: token).json["phones"]?["total"]?.int
            }
            #expect(try await total(op) == 3)
            #expect(try await total(op, "?reseller=autre") == 2)
            #expect(try await total(op, "?customer=10000") == 1)
            #expect(try await total(expert) == 1)
            #expect(try await total(other) == 2)
            #expect(try await total(admin) == 1)
            // Another tenant's customer or reseller is unknown, whoever asks.
            #expect(try await p.call(.get, "/api/v1/fleet?customer=20000", token: expert).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/fleet?reseller=autre", token: expert).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/fleet?customer=20000", token: admin).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/fleet/stuck?customer=20000", token: admin).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/fleet?reseller=nobody", token: op).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/fleet", token: nil).status == .unauthorized)
            // Two days on, the waiting phones are missed, each in its own tenant's stuck list.
            p.clock.advance(by: 49 * 3600)
            let expert2 = try await p.login("expert", "reseller-pass-1"), other2 = try await p.login("autre", "reseller-pass-1")
            #expect(try await p.call(.get, "/api/v1/fleet/stuck", token: expert2).items.compactMap { $0["mac"]?.string } == ["80:5E:C0:02:1C:1B"])
            #expect(try await p.call(.get, "/api/v1/fleet/stuck", token: other2).items.count == 2)
        }
    }

    @Test(arguments: TestDatabase.all)
    func anAcknowledgedAlertLeavesTheCount(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db, trustedProxies: [CIDR("127.0.0.1/32")!]) { p in
            let expert = try await ProvisioningTests.setUp(p)
            let cp920 = Self.agents["yealink-cp920"]!
            try await p.call(.post, "/api/v1/customers/10000/phones", token: expert, json: #"{"mac":"\#(cp920.mac)","model":"yealink-cp920"}"#)
            // Fetched inside its window from two addresses: an alert.
            for address in ["203.0.113.9", "198.51.100.7"] {
                var headers = HTTPFields()
                headers[.userAgent] = cp920.ua
                headers[HTTPField.Name("X-Forwarded-For")!] = address
                #expect(try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers).status == .ok)
            }
            var alerts = try await p.call(.get, "/api/v1/alerts", token: expert)
            for _ in 0..<150 where alerts.items.isEmpty {
                try await Task.sleep(for: .milliseconds(100))
                alerts = try await p.call(.get, "/api/v1/alerts", token: expert)
            }
            let id = try #require(alerts.items.first?["id"]?.string)
            #expect(try await p.call(.get, "/api/v1/fleet", token: expert).json["alerts"]?.int == 1)
            let other = try await p.reseller("autre", name: "Autre")
            #expect(try await p.call(.post, "/api/v1/alerts/\(id)/acknowledge", token: other).status == .notFound)
            #expect(try await p.call(.post, "/api/v1/alerts/not-an-id/acknowledge", token: expert).status == .notFound)
            let acknowledged = try await p.call(.post, "/api/v1/alerts/\(id)/acknowledge", token: expert)
            #expect(acknowledged.status == .ok && acknowledged.json["acknowledgedBy"]?.string == "expert", "\(acknowledged)")
            #expect(try await p.call(.get, "/api/v1/fleet", token: expert).json["alerts"]?.int == 0)
            #expect(try await p.call(.get, "/api/v1/fleet", token: try await p.operatorToken()).json["alerts"]?.int == 0)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aMACTypedWrongIsFoundBesideThePhoneItWasMeantToBe(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let expert = try await ProvisioningTests.setUp(p)
            let other = try await p.reseller("autre", name: "Autre")
            let op = try await p.operatorToken()
            // Registered with one digit wrong (…1C:1C); the real CP920 (…1C:1B) asks for its file.
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: expert, json: #"{"mac":"80:5E:C0:02:1C:1C","model":"yealink-cp920","sda":"0970192349"}"#).status == .created)
            let cp920 = Self.agents["yealink-cp920"]!
            #expect(try await ProvisioningTests.fetch(p, "805ec0021c1b.cfg", ua: cp920.ua).status == .unauthorized)
            #expect(try await ProvisioningTests.fetch(p, "805ec0021c1b.cfg", ua: cp920.ua).status == .unauthorized)
            // And a MAC near nobody (a scanner's guess).
            #expect(try await ProvisioningTests.fetch(p, "001122334455.cfg", ua: nil).status == .unauthorized)

            let mine = try await p.call(.get, "/api/v1/fleet/unknown", token: expert)
            #expect(mine.status == .ok, "\(mine)")
            #expect(mine.items.count == 1)
            let entry = try #require(mine.items.first)
            #expect(entry["mac"]?.string == "80:5E:C0:02:1C:1B" && entry["requests"]?.int == 2 && entry["lastIP"]?.string == "127.0.0.1" && entry["userAgent"]?.string == cp920.ua)
            #expect(entry["near"] == .array([.object(["mac": .string("80:5E:C0:02:1C:1C"), "customer": .string("10000"), "sda": .string("0970192349")])]), "\(entry)")
            // The operator sees both; another reseller neither.
            #expect(Set(try await p.call(.get, "/api/v1/fleet/unknown", token: op).items.compactMap { $0["mac"]?.string }) == ["80:5E:C0:02:1C:1B", "00:11:22:33:44:55"])
            #expect(try await p.call(.get, "/api/v1/fleet/unknown", token: other).items.isEmpty)
            // A swap of two neighbouring digits is a slip too (…C1:1C for …1C:1C).
            #expect(try await ProvisioningTests.fetch(p, "805ec002c11c.cfg", ua: nil).status == .unauthorized)
            #expect(try await p.call(.get, "/api/v1/fleet/unknown", token: expert).items.compactMap { $0["mac"]?.string } == ["80:5E:C0:02:1C:1B", "80:5E:C0:02:C1:1C"])
            // Corrected (the replacement: the record kept, a fresh window), the MAC is no longer unknown.
            #expect(try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1C", token: expert, json: #"{"mac":"80:5E:C0:02:1C:1B"}"#).status == .ok)
            #expect(try await ProvisioningTests.fetch(p, "805ec0021c1b.cfg", ua: cp920.ua).status == .ok)
            #expect(try await p.call(.get, "/api/v1/fleet/unknown", token: expert).items.compactMap { $0["mac"]?.string } == [])
        }
    }
}
