import Foundation
import Testing

/// Bad input gets a 4xx that names the problem: never a 500, never partial data.
@Suite struct RobustnessAPITests {
    @Test(arguments: TestDatabase.all)
    func malformedBodiesAreRefusedClearly(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            let cases: [(String, String)] = [
                ("{not json", "the body is not valid JSON"),
                ("[1,2]", "the body must be a JSON object, not an array"),
                ("", "a JSON object body is expected"),
                (#"{"companyName":42}"#, "field 'companyName' must be a string, not a number"),
                (#"{"companyName":"A","colour":"red"}"#, "unknown field 'colour'; accepted: address, city, companyName, postalCode, reference, siret"),
            ]
            for (body, message) in cases {
                let reply = try await p.call(.post, "/api/v1/customers", token: reseller, body: body, contentType: "application/json")
                #expect(reply.status == .badRequest, "\(body) → \(reply)")
                #expect(reply.error == message)
                #expect(reply.headers[.contentType]?.hasPrefix("application/json") == true)
            }
            let huge = "{\"companyName\":\"" + String(repeating: "a", count: 200_000) + "\"}"
            let tooLarge = try await p.call(.post, "/api/v1/customers", token: reseller, body: huge, contentType: "application/json")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.error == "request body is too large")
            let bool = try await p.call(.post, "/api/v1/customers/10000/lines", token: reseller, json: #"{"sda":"0970711111","name":"x","administrator":"yes"}"#)
            #expect(bool.status == .badRequest)
            #expect(bool.error == "field 'administrator' must be true or false, not a string")
            #expect(try await p.call(.get, "/api/v1/customers", token: reseller).items.isEmpty)
        }
    }

    @Test(arguments: TestDatabase.all)
    func unknownRoutesAndObjectsAnswer404(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let op = try await p.operatorToken()
            let route = try await p.call(.get, "/api/v1/nothing-here", token: op)
            #expect(route.status == .notFound)
            #expect(route.error != nil)
            #expect(try await p.call(.get, "/api/v1/phones/not-a-mac", token: op).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/lines/12", token: op).status == .notFound)
        }
    }

    /// A whole number too large for an integer in a settings body is a 400 naming the field, not
    /// a crash (schemathesis found `-409334260720564109312` trapping the server).
    @Test func aHugeNumberInSettingsIsRefusedNotATrap() async throws {
        try await TestPlatform.run(.sqlite) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let reply = try await p.call(.put, "/api/v1/customers/10000/settings", token: reseller, json: #"{"values":{"sip.port":-409334260720564109312}}"#)
            #expect(reply.status == .badRequest && (reply.error ?? "").contains("values.sip.port"), "\(reply)")
            #expect(try await p.call(.get, "/health/live").status == .ok)
        }
    }

    /// Path parameters are percent-decoded: the demo's own "Site principal" (and accents)
    /// through every route that names a department; a malformed escape is a 400.
    @Test(arguments: TestDatabase.all)
    func departmentNamesWithSpacesAndAccentsWorkInPaths(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            for name in ["Site principal", "Hôtel de ville"] {
                let created = try await p.call(.post, "/api/v1/customers/10000/departments", token: reseller, json: #"{"name":"\#(name)"}"#)
                #expect(created.status == .created || name == "Site principal", "the seed customer has Site principal already: \(created)")
                let path = "/api/v1/customers/10000/departments/\(name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!)/settings"
                let set = try await p.call(.put, path, token: reseller, json: #"{"values":{"preferences.language":"English"}}"#)
                #expect(set.status == .ok, "\(path) → \(set)")
                let read = try await p.call(.get, path, token: reseller)
                #expect(read.status == .ok && read.json["values"]?["preferences.language"]?.string == "English", "\(read)")
            }
            let bad = try await p.call(.get, "/api/v1/customers/10000/departments/Site%zzprincipal/settings", token: reseller)
            #expect(bad.status == .badRequest && bad.error == "the path's name is not valid percent-encoded UTF-8", "\(bad)")
        }
    }

    /// A path the API has, asked with a method it does not take: 405 with Allow, not 404.
    @Test(arguments: TestDatabase.all)
    func aKnownPathWithAnotherMethodIs405(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let op = try await p.operatorToken()
            let wrong = try await p.call(.delete, "/api/v1/customers", token: op)
            #expect(wrong.status == .methodNotAllowed, "\(wrong)")
            #expect(wrong.headers[.allow] == "GET, POST")
            #expect(wrong.error == "DELETE is not allowed here; allowed: GET, POST")
            let templated = try await p.call(.post, "/api/v1/phones/80:5E:C0:02:1C:1B/events", token: op)
            #expect(templated.status == .methodNotAllowed && templated.headers[.allow] == "GET")
            #expect(try await p.call(.get, "/api/v1/nothing/here", token: op).status == .notFound, "an unknown path stays 404")
        }
    }

    @Test(arguments: TestDatabase.all)
    func rolesAreEnforced(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            let asReseller = try await p.call(.post, "/api/v1/resellers", token: reseller, json: #"{"name":"X","login":"xxx","password":"xxxxxxxx"}"#)
            #expect(asReseller.status == .forbidden)
            #expect(asReseller.error == "a reseller may not create resellers")
            #expect(try await p.call(.get, "/api/v1/audit", token: reseller).status == .forbidden)
            let dupLogin = try await p.call(.post, "/api/v1/resellers", token: try await p.operatorToken(), json: #"{"name":"X","login":"expert","password":"xxxxxxxx"}"#)
            #expect(dupLogin.status == .conflict)
        }
    }
}
