import Foundation
import Testing

@Suite struct PhonesAPITests {
    static let duplicateText = "An attempt has been made to create a duplicate object."

    @Test(arguments: TestDatabase.all)
    func provisioningAMACAsTheSeedShows(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970192349", name: "Salle de conférence", extra: #","department":"Clichy""#)

            let created = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80-5e-c0-02-1c-1b","model":"Yealink CP920","description":"Yealink CP920","sda":"0970192349"}"#)
            #expect(created.status == .created)
            #expect(created.json["mac"]?.string == "80:5E:C0:02:1C:1B")
            #expect(created.json["model"]?.string == "yealink-cp920")
            #expect(created.json["description"]?.string == "Yealink CP920")
            #expect(created.json["sda"]?.string == "0970192349")
            #expect(created.json["department"]?.string == "Clichy", "a phone given to a line goes to the line's department")
            #expect(created.json["authenticateUntil"]?.string == "2026-11-20T11:06:40Z", "48 hours after registration")
            #expect(created.json["authenticatedAt"]?.isNull == true)
            #expect(created.json["windowOpen"]?.bool == true)

            // The same MAC again, in any notation, anywhere on the platform.
            for form in ["80:5E:C0:02:1C:1B", "805EC0021C1B", "805e.c002.1c1b"] {
                let again = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(form)","model":"yealink-cp920"}"#)
                #expect(again.status == .conflict)
                #expect(again.error == Self.duplicateText)
            }
            // The holder is named to who may see it (this reseller), never to another tenant.
            let mine = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            #expect(mine.json["customer"]?.string == "10000" && mine.json["code"]?.string == "duplicate")
            let rival = try await p.reseller("rival", name: "Rival")
            try await p.seedCustomer(token: rival, reference: "20000")
            let elsewhere = try await p.call(.post, "/api/v1/customers/20000/phones", token: rival, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            #expect(elsewhere.status == .conflict)
            #expect(elsewhere.error == Self.duplicateText)
            #expect(elsewhere.json["customer"] == nil, "another reseller learns only that the MAC is taken")

            let list = try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller)
            #expect(list.items.count == 1)
            #expect(list.items.first?["mac"]?.string == "80:5E:C0:02:1C:1B")

            #expect(try await p.call(.delete, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller).status == .noContent)
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller).items.isEmpty)
            #expect(try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller).status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.all)
    func invalidPhonesAreRefusedNamingTheValue(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let cases: [(String, String)] = [
                (#"{"mac":"01:00:5E:00:00:01","model":"yealink-cp920"}"#, "mac '01:00:5E:00:00:01' is a multicast address (low bit of the first octet set)"),
                (#"{"mac":"80:5E:C0:02:1C","model":"yealink-cp920"}"#, "mac '80:5E:C0:02:1C' has 10 hex digits, a MAC address has 12"),
                (#"{"mac":"80:5E:C0:02:1C:1B","model":"Cisco 7940"}"#, "model 'Cisco 7940' is not a model of the catalogue"),
                (#"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970000000"}"#, "sda '0970000000' is not a line of this customer"),
                (#"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","department":"Lyon"}"#, "department 'Lyon' is not a department of this customer"),
                (#"{"model":"yealink-cp920"}"#, "mac is required"),
            ]
            for (body, message) in cases {
                let reply = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: body)
                #expect(reply.status == .unprocessableContent, "\(body)")
                #expect(reply.error?.hasPrefix(message) == true, "\(reply)")
            }
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller).items.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func simultaneousRegistrationsOfOneMACGiveExactlyOneSuccess(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            for round in 0..<3 {
                let mac = String(format: "00:15:65:00:10:%02X", round)
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<6 {
                        group.addTask {
                            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(mac)","model":"yealink-t46g"}"#).status.code
                        }
                    }
                    return try await group.reduce(into: [Int]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == 201 }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == 409 }.count == 5, "\(statuses)")
            }
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller).items.count == 3)
        }
    }

    @Test(arguments: TestDatabase.all)
    func administratorReassignsAndReopensTheWindow(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970711111", extra: #","administrator":true,"portalPassword":"admin-line-pass""#)
            try await p.createLine(token: reseller, sda: "0222969569", extra: #","department":"Nantes""#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","description":"Yealink T46G"}"#)
            // Past the 48 hours the window is closed.
            p.clock.advance(by: 49 * 3600)
            let admin = try await p.login("0970711111", "admin-line-pass")
            let closed = try await p.call(.get, "/api/v1/phones/00:15:65:82:0B:99", token: admin)
            #expect(closed.json["windowOpen"]?.bool == false)

            let assigned = try await p.call(.patch, "/api/v1/phones/001565820b99", token: admin, json: #"{"sda":"0222969569","authorizeNextHour":true}"#)
            #expect(assigned.status == .ok, "\(assigned)")
            #expect(assigned.json["sda"]?.string == "0222969569")
            #expect(assigned.json["department"]?.string == "Nantes")
            #expect(assigned.json["authenticateUntil"]?.string == "2026-11-20T13:06:40Z", "one hour from now")
            #expect(assigned.json["windowOpen"]?.bool == true)

            let until = try await p.call(.patch, "/api/v1/phones/001565820b99", token: admin, json: #"{"authenticateUntil":"2026-12-01T18:00:00Z","department":"Clichy","description":"Accueil"}"#)
            #expect(until.json["authenticateUntil"]?.string == "2026-12-01T18:00:00Z")
            #expect(until.json["department"]?.string == "Clichy")
            #expect(until.json["sda"]?.string == "0222969569")

            let unassigned = try await p.call(.patch, "/api/v1/phones/001565820b99", token: admin, json: #"{"sda":null}"#)
            #expect(unassigned.json["sda"]?.isNull == true)
            #expect(unassigned.json["description"]?.string == "Accueil")

            let badDate = try await p.call(.patch, "/api/v1/phones/001565820b99", token: admin, json: #"{"authenticateUntil":"demain"}"#)
            #expect(badDate.status == .unprocessableContent)
            #expect(badDate.error?.contains("authenticateUntil 'demain'") == true)
            let closedAgain = try await p.call(.patch, "/api/v1/phones/001565820b99", token: admin, json: #"{"authenticateUntil":null}"#)
            #expect(closedAgain.json["windowOpen"]?.bool == false)
        }
    }

    @Test(arguments: TestDatabase.all)
    func linesAreCreatedChangedAndDeletedKeepingTheirPhones(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let created = try await p.call(.post, "/api/v1/customers/10000/lines", token: reseller, json: #"{"sda":"09 70 71 11 11","name":"Utilisateur Full Meta Test - 1","licence":"Full Meta Test","department":"Site principal","administrator":true,"portalPassword":"secret-portal","sipPassword":"sip-secret-123"}"#)
            #expect(created.status == .created)
            #expect(created.json["sda"]?.string == "0970711111")
            #expect(created.json["presentedNumber"]?.string == "0970711111")
            #expect(created.json["internationalRestriction"]?.string == "Bar high-risk countries")
            #expect(created.json["locked"]?.bool == false)
            #expect(created.json["sipAuthName"]?.string == "0970711111")
            #expect(created.json["hasPortalPassword"]?.bool == true)
            #expect(!created.text.contains("secret-portal") && !created.text.contains("sip-secret-123"), "no secret in answers")

            let duplicate = try await p.call(.post, "/api/v1/customers/10000/lines", token: reseller, json: #"{"sda":"0970711111","name":"x"}"#)
            #expect(duplicate.status == .conflict)

            let patched = try await p.call(.patch, "/api/v1/lines/0970711111", token: reseller, json: #"{"presentedNumber":"0970711100","locked":true,"department":null}"#)
            #expect(patched.json["presentedNumber"]?.string == "0970711100")
            #expect(patched.json["locked"]?.bool == true)
            #expect(patched.json["department"]?.isNull == true)
            #expect(patched.json["name"]?.string == "Utilisateur Full Meta Test - 1")

            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970711111"}"#)
            #expect(try await p.call(.delete, "/api/v1/lines/0970711111", token: reseller).status == .noContent)
            #expect(try await p.call(.get, "/api/v1/lines/0970711111", token: reseller).status == .notFound)
            let phone = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller)
            #expect(phone.status == .ok)
            #expect(phone.json["sda"]?.isNull == true)
        }
    }

    /// "Resynchroniser" and "Redémarrer" on demand: who may ask, and a clear 409 when no NOTIFY
    /// can leave (the test platform runs without SIP; the end-to-end SIP test sends them for real).
    @Test(arguments: TestDatabase.all)
    func resyncAndRebootNeedSIPAndTheRightRole(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970192349", extra: #","portalPassword":"user-pass-1""#)
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#).status == .created)
            let off = try await p.call(.post, "/api/v1/phones/80:5E:C0:02:1C:1B/check-sync", token: reseller)
            #expect(off.status == .conflict)
            #expect(off.error?.hasPrefix("SIP is not configured") == true)
            // Another tenant's phone is not there, whatever SIP's state.
            let rival = try await p.reseller("rival", name: "Rival")
            #expect(try await p.call(.post, "/api/v1/phones/80:5E:C0:02:1C:1B/reboot", token: rival).status == .notFound)
            #expect(try await p.call(.post, "/api/v1/phones/80:5E:C0:02:1C:1C/check-sync", token: reseller).status == .notFound)
            #expect(try await p.call(.post, "/api/v1/phones/80:5E:C0:02:1C:1B/check-sync", token: nil).status == .unauthorized)
        }
    }
}
