import Foundation
import Hummingbird
import Testing

/// The user's half through the API and the phone-facing URLs: the settings a line's user may
/// change, personal contacts, the Network Contacts books, and a replaced phone.
@Suite struct UserSideAPITests {
    static let cp920UA = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"

    /// Customer 10000 with the seed's line 0970711005 (a CP920 on it), another line with its
    /// own user, and an administrator; a second reseller with its own customer.
    static func setUp(_ p: TestPlatform) async throws -> (reseller: String, user: String, other: String, admin: String) {
        let reseller = try await p.reseller()
        try await p.seedCustomer(token: reseller)
        try await p.createLine(token: reseller, sda: "0970711005", name: "Salle St Avertin", extra: #","department":"St_Avertin","portalPassword":"mon_mot_de_pass""#)
        try await p.createLine(token: reseller, sda: "0222969569", name: "Accueil Nantes", extra: #","department":"Nantes","portalPassword":"nantes-secret""#)
        try await p.createLine(token: reseller, sda: "0970711111", name: "Administrateur", extra: #","administrator":true,"portalPassword":"admin-line-pass""#)
        let phone = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970711005"}"#)
        guard phone.status == .created else { throw TestFailure("phone: \(phone)") }
        return (reseller, try await p.login("0970711005", "mon_mot_de_pass"), try await p.login("0222969569", "nantes-secret"), try await p.login("0970711111", "admin-line-pass"))
    }

    @Test(arguments: TestDatabase.all)
    func aLinesUserChangesTheirPhonesUnlockedUserSettings(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await Self.setUp(p)
            // The administrator locks a key for the whole customer.
            let lock = try await p.call(.put, "/api/v1/customers/10000/settings", token: t.admin, json: #"{"values":{"keys.soft.3.type":"dnd"},"locked":["keys.soft.3.type"]}"#)
            #expect(lock.status == .ok, "\(lock)")

            let read = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.user)
            #expect(read.status == .ok, "\(read)")
            #expect(read.json["lockedAbove"]?["keys.soft.3.type"]?.string == "customer")

            let put = try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.user, json: #"{"values":{"keys.soft.2.type":"speed_dial","keys.soft.2.value":"0970716831","keys.soft.2.label":"Bureau"}}"#)
            #expect(put.status == .ok, "\(put)")
            #expect(put.json["effective"]?["keys.soft.2.type"]?["value"]?.string == "speed_dial")
            // Locked above, above the user's role, or a lock: refused, naming why.
            let locked = try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.user, json: #"{"values":{"keys.soft.3.type":"none"}}"#)
            #expect(locked.status == .forbidden)
            #expect(locked.error?.contains("locked by the customer") == true)
            #expect(try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.user, json: #"{"values":{"preferences.timeZone":"Europe/London"}}"#).status == .forbidden)
            #expect(try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.user, json: #"{"values":{},"locked":["keys.soft.2.type"]}"#).status == .forbidden)
            // The line layer too.
            #expect(try await p.call(.put, "/api/v1/lines/0970711005/settings", token: t.user, json: #"{"values":{"line.1.label":"Salle"}}"#).status == .ok)

            // The change reaches the phone's next fetch (inside its window: MAC alone).
            var headers = HTTPFields()
            headers[.userAgent] = Self.cp920UA
            let file = try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers)
            #expect(file.text.contains("programablekey.2.type = 13"))
            #expect(file.text.contains("programablekey.2.value = 0970716831"))
            #expect(file.text.contains("programablekey.3.type = 5"))

            // Another line's user: not found, for reading and for writing.
            #expect(try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.other).status == .notFound)
            #expect(try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.other, json: #"{"values":{}}"#).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/settings", token: t.other).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func personalContactsThroughTheAPI(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await Self.setUp(p)
            let created = try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"Aurélie Dupont","numbers":[{"label":"mobile","number":"+33 6 12 34 56 78"},{"number":"01.23.45.67.89"}]}"#)
            #expect(created.status == .created, "\(created)")
            #expect(created.json["numbers"]?[0]?["number"]?.string == "0612345678", "+33 becomes the national form")
            #expect(created.json["numbers"]?[1]?["label"]?.string == "work")
            let id = try #require(created.json["id"]?.string)

            let bad = try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"X","numbers":[{"label":"fax","number":"0123456789"}]}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.error?.contains("numbers[0].label") == true)
            #expect(try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"X","numbers":[{"number":"12"}]}"#).status == .unprocessableContent)
            #expect(try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"X","numbers":"0123456789"}"#).status == .badRequest)

            let patched = try await p.call(.patch, "/api/v1/lines/0970711005/contacts/\(id)", token: t.user, json: #"{"name":"Aurélie Martin"}"#)
            #expect(patched.json["name"]?.string == "Aurélie Martin")
            #expect(patched.json["numbers"]?.array.count == 2)

            // Import: CSV rows of one name make one contact; vCard 3.0 and 4.0.
            let csv = "name,number,label\nBruno,0612000001,mobile\nBruno,0140000001,work\nChloé,+33140000002,\n"
            let imported = try await p.call(.post, "/api/v1/lines/0970711005/contacts/import", token: t.user, body: csv, contentType: "text/csv")
            #expect(imported.status == .created, "\(imported)")
            #expect(imported.json["created"]?.int == 2)
            let vcard = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Denis\r\nTEL;TYPE=CELL:06 12 00 00 03\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Émilie\r\n  Roux\r\nTEL;VALUE=uri;TYPE=\"voice,home\":tel:+33-1-40-00-00-04\r\nEND:VCARD\r\n"
            let vc = try await p.call(.post, "/api/v1/lines/0970711005/contacts/import", token: t.user, body: vcard, contentType: "text/vcard")
            #expect(vc.json["created"]?.int == 2, "\(vc)")
            // All or nothing, every bad line named.
            let badCSV = "name,number,label\nOk,0612000009,mobile\n,0612000010,\nBad,123,\n"
            let refused = try await p.call(.post, "/api/v1/lines/0970711005/contacts/import", token: t.user, body: badCSV, contentType: "text/csv")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.json["lines"]?.array.map { $0["line"]?.int } == [3, 4])

            let all = try await p.call(.get, "/api/v1/lines/0970711005/contacts", token: t.user)
            #expect(all.json["items"]?.array.count == 5)
            #expect(all.json["next"]?.isNull == true)
            #expect(all.json["items"]?[4]?["name"]?.string == "Émilie Roux", "vCard folding joins lines; sorted without accents")
            // Search in the database: by name without accents, by a number fragment.
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts?q=emilie", token: t.user).json["items"]?.array.count == 1)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts?q=06%2012%2000", token: t.user).json["items"]?.array.count == 2)
            // Paging: complete and without repeats.
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await p.call(.get, "/api/v1/lines/0970711005/contacts?limit=2" + (cursor.map { "&cursor=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""), token: t.user)
                seen += page.json["items"]?.array.compactMap { $0["id"]?.string } ?? []
                cursor = page.json["next"]?.string
            } while cursor != nil
            #expect(seen.count == 5 && Set(seen).count == 5)

            // The customer's administrator and its reseller may; another line's user, another
            // reseller and the operator get 404.
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts", token: t.admin).status == .ok)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts", token: t.reseller).status == .ok)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts", token: t.other).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts/\(id)", token: t.other).status == .notFound)
            #expect(try await p.call(.delete, "/api/v1/lines/0970711005/contacts/\(id)", token: t.other).status == .notFound)
            let rival = try await p.reseller("rival", name: "Rival")
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts", token: rival).status == .notFound)
            #expect(try await p.call(.post, "/api/v1/lines/0970711005/contacts/import", token: rival, body: csv, contentType: "text/csv").status == .notFound)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts", token: try await p.operatorToken()).status == .notFound)

            #expect(try await p.call(.delete, "/api/v1/lines/0970711005/contacts/\(id)", token: t.user).status == .noContent)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts/\(id)", token: t.user).status == .notFound)

            // Deleting the line deletes its contacts, in the audit log.
            #expect(try await p.call(.delete, "/api/v1/lines/0970711005", token: t.reseller).status == .noContent)
            let audit = try await p.call(.get, "/api/v1/audit?limit=100", token: try await p.operatorToken())
            #expect(audit.items.contains { $0["action"]?.string == "contact.delete" && $0["object"]?.string == "0970711005" })
        }
    }

    /// The first fetch inside the window issues the device credentials; the device file names
    /// the books with them as userinfo.
    static func books(_ p: TestPlatform) async throws -> (extensions: URLComponents, contacts: URLComponents) {
        var headers = HTTPFields()
        headers[.userAgent] = cp920UA
        let file = try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers).text
        let urls = file.split(separator: "\n").filter { $0.hasPrefix("remote_phonebook.data.") && $0.contains(".url = ") }.map { String($0.split(separator: " = ", maxSplits: 1)[1]) }
        #expect(file.contains("remote_phonebook.data.1.name = Extensions"))
        #expect(file.contains("remote_phonebook.data.2.name = Contacts"))
        guard urls.count == 2, let e = URLComponents(string: urls[0].replacingOccurrences(of: "#SEARCH", with: "")),
              let c = URLComponents(string: urls[1].replacingOccurrences(of: "#SEARCH", with: "")) else { throw TestFailure("book URLs: \(urls)") }
        return (e, c)
    }

    static func get(_ p: TestPlatform, _ url: URLComponents, q: String = "", user: String? = nil, password: String? = nil) async throws -> TestPlatform.Reply {
        var headers = HTTPFields()
        headers[.userAgent] = cp920UA
        if let user = user ?? url.user, let password = password ?? url.password {
            headers[.authorization] = "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
        }
        let query = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        return try await p.call(.get, url.path + "?q=" + query, headers: headers)
    }

    @Test(arguments: TestDatabase.all)
    func networkContactsBooksOpenWithThePhonesOwnCredentialsOnly(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await Self.setUp(p)
            _ = try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"Aurélie Dupont","numbers":[{"label":"mobile","number":"0612345678"}]}"#)
            _ = try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"Bruno <&> Co","numbers":[{"number":"0140000001"}]}"#)
            _ = try await p.call(.post, "/api/v1/lines/0222969569/contacts", token: t.other, json: #"{"name":"Nantes only","numbers":[{"number":"0240000000"}]}"#)
            let books = try await Self.books(p)
            #expect(books.extensions.user == "805ec0021c1b")

            let contacts = try await Self.get(p, books.contacts)
            #expect(contacts.status == .ok, "\(contacts)")
            #expect(contacts.headers[.contentType]?.hasPrefix("application/xml") == true)
            #expect(contacts.text.contains("<YealinkIPPhoneDirectory>"))
            #expect(contacts.text.contains("<Name>Aurélie Dupont</Name>") && contacts.text.contains("<Telephone>0612345678</Telephone>"))
            #expect(contacts.text.contains("<Name>Bruno &lt;&amp;&gt; Co</Name>"))
            #expect(!contacts.text.contains("Nantes only"))
            let extensions = try await Self.get(p, books.extensions)
            #expect(extensions.text.contains("<Name>Accueil Nantes (Nantes)</Name>") && extensions.text.contains("<Telephone>0222969569</Telephone>"))
            #expect(extensions.text.contains("<Name>Salle St Avertin (St_Avertin)</Name>"))
            // The phone's search narrows both books (name without accents, number, department).
            let searched = try await Self.get(p, books.contacts, q: "aurelie")
            #expect(searched.text.contains("Aurélie") && !searched.text.contains("Bruno"))
            #expect(try await Self.get(p, books.contacts, q: "0140").text.contains("Bruno"))
            let nantes = try await Self.get(p, books.extensions, q: "nantes")
            #expect(nantes.text.contains("0222969569") && !nantes.text.contains("0970711005"))
            #expect(try await Self.get(p, books.extensions, q: "0970711").text.contains("0970711005"))
            #expect(try await Self.get(p, books.extensions, q: "#SEARCH").text.contains("0222969569"), "an empty search lists all")

            // Without credentials or with wrong ones: 401 (Digest and Basic offered); the same
            // for an unknown MAC.
            var plain = books.contacts
            plain.user = nil
            plain.password = nil
            let none = try await p.call(.get, plain.path)
            #expect(none.status == .unauthorized)
            #expect(none.headers[values: .wwwAuthenticate].contains { $0.hasPrefix("Digest") })
            #expect(none.headers[values: .wwwAuthenticate].contains { $0.hasPrefix("Basic") })
            #expect(try await Self.get(p, books.contacts, password: "wrong").status == .unauthorized)
            let unknown = try await p.call(.get, "/sip-ps/directory/805ec0ffffff/contacts.xml", headers: [.authorization: "Basic " + Data("805ec0ffffff:x".utf8).base64EncodedString()])
            #expect(unknown.status == .unauthorized)
            #expect(try await p.call(.get, "/sip-ps/directory/805ec0021c1b/other.xml").status == .notFound)

            // Digest with the device credentials works too.
            let challenge = try #require(none.headers[values: .wwwAuthenticate].first { $0.hasPrefix("Digest") })
            let nonce = try #require(challenge.split(separator: "\"").dropFirst(5).first.map(String.init))
            let path = books.contacts.path
            let ha1 = md5("\(books.contacts.user!):pieuvre:\(books.contacts.password!)"), ha2 = md5("GET:\(path)")
            let response = md5("\(ha1):\(nonce):00000001:abc:auth:\(ha2)")
            let digest = "Digest username=\"\(books.contacts.user!)\", realm=\"pieuvre\", nonce=\"\(nonce)\", uri=\"\(path)\", qop=auth, nc=00000001, cnonce=\"abc\", response=\"\(response)\", opaque=\"70696575767265\""
            #expect(try await p.call(.get, path, headers: [.authorization: digest]).status == .ok)

            // Another phone's own valid credentials open nothing here: 404.
            let reseller = t.reseller
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","sda":"0222969569"}"#)
            var other = HTTPFields()
            other[.userAgent] = "Yealink SIP-T46G 28.83.0.120 00:15:65:82:0b:99"
            let otherFile = try await p.call(.get, "/sip-ps/00156582 0b99.cfg".replacingOccurrences(of: " ", with: ""), headers: other).text
            let otherPassword = try #require(ProvisioningTests.value(otherFile, "static.auto_provision.server.password"))
            let foreign = try await Self.get(p, books.contacts, user: "001565820b99", password: otherPassword)
            #expect(foreign.status == .notFound, "\(foreign)")
            #expect(!foreign.text.contains("Aurélie"))
        }
    }

    @Test(arguments: TestDatabase.all)
    func aReplacedPhoneKeepsItsRecordAndTheOldMACsCredentialsStopWorking(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await Self.setUp(p)
            _ = try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: t.user, json: #"{"values":{"keys.soft.2.type":"speed_dial","keys.soft.2.value":"0970716831"}}"#)
            let books = try await Self.books(p)
            #expect(try await Self.get(p, books.contacts).status == .ok)
            // The duplicate rule holds for a replacement MAC.
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: t.reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g"}"#)
            let taken = try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: t.admin, json: #"{"mac":"00:15:65:82:0B:99"}"#)
            #expect(taken.status == .conflict)
            #expect(taken.error == "An attempt has been made to create a duplicate object.")

            let replaced = try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: t.admin, json: #"{"mac":"80-5e-c0-aa-bb-cc"}"#)
            #expect(replaced.status == .ok, "\(replaced)")
            #expect(replaced.json["mac"]?.string == "80:5E:C0:AA:BB:CC")
            #expect(replaced.json["sda"]?.string == "0970711005")
            #expect(replaced.json["windowOpen"]?.bool == true)
            #expect(replaced.json["authenticatedAt"]?.isNull == true)
            #expect(try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: t.admin).status == .notFound)
            #expect(try await Self.get(p, books.contacts).status == .unauthorized, "the old MAC's credentials stop working")
            // The new phone gets the same settings.
            var headers = HTTPFields()
            headers[.userAgent] = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:aa:bb:cc"
            let file = try await p.call(.get, "/sip-ps/805ec0aabbcc.cfg", headers: headers).text
            #expect(file.contains("programablekey.2.value = 0970716831"))
            #expect(file.contains("account.1.user_name = 0970711005"))
        }
    }
}

import Crypto

func md5(_ text: String) -> String {
    Insecure.MD5.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
}
