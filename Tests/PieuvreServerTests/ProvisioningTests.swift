import Foundation
import Hummingbird
import HTTPTypes
import PhoneCatalog
import PieuvreCore
@testable import PieuvreServer
@testable import PieuvreStore
import Testing

/// The phone-facing side through real HTTP, with the User-Agents real phones send.
@Suite struct ProvisioningTests {
    static let agents: [String: (ua: String, mac: String)] = [
        "yealink-cp920": ("Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b", "80:5E:C0:02:1C:1B"),
        "yealink-cp960": ("Yealink CP960 73.85.0.5 80:5e:c0:02:1c:2c", "80:5E:C0:02:1C:2C"),
        "yealink-cp860": ("Yealink CP860 37.81.0.10 00:15:65:8a:37:86", "00:15:65:8A:37:86"),
        "yealink-t41p": ("Yealink SIP-T41P 36.83.0.35 00:15:65:7a:1d:b8", "00:15:65:7A:1D:B8"),
        "yealink-t42g": ("Yealink SIP-T42G 29.83.0.120 00:15:65:a7:57:e6", "00:15:65:A7:57:E6"),
        "yealink-t46g": ("Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99", "00:15:65:82:0B:99"),
        "yealink-t48g": ("Yealink SIP-T48G 35.83.0.120 00:15:65:9b:8f:77", "00:15:65:9B:8F:77"),
        "yealink-w52p": ("Yealink W52P 25.81.0.60 00:15:65:96:4c:c4", "00:15:65:96:4C:C4"),
        "snom-d725": ("Mozilla/4.0 (compatible; snom725-SIP 10.1.175.16 2010.12-00001-gd311851f1 0004137823D0 SXM:0 UXM:0)", "00:04:13:78:23:D0"),
        "snom-d765": ("Mozilla/4.0 (compatible; snomD765-SIP 10.1.54.13 2010.12-00004-g9ba52f5 000413900859 SXM:0 UXM:0)", "00:04:13:90:08:59"),
    ]

    /// Reseller, customer 10000 and line 0970192349 with a known SIP password.
    static func setUp(_ p: TestPlatform) async throws -> String {
        let reseller = try await p.reseller()
        try await p.seedCustomer(token: reseller)
        try await p.createLine(token: reseller, sda: "0970192349", name: "Salle de conférence", extra: #","department":"Clichy","sipPassword":"sip-secret-0192""#)
        return reseller
    }

    static func fetch(_ p: TestPlatform, _ file: String, ua: String?, authorization: String? = nil) async throws -> TestPlatform.Reply {
        var headers = HTTPFields()
        if let ua { headers[.userAgent] = ua }
        if let authorization { headers[.authorization] = authorization }
        return try await p.call(.get, "/sip-ps/\(file)", headers: headers)
    }

    static func value(_ text: String, _ key: String) -> String? {
        if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("\(key) = ") }) { return String(line.dropFirst(key.count + 3)) }
        if let range = text.range(of: "<\(key) perm=\"R\">"), let end = text[range.upperBound...].range(of: "</") { return String(text[range.upperBound..<end.lowerBound]) }
        return nil
    }

    /// What a phone sends back to a digest challenge.
    static func digest(_ challenge: String, user: String, password: String, uri: String, nc: String = "00000001", cnonce: String = "0a4f113b") -> String {
        let fields = DigestAuthenticator.parse(String(challenge.dropFirst("Digest ".count)))
        let nonce = fields["nonce"]!
        let ha1 = DigestAuthenticator.md5("\(user):\(fields["realm"]!):\(password)")
        let ha2 = DigestAuthenticator.md5("GET:\(uri)")
        let response = DigestAuthenticator.md5("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
        return "Digest username=\"\(user)\", realm=\"\(fields["realm"]!)\", nonce=\"\(nonce)\", uri=\"\(uri)\", algorithm=MD5, response=\"\(response)\", qop=auth, nc=\(nc), cnonce=\"\(cnonce)\", opaque=\"\(fields["opaque"] ?? "")\""
    }

    /// A first contact answers from the record it read with the credentials just drawn, and puts
    /// the phone's record back in the cache off the request's path: a rollout leaves the fleet
    /// cached (the next fetch is a hit, with the same credentials).
    @Test func aFirstContactLeavesThePhoneCached() async throws {
        try await TestPlatform.run(.sqlite) { p in
            let reseller = try await Self.setUp(p)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","sda":"0970192349"}"#)
            let mac = try MACAddress(parsing: "00:15:65:82:0B:99")
            let first = try await Self.fetch(p, "001565820b99.cfg", ua: "Yealink SIP-T46G 28.86.0.15 00:15:65:82:0b:99")
            let password = try #require(Self.value(first.text, "static.auto_provision.server.password"))
            var cached = false
            for _ in 0..<750 where !cached {
                cached = p.phones.files.isCached(mac)
                if !cached { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(cached, "the record is cached again after the first contact")
            let second = try await Self.fetch(p, "001565820b99.cfg", ua: "Yealink SIP-T46G 28.86.0.15 00:15:65:82:0b:99")
            #expect(Self.value(second.text, "static.auto_provision.server.password") == password)
        }
    }

    /// A V80 Yealink reads its device credentials without `static.` (or never learns them and
    /// is locked out when its window closes); a V86 reads the `static.` names; TFTP (no
    /// User-Agent) gets both. The phone then authenticates with what it read.
    @Test func olderYealinkFirmwareGetsTheNamesItReads() async throws {
        try await TestPlatform.run(.sqlite) { p in
            let reseller = try await Self.setUp(p)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","sda":"0970192349"}"#)
            let v80 = try await Self.fetch(p, "001565820b99.cfg", ua: "Yealink SIP-T46G 28.80.0.95 00:15:65:82:0b:99")
            #expect(v80.status == .ok)
            let password = try #require(Self.value(v80.text, "auto_provision.server.password"))
            #expect(Self.value(v80.text, "static.auto_provision.server.password") == nil && !v80.text.contains("\nstatic."))
            let v86 = try await Self.fetch(p, "001565820b99.cfg", ua: "Yealink SIP-T46G 28.86.0.15 00:15:65:82:0b:99")
            #expect(Self.value(v86.text, "static.auto_provision.server.password") == password && Self.value(v86.text, "auto_provision.server.password") == nil)
            let common = try await Self.fetch(p, "y000000000028.cfg", ua: "Yealink SIP-T46G 28.80.0.95 00:15:65:82:0b:99")
            #expect(Self.value(common.text, "auto_provision.server.url") == "https://portail.metacentrex.fr/sip-ps/")
            let tftp = try await p.phones.files.answer(PhoneFiles.Request(fileName: "001565820b99.cfg", path: "001565820b99.cfg", userAgent: nil, authorization: nil, sourceIP: "127.0.0.1", transport: "tftp"))
            guard case let .file(file) = tftp else { Issue.record("TFTP: \(tftp)"); return }
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(Self.value(text, "static.auto_provision.server.password") == password && Self.value(text, "auto_provision.server.password") == password)
        }
    }

    /// A database that fails a phone's lookup (here: its table gone) gives the phone a 503 with
    /// Retry-After, which phones retry, never a 500; the server keeps answering.
    @Test(arguments: TestDatabase.all)
    func aFailingDatabaseIsAServiceUnavailableNeverA500(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            _ = try await Self.setUp(p)
            try await p.store.storage.sql.raw("ALTER TABLE phones RENAME TO phones_away").run()
            let reply = try await Self.fetch(p, "001565abcdef.cfg", ua: "Yealink SIP-T46G 28.86.0.15 00:15:65:ab:cd:ef")
            #expect(reply.status == .serviceUnavailable, "\(reply)")
            #expect(reply.headers[.retryAfter] == "10" && reply.text.contains("try again"))
            try await p.store.storage.sql.raw("ALTER TABLE phones_away RENAME TO phones").run()
            #expect(try await Self.fetch(p, "y000000000028.cfg", ua: nil).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.all)
    func everyModelGetsItsFilesInsideTheWindow(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await Self.setUp(p)
            for model in Catalogue.models {
                let (ua, mac) = Self.agents[model.id]!
                let created = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(mac)","model":"\#(model.id)","sda":"0970192349"}"#)
                #expect(created.status == .created, "\(created)")

                let common = try await Self.fetch(p, model.commonFileName, ua: ua)
                #expect(common.status == .ok, "\(model.id) common")
                #expect(common.text.contains("https://portail.metacentrex.fr/sip-ps/"))
                #expect(!common.text.contains("sip-secret-0192"))

                let hex = mac.replacingOccurrences(of: ":", with: "")
                let deviceName = model.vendor == .snom ? "\(model.snomType!)-\(hex).htm" : "\(hex.lowercased()).cfg"
                let device = try await Self.fetch(p, deviceName, ua: ua)
                #expect(device.status == .ok, "\(model.id) device: \(device)")
                #expect(device.text.contains("sip-secret-0192"), "\(model.id) carries the line's account")
                #expect(device.text.contains("sip.metacentrex.fr"))
                #expect(Self.value(device.text, model.vendor == .snom ? "http_client_user" : "static.auto_provision.server.username") == hex.lowercased())
                let password = try #require(Self.value(device.text, model.vendor == .snom ? "http_client_pass" : "static.auto_provision.server.password"))
                #expect(password.count >= 22, "at least 128 bits")
                // MAC in the file name in any case.
                if model.vendor == .yealink {
                    #expect(try await Self.fetch(p, hex.uppercased() + ".cfg", ua: ua).text == device.text)
                    let boot = try await Self.fetch(p, "y000000000000.boot", ua: ua)
                    #expect(boot.status == .ok)
                    #expect(boot.text.contains("include:config \"\(model.commonFileName)\"") && boot.text.contains("include:config \"\(hex.lowercased()).cfg\""))
                    #expect(try await Self.fetch(p, "\(hex.lowercased()).boot", ua: ua).status == .notFound)
                    #expect(try await Self.fetch(p, "\(hex.lowercased())-local.cfg", ua: ua).status == .notFound)
                    #expect(try await Self.fetch(p, "\(hex.lowercased())-contact.xml", ua: ua).status == .notFound)
                }
            }
            #expect(try await Self.fetch(p, "y000000000000.boot", ua: nil).status == .notFound, "no User-Agent: the phone falls back to its common and MAC files")
        }
    }

    /// A phone that boots fetches its files on several connections at once: every first fetch
    /// of the window gets the one set of credentials that stays valid (before, each fetch issued
    /// its own, and the phone kept one already replaced: 401 for ever once the window closed).
    @Test(arguments: TestDatabase.all)
    func concurrentFirstFetchesShareOneSetOfCredentials(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await Self.setUp(p)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            let ua = Self.agents["yealink-cp920"]!.ua
            let passwords = try await withThrowingTaskGroup(of: String?.self) { group in
                // Straight to the phone-facing core: the test client sends its requests one by one.
                for _ in 0..<8 {
                    group.addTask {
                        let answer = try await p.phones.files.answer(PhoneFiles.Request(fileName: "805ec0021c1b.cfg", path: "/sip-ps/805ec0021c1b.cfg", userAgent: ua, authorization: nil, sourceIP: "192.0.2.10"))
                        guard case let .file(file) = answer else { return nil }
                        return Self.value(String(decoding: file.bytes, as: UTF8.self), "static.auto_provision.server.password")
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(passwords.count == 8 && passwords.allSatisfy { $0 != nil })
            #expect(Set(passwords.compactMap { $0 }).count == 1, "one set of credentials per window: \(Set(passwords.compactMap { $0 }).count) were served")
            // After the window, the set every fetch received opens the file.
            p.clock.advance(by: 49 * 3600)
            let challenge = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            let header = try #require(challenge.headers[.wwwAuthenticate])
            let password = try #require(passwords.first ?? nil)
            let answer = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: Self.digest(header, user: "805ec0021c1b", password: password, uri: "/sip-ps/805ec0021c1b.cfg"))
            #expect(answer.status == .ok)
        }
    }

    /// Behind a load balancer named by --trusted-proxies, a phone's address is the one the
    /// balancer forwards; without it, a header a client sends itself changes nothing.
    @Test(arguments: [true, false])
    func theClientAddressBehindATrustedBalancer(_ trusted: Bool) async throws {
        try await TestPlatform.run(.sqlite, trustedProxies: trusted ? [CIDR("127.0.0.1/32")!] : []) { p in
            let reseller = try await Self.setUp(p)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            var headers = HTTPFields()
            headers[.userAgent] = Self.agents["yealink-cp920"]!.ua
            headers[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.9"
            #expect(try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers).status == .ok)
            let phone = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller)
            #expect(phone.json["authenticatedIP"]?.string == (trusted ? "203.0.113.9" : "127.0.0.1"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func credentialsAreIssuedOnceAndRotatedWhenTheWindowReopens(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await Self.setUp(p)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            let ua = Self.agents["yealink-cp920"]!.ua
            let first = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            let again = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            #expect(first.text == again.text, "the same file while the window stays open: the phone's MD5 check skips it")
            let password = try #require(Self.value(first.text, "static.auto_provision.server.password"))

            let phone = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller)
            #expect(phone.json["authenticatedAt"]?.string == "2026-11-18T11:06:40Z")
            #expect(phone.json["authenticatedIP"]?.string == "127.0.0.1")
            #expect(phone.json["firmware"]?.string == "78.86.0.15")
            #expect(phone.json["authenticatedUserAgent"]?.string == ua)
            #expect(!phone.text.contains(password), "the API never shows device credentials")

            // Re-opened ("next hour"): the next fetch by MAC alone gets new credentials.
            p.clock.advance(by: 60)
            try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller, json: #"{"authorizeNextHour":true}"#)
            let rotated = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            let newPassword = try #require(Self.value(rotated.text, "static.auto_provision.server.password"))
            #expect(newPassword != password)

            // After the window, the old password is refused and the new one accepted.
            p.clock.advance(by: 2 * 3600)
            let challenge = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            let header = try #require(challenge.headers[.wwwAuthenticate])
            let old = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: Self.digest(header, user: "805ec0021c1b", password: password, uri: "/sip-ps/805ec0021c1b.cfg"))
            #expect(old.status == .unauthorized)
            let new = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: Self.digest(header, user: "805ec0021c1b", password: newPassword, uri: "/sip-ps/805ec0021c1b.cfg", nc: "00000002"))
            #expect(new.status == .ok)
            #expect(new.text == rotated.text)
        }
    }

    @Test(arguments: TestDatabase.all)
    func outsideTheWindowOnlyDigestWithTheDeviceCredentialsIsServed(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await Self.setUp(p)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            let ua = Self.agents["yealink-cp920"]!.ua
            let inside = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            let password = try #require(Self.value(inside.text, "static.auto_provision.server.password"))

            p.clock.advance(by: 49 * 3600)
            let refused = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua)
            #expect(refused.status == .unauthorized)
            let header = try #require(refused.headers[.wwwAuthenticate])
            #expect(header.hasPrefix("Digest realm=\"pieuvre\", qop=\"auth\", algorithm=MD5, nonce="))
            #expect(!refused.text.contains("sip-secret") && !refused.text.contains(password), "a refusal holds no secret")

            let uri = "/sip-ps/805ec0021c1b.cfg"
            let answer = Self.digest(header, user: "805ec0021c1b", password: password, uri: uri)
            let ok = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: answer)
            #expect(ok.status == .ok)
            #expect(ok.text == inside.text)

            #expect(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: answer).status == .unauthorized, "a replayed answer is refused")
            // Another challenge in the same second is a nonce of its own: its count 1 is fresh.
            let second = try #require(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua).headers[.wwwAuthenticate])
            #expect(second != header)
            #expect(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: Self.digest(second, user: "805ec0021c1b", password: password, uri: uri)).status == .ok)
            let next = Self.digest(header, user: "805ec0021c1b", password: password, uri: uri, nc: "00000002")
            #expect(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: next).status == .ok, "the next count on the same nonce is fine")
            let wrong = Self.digest(header, user: "805ec0021c1b", password: "not-the-password", uri: uri, nc: "00000003")
            #expect(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: wrong).status == .unauthorized)
            let otherFile = Self.digest(header, user: "805ec0021c1b", password: password, uri: "/sip-ps/y000000000078.cfg", nc: "00000004")
            #expect(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: otherFile).status == .unauthorized, "the answer must name this file")
            let forged = header.replacingOccurrences(of: "nonce=\"", with: "nonce=\"1")
            #expect(try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: Self.digest(forged, user: "805ec0021c1b", password: password, uri: uri)).status == .unauthorized, "a nonce the server did not sign")
            // An old nonce with the right password: stale, so the phone retries at once.
            p.clock.advance(by: 600)
            let stale = try await Self.fetch(p, "805ec0021c1b.cfg", ua: ua, authorization: Self.digest(header, user: "805ec0021c1b", password: password, uri: uri, nc: "00000009"))
            #expect(stale.status == .unauthorized)
            #expect(stale.headers[.wwwAuthenticate]?.hasSuffix("stale=true") == true)

            let fresh = try await p.login("expert", "reseller-pass-1")  // the clock moved past the session
            let events = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B/events", token: fresh)
            let outcomes = events.items.compactMap { $0["outcome"]?.string }
            // Four fetches served; identical ones waiting together are one row counting them.
            #expect(events.items.filter { $0["outcome"]?.string == "served" }.reduce(0) { $0 + ($1["count"]?.int ?? 1) } == 4)
            #expect(outcomes.contains("window closed") && outcomes.contains("bad credentials"))
            #expect(events.items.first?["sourceIP"]?.string == "127.0.0.1")
            #expect(events.items.first?["userAgent"]?.string == ua)
            let customerEvents = try await p.call(.get, "/api/v1/customers/10000/events", token: fresh)
            #expect(customerEvents.items.count == outcomes.count)
        }
    }

    @Test(arguments: TestDatabase.all)
    func mismatchedUnknownAndUnassignedPhones(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await Self.setUp(p)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g"}"#)

            let mismatch = try await Self.fetch(p, "805ec0021c1b.cfg", ua: "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99")
            #expect(mismatch.status == .forbidden)
            #expect(!mismatch.text.contains("sip-secret"))

            // An unknown MAC answers exactly like a registered phone whose window is closed.
            _ = try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller, json: #"{"authenticateUntil":"2020-01-01T00:00:00Z"}"#)
            let closed = try await Self.fetch(p, "805ec0021c1b.cfg", ua: "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b")
            let unknown = try await Self.fetch(p, "805ec0021c1c.cfg", ua: "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1c")
            let far = try await Self.fetch(p, "001122334455.cfg", ua: nil)
            for reply in [unknown, far] {
                #expect(reply.status == closed.status && reply.status == .unauthorized)
                #expect(reply.text == closed.text && reply.headers[.contentType] == closed.headers[.contentType])
                let shape = { (r: TestPlatform.Reply) in r.headers[.wwwAuthenticate]?.replacingOccurrences(of: #"nonce="[^"]*""#, with: "nonce", options: .regularExpression) }
                #expect(shape(reply) == shape(closed) && shape(reply) != nil)
            }
            // The boot file does not depend on registration either.
            let bootKnown = try await Self.fetch(p, "y000000000000.boot", ua: "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b")
            let bootUnknown = try await Self.fetch(p, "y000000000000.boot", ua: "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1c")
            #expect(bootKnown.status == .ok && bootUnknown.status == .ok)
            #expect(bootKnown.text.replacingOccurrences(of: "805ec0021c1b", with: "805ec0021c1c") == bootUnknown.text)
            #expect(try await Self.fetch(p, "..%2F..%2Fetc%2Fpasswd", ua: nil).status == .notFound)
            // Found by fuzzing: this name used to trap the file-name router (the whole server).
            #expect(try await Self.fetch(p, "snom.htm", ua: nil).status == .notFound)
            #expect(try await Self.fetch(p, "y000000000078.cfg", ua: nil).status == .ok, "and the server is still there")

            let unassigned = try await Self.fetch(p, "001565820b99.cfg", ua: "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99")
            #expect(unassigned.status == .ok)
            #expect(unassigned.text.contains("account.1.enable = 0"))
            #expect(!unassigned.text.contains("sip-secret"))
            // The first contact is a sighting, written with the credentials (no journal flush).
            let seen = try await p.call(.get, "/api/v1/phones/00:15:65:82:0B:99", token: reseller)
            #expect(seen.json["lastSeenIP"]?.string == "127.0.0.1" && seen.json["detectedModel"]?.string == "yealink-t46g" && seen.json["lastSeenAt"]?.string != nil, "\(seen)")

            // The phone said it is a CP920 while registered as a T46G: flagged.
            try await Self.fetch(p, "001565820b99.cfg", ua: "Yealink SIP-CP920 78.86.0.15 00:15:65:82:0b:99")
            await p.phones.journal.flush()
            let flagged = try await p.call(.get, "/api/v1/phones/00:15:65:82:0B:99", token: reseller)
            #expect(flagged.json["detectedModel"]?.string == "yealink-cp920")
            #expect(flagged.json["modelMismatch"]?.bool == true)
            #expect(flagged.json["lastSeenIP"]?.string == "127.0.0.1")
            let events = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B/events", token: reseller)
            #expect(events.items.contains { $0["outcome"]?.string == "MAC mismatch" && $0["transport"]?.string == "http" })
        }
    }

    @Test(arguments: TestDatabase.all)
    func settingsLayersResolveLockAndReachTheFile(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await Self.setUp(p)
            try await p.createLine(token: reseller, sda: "0970711111", extra: #","administrator":true,"portalPassword":"admin-line-pass""#)
            try await p.call(.patch, "/api/v1/lines/0970192349", token: reseller, json: #"{"portalPassword":"user-line-pass"}"#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","sda":"0970192349"}"#)
            let admin = try await p.login("0970711111", "admin-line-pass")
            let user = try await p.login("0970192349", "user-line-pass")

            // The administrator sets the customer's language and locks DND off for everyone.
            let customer = try await p.call(.put, "/api/v1/customers/10000/settings", token: admin, json: #"{"values":{"preferences.language":"english","features.dnd.enabled":false},"locked":["features.dnd.enabled"]}"#)
            #expect(customer.status == .ok, "\(customer)")
            #expect(customer.json["values"]?["preferences.language"]?.string == "English")
            // The Clichy department (the line's) picks a ringtone.
            #expect(try await p.call(.put, "/api/v1/customers/10000/departments/Clichy/settings", token: admin, json: #"{"values":{"preferences.ringtone":"Ring4"}}"#).status == .ok)

            // The user: a soft key and a ringtone are theirs; DND is locked; the first line key
            // (the one carrying the line) is admin-only.
            let soft = try await p.call(.put, "/api/v1/lines/0970192349/settings", token: user, json: #"{"values":{"keys.soft.1.type":"speed_dial","keys.soft.1.value":"0970711111","keys.soft.1.label":"Accueil","preferences.ringtone":"Ring6","directory.commPortal.password":"mon_mot_de_pass"}}"#)
            #expect(soft.status == .ok, "\(soft)")
            #expect(soft.json["values"]?["directory.commPortal.password"]?.string == "********", "secrets are masked")
            let locked = try await p.call(.put, "/api/v1/lines/0970192349/settings", token: user, json: #"{"values":{"features.dnd.enabled":true}}"#)
            #expect(locked.status == .forbidden)
            #expect(locked.error == "setting features.dnd.enabled is locked by the customer settings")
            let adminOnly = try await p.call(.put, "/api/v1/lines/0970192349/settings", token: user, json: #"{"values":{"keys.line.1.type":"blf"}}"#)
            #expect(adminOnly.status == .forbidden)
            #expect(adminOnly.error == "setting keys.line.1.type may be changed by an administrator or above, not a user")
            // A speed dial's value is a number: a name is refused, with its code.
            let name = try await p.call(.put, "/api/v1/lines/0970192349/settings", token: user, json: #"{"values":{"keys.soft.1.type":"speed_dial","keys.soft.1.value":"Jean"}}"#)
            #expect(name.status == .unprocessableContent)
            #expect(name.json["code"]?.string == "key-value")
            let unknown = try await p.call(.put, "/api/v1/lines/0970192349/settings", token: user, json: #"{"values":{"keys.turbo":"1"}}"#)
            #expect(unknown.status == .unprocessableContent)
            let invalid = try await p.call(.put, "/api/v1/lines/0970192349/settings", token: user, json: #"{"values":{"preferences.ringtone":"Ring9"}}"#)
            #expect(invalid.error?.hasPrefix("preferences.ringtone 'Ring9' is not one of") == true)
            #expect(try await p.call(.put, "/api/v1/customers/10000/settings", token: user, json: #"{"values":{}}"#).status == .forbidden)
            #expect(try await p.call(.put, "/api/v1/platform/settings", token: admin, json: #"{"values":{"sip.port":"5080"}}"#).status == .forbidden)
            #expect(try await p.call(.put, "/api/v1/platform/settings", token: try await p.operatorToken(), json: #"{"values":{"sip.port":"5080"}}"#).status == .ok)

            // The phone layer shows where each effective value comes from.
            let effective = try await p.call(.get, "/api/v1/phones/00:15:65:82:0B:99/settings", token: admin)
            #expect(effective.json["effective"]?["preferences.language"]?["source"]?.string == "customer")
            #expect(effective.json["effective"]?["preferences.ringtone"]?["value"]?.string == "Ring6")
            #expect(effective.json["effective"]?["preferences.ringtone"]?["source"]?.string == "line")
            #expect(effective.json["effective"]?["features.dnd.enabled"]?["lockedBy"]?.string == "customer")
            #expect(effective.json["effective"]?["directory.commPortal.password"]?["value"]?.string == "********")
            #expect(effective.json["lockedAbove"]?["features.dnd.enabled"]?.string == "customer")

            let file = try await Self.fetch(p, "001565820b99.cfg", ua: Self.agents["yealink-t46g"]!.ua)
            #expect(file.text.contains("lang.gui = English"))
            #expect(file.text.contains("phone_setting.ring_type = Resource:Ring6.wav"))
            #expect(file.text.contains("programablekey.1.type = 13\nprogramablekey.1.line = 1\nprogramablekey.1.value = 0970711111\nprogramablekey.1.label = Accueil"))
            #expect(file.text.contains("features.dnd.enable = 0"))
            #expect(file.text.contains("account.1.sip_server.1.port = 5080"))

            // Changes reach the next fetch at once (the cache follows every change).
            try await p.call(.put, "/api/v1/customers/10000/settings", token: admin, json: #"{"values":{"preferences.language":"German","features.dnd.enabled":false},"locked":["features.dnd.enabled"]}"#)
            #expect(try await Self.fetch(p, "001565820b99.cfg", ua: Self.agents["yealink-t46g"]!.ua).text.contains("lang.gui = German"))
            let catalogue = try await p.call(.get, "/api/v1/settings/catalogue", token: user)
            #expect(catalogue.json.array.contains { $0["key"]?.string == "keys.soft.1.type" && $0["editRole"]?.string == "user" })
        }
    }
}
