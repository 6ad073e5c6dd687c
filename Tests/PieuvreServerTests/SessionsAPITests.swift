import Foundation
import Testing

@Suite struct SessionsAPITests {
    @Test(arguments: TestDatabase.all)
    func operatorLogsInAndBadCredentialsAreRefused(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let ok = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"admin","password":"\#(TestPlatform.operatorPassword)"}"#)
            #expect(ok.status == .created)
            #expect(ok.json["role"]?.string == "operator")
            #expect((ok.json["token"]?.string?.count ?? 0) >= 40)

            let wrong = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"admin","password":"nope-nope-nope"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.error == "login or password is wrong")
            let unknown = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"ghost","password":"nope-nope-nope"}"#)
            #expect(unknown.status == .unauthorized)
            #expect(unknown.text == wrong.text, "an unknown login answers exactly like a wrong password")
        }
    }

    @Test(arguments: TestDatabase.all)
    func tokensAreRequiredCheckedAndExpire(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let none = try await p.call(.get, "/api/v1/models")
            #expect(none.status == .unauthorized)
            #expect(none.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try await p.call(.get, "/api/v1/models", token: "forged").status == .unauthorized)

            let token = try await p.operatorToken()
            let models = try await p.call(.get, "/api/v1/models", token: token)
            #expect(models.status == .ok)
            #expect(models.json.array.count == 10)
            #expect(models.json[0]?["displayName"]?.string == "Yealink CP920")

            p.clock.advance(by: 13 * 3600)
            #expect(try await p.call(.get, "/api/v1/models", token: token).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.all)
    func lineUsersLogInWithTheirNumber(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970711111", name: "Utilisateur Full Meta Test - 1", extra: #","administrator":true,"portalPassword":"admin-line-pass","department":"Site principal""#)
            try await p.createLine(token: reseller, sda: "0970711005", name: "Salle", extra: #","portalPassword":"mon_mot_de_pass""#)

            let admin = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"0970711111","password":"admin-line-pass"}"#)
            #expect(admin.json["role"]?.string == "administrator")
            let user = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"09 70 71 10 05","password":"mon_mot_de_pass"}"#)
            #expect(user.json["role"]?.string == "user")
            let userToken = try #require(user.json["token"]?.string)

            // The user sees its own line and nothing else.
            let own = try await p.call(.get, "/api/v1/lines/0970711005", token: userToken)
            #expect(own.status == .ok)
            #expect(own.json["name"]?.string == "Salle")
            #expect(try await p.call(.get, "/api/v1/lines/0970711111", token: userToken).status == .notFound)
            #expect(try await p.call(.patch, "/api/v1/lines/0970711005", token: userToken, json: #"{"name":"x"}"#).status == .forbidden)
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones", token: userToken).status == .forbidden)

            // The administrator manages its own customer.
            let adminToken = try #require(admin.json["token"]?.string)
            #expect(try await p.call(.get, "/api/v1/customers/10000", token: adminToken).json["companyName"]?.string == "OPENIP")
            #expect(try await p.call(.get, "/api/v1/customers/10000/lines", token: adminToken).items.count == 2)
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones/import", token: adminToken, body: "mac,model\n", contentType: "text/csv").status == .forbidden)
        }
    }
}
