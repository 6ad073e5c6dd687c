import Foundation
import Testing

@Suite struct CustomersAPITests {
    @Test(arguments: TestDatabase.all)
    func resellerCreatesTheSeedsCustomerAndItsSheet(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let sheet = try await p.call(.get, "/api/v1/customers/10000", token: reseller)
            #expect(sheet.status == .ok)
            #expect(sheet.json["reference"]?.string == "10000")
            #expect(sheet.json["companyName"]?.string == "OPENIP")
            #expect(sheet.json["siret"]?.string == "48285833900021")
            #expect(sheet.json["address"]?.string == "37-39, rue de Neuilly")
            #expect(sheet.json["postalCode"]?.string == "92110")
            #expect(sheet.json["city"]?.string == "Clichy")
            #expect(sheet.json["reseller"]?.string == "Expert Produits")
            #expect(sheet.json["active"]?.bool == true)
            #expect(sheet.json["createdAt"]?.string == "2026-11-18T11:06:40Z")

            let list = try await p.call(.get, "/api/v1/customers", token: reseller)
            #expect(list.items.map { $0["reference"]?.string } == ["10000"])

            let departments = try await p.call(.get, "/api/v1/customers/10000/departments", token: reseller)
            let pairs = departments.items.map { "\($0["name"]?.string ?? "")<\($0["parent"]?.string ?? "-")" }
            #expect(Set(pairs) == ["Site principal<-", "Clichy<Site principal", "St_Avertin<Site principal", "Nantes<Site principal"])
        }
    }

    @Test(arguments: TestDatabase.all)
    func referencesAreDrawnFrom10000AndDuplicatesRefused(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            let body = #"{"companyName":"ACME","siret":"48285833900021","address":"1 rue X","postalCode":"75001","city":"Paris"}"#
            let first = try await p.call(.post, "/api/v1/customers", token: reseller, json: body)
            let second = try await p.call(.post, "/api/v1/customers", token: reseller, json: body)
            #expect(first.status == .created && second.status == .created)
            #expect(first.json["reference"]?.string == "10000")
            #expect(second.json["reference"]?.string == "10001")
            let again = try await p.call(.post, "/api/v1/customers", token: reseller, json: #"{"companyName":"ACME","siret":"48285833900021","address":"1 rue X","postalCode":"75001","city":"Paris","reference":"10001"}"#)
            #expect(again.status == .conflict)
            #expect(again.error == "An attempt has been made to create a duplicate object.")
        }
    }

    @Test(arguments: TestDatabase.all)
    func invalidCustomerFieldsAreNamed(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            let badSiret = try await p.call(.post, "/api/v1/customers", token: reseller, json: #"{"companyName":"A","siret":"48285833900022","address":"x","postalCode":"75001","city":"Paris"}"#)
            #expect(badSiret.status == .unprocessableContent)
            #expect(badSiret.error == "siret '48285833900022' fails the Luhn check (a digit is wrong)")
            let badPostal = try await p.call(.post, "/api/v1/customers", token: reseller, json: #"{"companyName":"A","siret":"48285833900021","address":"x","postalCode":"7500","city":"Paris"}"#)
            #expect(badPostal.error == "postalCode '7500' must be 5 digits")
            let missing = try await p.call(.post, "/api/v1/customers", token: reseller, json: #"{"siret":"48285833900021","address":"x","postalCode":"75001","city":"Paris"}"#)
            #expect(missing.error == "companyName is required")
            #expect(try await p.call(.get, "/api/v1/customers", token: reseller).items.isEmpty, "nothing was created")
            // The operator does not create customers: a reseller owns each one.
            #expect(try await p.call(.post, "/api/v1/customers", token: try await p.operatorToken(), json: #"{"companyName":"A"}"#).status == .forbidden)
        }
    }

    @Test(arguments: TestDatabase.all)
    func anotherResellersObjectsAreNotFound(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let first = try await p.reseller("expert")
            try await p.seedCustomer(token: first)
            try await p.createLine(token: first, sda: "0970192349")
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: first, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#).status == .created)

            let other = try await p.reseller("rival", name: "Rival Telecom")
            #expect(try await p.call(.get, "/api/v1/customers", token: other).items.isEmpty)
            let probes: [(HTTPRequestMethodBox, String, String?)] = [
                (.get, "/api/v1/customers/10000", nil),
                (.get, "/api/v1/customers/10000/lines", nil),
                (.get, "/api/v1/customers/10000/departments", nil),
                (.post, "/api/v1/customers/10000/departments", #"{"name":"Intrus"}"#),
                (.get, "/api/v1/customers/10000/phones", nil),
                (.post, "/api/v1/customers/10000/phones", #"{"mac":"00:15:65:00:00:01","model":"yealink-t41p"}"#),
                (.get, "/api/v1/lines/0970192349", nil),
                (.patch, "/api/v1/lines/0970192349", #"{"name":"Intrus"}"#),
                (.delete, "/api/v1/lines/0970192349", nil),
                (.get, "/api/v1/phones/80:5E:C0:02:1C:1B", nil),
                (.patch, "/api/v1/phones/805ec0021c1b", #"{"description":"Intrus"}"#),
                (.delete, "/api/v1/phones/805ec0021c1b", nil),
            ]
            for (method, path, json) in probes {
                let reply = try await p.call(method.method, path, token: other, json: json)
                #expect(reply.status == .notFound, "\(method.method) \(path) answered \(reply)")
            }
            // A missing object answers the same as a hidden one.
            let hidden = try await p.call(.get, "/api/v1/customers/10000", token: other)
            let missing = try await p.call(.get, "/api/v1/customers/99999", token: other)
            #expect(hidden.error == "no customer '10000'" && missing.error == "no customer '99999'")
            // And nothing changed for the owner.
            let phone = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: first)
            #expect(phone.json["description"]?.string == "")
            #expect(try await p.call(.get, "/api/v1/customers/10000/departments", token: first).items.count == 4)
        }
    }
}

import Hummingbird

/// Lets a table of probes name methods tersely.
enum HTTPRequestMethodBox {
    case get, post, patch, delete
    var method: HTTPRequest.Method {
        switch self {
        case .get: return .get
        case .post: return .post
        case .patch: return .patch
        case .delete: return .delete
        }
    }
}
