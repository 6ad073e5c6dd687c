import Foundation
@testable import PieuvreServer
import Testing

@Suite struct AuditAndDocsAPITests {
    @Test(arguments: TestDatabase.all)
    func everyChangeIsAuditedWithoutSecrets(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970192349", extra: #","portalPassword":"portal-secret-9","sipPassword":"sip-secret-9876""#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: reseller, json: #"{"description":"Salle"}"#)
            try await p.call(.patch, "/api/v1/lines/0970192349", token: reseller, json: #"{"portalPassword":"portal-secret-10"}"#)

            let audit = try await p.call(.get, "/api/v1/audit?limit=50", token: try await p.operatorToken())
            #expect(audit.status == .ok)
            let actions = audit.items.compactMap { $0["action"]?.string }
            for action in ["account.create", "reseller.create", "customer.create", "department.create", "line.create", "phone.create", "phone.update", "line.update"] {
                #expect(actions.contains(action), "\(action) missing from \(actions)")
            }
            let update = try #require(audit.items.first { $0["action"]?.string == "phone.update" })
            #expect(update["actor"]?.string == "expert")
            #expect(update["role"]?.string == "reseller")
            #expect(update["object"]?.string == "80:5E:C0:02:1C:1B")
            #expect(update["before"]?.string?.contains(#""description":"""#) == true)
            #expect(update["after"]?.string?.contains(#""description":"Salle""#) == true)
            for secret in ["portal-secret-9", "portal-secret-10", "sip-secret-9876", "reseller-pass-1", TestPlatform.operatorPassword, "$2"] {
                #expect(!audit.text.contains(secret), "the audit log shows a secret")
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func theOpenAPIDocumentDescribesEveryRoute(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let doc = try await p.call(.get, "/api/v1/openapi.yaml")
            #expect(doc.status == .ok)
            #expect(doc.text.hasPrefix("openapi: 3.1.0"))
            // Every API route the router holds, with its method, is in the document.
            let routes = buildRouter(store: p.store, phones: p.phones).routes.filter { $0.path.description.hasPrefix("/api/v1/") }
            #expect(routes.count > 30)
            for route in routes {
                let path = route.path.description.dropFirst("/api/v1".count).split(separator: "/").map(String.init).joined(separator: "/")
                guard let start = doc.text.range(of: "\n  /\(path):\n") else {
                    Issue.record("\(route.method) /\(path) is not documented")
                    continue
                }
                let block = doc.text[start.upperBound...].prefix { _ in true }
                let end = block.range(of: "\n  /")?.lowerBound ?? block.range(of: "\ncomponents:")?.lowerBound ?? block.endIndex
                #expect(block[..<end].contains("\n    \(route.method.rawValue.lowercased()):\n") || block[..<end].hasPrefix("    \(route.method.rawValue.lowercased()):\n"),
                        "\(route.method) /\(path) is not documented")
            }
        }
    }
}
