import Foundation
import Hummingbird
@testable import PieuvreServer
import Testing

/// Every API route with an identifier in its path, generated from the router, tried by another
/// tenant (a rival reseller, and a rival customer's administrator and user) with tenant A's
/// identifiers: never an answer that shows or changes A's objects.
@Suite struct TenantIsolationTests {
    @Test(arguments: TestDatabase.all)
    func everyRouteRefusesAnotherTenantsIdentifiers(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await UserSideAPITests.setUp(p)
            let contact = try await p.call(.post, "/api/v1/lines/0970711005/contacts", token: t.user, json: #"{"name":"Secret Contact","numbers":[{"number":"0612345678"}]}"#)
            let contactID = try #require(contact.json["id"]?.string)
            // Tenant B: another reseller with its own customer, administrator and user.
            let rival = try await p.reseller("rival", name: "Rival Telecom")
            try await p.seedCustomer(token: rival, reference: "20000")
            try await p.createLine(token: rival, reference: "20000", sda: "0140000001", name: "Rival admin", extra: #","administrator":true,"portalPassword":"rival-admin-pass""#)
            try await p.createLine(token: rival, reference: "20000", sda: "0140000002", name: "Rival user", extra: #","portalPassword":"rival-user-pass""#)
            let intruders = ["rival reseller": rival, "rival administrator": try await p.login("0140000001", "rival-admin-pass"),
                             "rival user": try await p.login("0140000002", "rival-user-pass")]
            let identifiers = ["reference": "10000", "sda": "0970711005", "mac": "80:5E:C0:02:1C:1B", "name": "St_Avertin", "id": contactID]
            // Identifiers of nobody: an answer that is not 403/404 must be the same for them
            // (a body refused before any look-up tells nothing of A).
            let nobody = ["reference": "99999", "sda": "0999999999", "mac": "80:5E:C0:FF:FF:FF", "name": "Nowhere", "id": UUID().uuidString]

            let routes = buildRouter(store: p.store, phones: p.phones).routes.filter {
                $0.path.description.hasPrefix("/api/v1/") && $0.path.description.contains("{")
            }
            #expect(routes.count >= 20)
            var probes = 0
            for route in routes {
                func fill(_ values: [String: String]) -> String {
                    route.path.description.split(separator: "/").map { part -> String in
                        guard part.hasPrefix("{") else { return String(part) }
                        return values[String(part.dropFirst().dropLast())]!.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed)!
                    }.joined(separator: "/")
                }
                let path = fill(identifiers)
                for (who, token) in intruders {
                    let body: String? = [.post, .put, .patch].contains(route.method) ? "{}" : nil
                    let reply = try await p.call(route.method, "/" + path, token: token, json: body)
                    probes += 1
                    if ![.notFound, .forbidden].contains(reply.status) {
                        let control = try await p.call(route.method, "/" + fill(nobody), token: token, json: body)
                        #expect(reply.status == control.status && reply.text == control.text && reply.status.code >= 400,
                                "\(who): \(route.method) /\(path) answered \(reply), and for nobody's identifiers \(control)")
                    }
                    for secret in ["OPENIP", "Secret Contact", "Salle St Avertin", "0612345678", "sip-"] {
                        #expect(!reply.text.contains(secret), "\(who): \(route.method) /\(path) shows \(secret)")
                    }
                }
            }
            #expect(probes >= 60)
            // Nothing of A's changed.
            #expect(try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B", token: t.reseller).status == .ok)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/contacts/\(contactID)", token: t.user).json["name"]?.string == "Secret Contact")
            #expect(try await p.call(.get, "/api/v1/customers/10000", token: t.reseller).json["companyName"]?.string == "OPENIP")
        }
    }
}

@Suite struct ProvisioningLogScopeTests {
    @Test(arguments: TestDatabase.all)
    func aReusedMACShowsTheNewTenantNothingOfTheOld(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let a = try await p.reseller()
            try await p.seedCustomer(token: a)
            var headers = HTTPFields()
            headers[.userAgent] = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"
            // Requests before anyone registered the MAC: the operator's only.
            _ = try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: a, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            _ = try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers)
            let aEvents = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B/events", token: a)
            #expect(aEvents.items.count == 1 && aEvents.items.first?["outcome"]?.string == "served", "A sees its registration's request only")
            #expect(try await p.call(.delete, "/api/v1/phones/80:5E:C0:02:1C:1B", token: a).status == .noContent)

            let b = try await p.reseller("rival", name: "Rival")
            try await p.seedCustomer(token: b, reference: "20000")
            _ = try await p.call(.post, "/api/v1/customers/20000/phones", token: b, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            let bEvents = try await p.call(.get, "/api/v1/phones/80:5E:C0:02:1C:1B/events", token: b)
            #expect(bEvents.status == .ok && bEvents.items.isEmpty, "B reads none of A's entries: \(bEvents)")
            #expect(try await p.call(.get, "/api/v1/customers/20000/events", token: b).items.isEmpty)
            #expect(try await p.call(.get, "/api/v1/customers/10000/events", token: a).items.count == 1, "A keeps its own history")
        }
    }

    @Test(arguments: TestDatabase.all)
    func authenticateUntilIsBoundedAndAPastDateClosesTheWindow(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let a = try await p.reseller()
            try await p.seedCustomer(token: a)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: a, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            let far = try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: a, json: #"{"authenticateUntil":"9999-12-31T00:00:00Z"}"#)
            #expect(far.status == .unprocessableContent && far.error?.contains("more than 30 days ahead") == true, "\(far)")
            #expect(try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: a, json: #"{"authenticateUntil":"2026-12-10T00:00:00Z"}"#).status == .ok)
            let past = try await p.call(.patch, "/api/v1/phones/80:5E:C0:02:1C:1B", token: a, json: #"{"authenticateUntil":"2020-01-01T00:00:00Z"}"#)
            #expect(past.json["windowOpen"]?.bool == false)
        }
    }
}

@Suite struct WindowNarrowingTests {
    @Test(arguments: TestDatabase.all)
    func allowedNetworksAndUnexpectedFirstFetchesAreAlerted(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let a = try await p.reseller()
            try await p.seedCustomer(token: a)
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: a, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)
            let bad = try await p.call(.put, "/api/v1/customers/10000/allowed-networks", token: a, json: #"["192.0.2.0/24","lan"]"#)
            #expect(bad.status == .unprocessableContent && bad.error?.contains("allowedNetworks[1] 'lan'") == true, "\(bad)")
            let set = try await p.call(.put, "/api/v1/customers/10000/allowed-networks", token: a, json: #"["192.0.2.0/24", "2001:db8::/32"]"#)
            #expect(set.json.array.compactMap(\.string) == ["192.0.2.0/24", "2001:db8:0:0:0:0:0:0/32"])
            var headers = HTTPFields()
            headers[.userAgent] = "Yealink SIP-CP920 78.86.0.15 80:5e:c0:02:1c:1b"
            // The window's first fetch from 127.0.0.1, outside the customer's networks: refused.
            let outside = try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers)
            #expect(outside.status == .unauthorized)
            _ = try await p.call(.put, "/api/v1/customers/10000/allowed-networks", token: a, json: #"["127.0.0.0/8"]"#)
            // From inside, by a T46G User-Agent naming this CP920's MAC: served, and alerted.
            headers[.userAgent] = "Yealink SIP-T46G 28.83.0.120 80:5e:c0:02:1c:1b"
            #expect(try await p.call(.get, "/sip-ps/805ec0021c1b.cfg", headers: headers).status == .ok)
            // Alerts are written in the background: waited for (up to 15 s on a loaded machine).
            var alerts = try await p.call(.get, "/api/v1/alerts", token: a)
            var kinds = Set(alerts.items.compactMap { $0["kind"]?.string })
            for _ in 0..<300 where kinds.count < 2 {
                try await Task.sleep(for: .milliseconds(50))
                alerts = try await p.call(.get, "/api/v1/alerts", token: a)
                kinds = Set(alerts.items.compactMap { $0["kind"]?.string })
            }
            #expect(kinds == ["outside-networks", "model-mismatch"], "\(alerts)")
            #expect(alerts.items.allSatisfy { $0["customer"]?.string == "10000" })
            let rival = try await p.reseller("rival", name: "Rival")
            #expect(try await p.call(.get, "/api/v1/alerts", token: rival).items.isEmpty, "a reseller sees its customers' alerts only")
        }
    }
}
