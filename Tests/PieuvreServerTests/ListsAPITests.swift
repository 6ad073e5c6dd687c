import Foundation
import PieuvreCore
import Testing

/// Lists page by key and search in the database: complete and stable while rows come and go,
/// and a search finds a MAC fragment in any notation, a description, a number, a department.
@Suite struct ListsAPITests {
    static func macs(_ reply: TestPlatform.Reply) -> [String] { reply.items.compactMap { $0["mac"]?.string } }

    /// A customer's phones as a CSV in the import format, past a page (1,000 rows), with the
    /// list's filters, quoting what needs it and defusing formulas; it imports back as it is.
    @Test(arguments: TestDatabase.all)
    func phonesExportAsCSVInTheImportFormat(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let block = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, json: #"{"block":{"firstMac":"00:15:65:10:00:00","count":1200,"model":"yealink-t46g"}}"#)
            #expect(block.status == .created, "\(block)")
            let odd = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","description":"=HYPERLINK(\"x\"), salle \"A\""}"#)
            #expect(odd.status == .created, "\(odd)")
            let export = try await p.call(.get, "/api/v1/customers/10000/phones.csv", token: reseller)
            #expect(export.status == .ok && export.headers[.contentType] == "text/csv; charset=utf-8")
            let table = try CSVTable(parsing: export.text)
            #expect(table.header == ["mac", "model", "sda", "description"])
            #expect(table.rows.count == 1201)
            #expect(Set(table.rows.map { $0.fields[0] }).count == 1201)
            let row = try #require(table.rows.first { $0.fields[1] == "yealink-cp920" })
            #expect(row.fields[3] == "'=HYPERLINK(\"x\"), salle \"A\"")
            // The list's filters apply; another tenant's reference is a 404.
            let cp920 = try await p.call(.get, "/api/v1/customers/10000/phones.csv?model=yealink-cp920", token: reseller)
            #expect(try CSVTable(parsing: cp920.text).rows.count == 1)
            #expect(try await p.call(.get, "/api/v1/customers/99999/phones.csv", token: reseller).status == .notFound)
            // It imports back (dry run into the same customer: every MAC already there).
            let again = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: export.text, contentType: "text/csv")
            #expect(again.status == .unprocessableContent || again.status == .conflict || again.status == .badRequest, "MACs already registered: \(again.status)")
            #expect(again.text.contains("00:15:65:10:00:00") || again.text.contains("already"), "the report names the lines: \(again.text.prefix(300))")
        }
    }

    @Test(arguments: TestDatabase.all)
    func pagingIsCompleteAndStableUnderInsertsAndDeletes(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let imported = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, json: #"{"block":{"firstMac":"00:15:65:00:10:00","count":250,"model":"yealink-t46g"}}"#)
            #expect(imported.status == .created || imported.status == .ok, "\(imported)")
            let start = Set((0..<250).map { String(format: "00:15:65:00:%02X:%02X", 0x10 + $0 / 256, $0 % 256) })
            var seen: [String] = []
            var deleted: Set<String> = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/api/v1/customers/10000/phones?limit=40" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await p.call(.get, path, token: reseller)
                #expect(page.status == .ok, "\(page)")
                seen += Self.macs(page)
                cursor = page.json["next"]?.string
                pages += 1
                // Between pages: a phone added before the cursor, one after, one not yet seen deleted.
                try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:00:0F:\#(String(format: "%02X", pages))","model":"yealink-t46g"}"#)
                try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:00:20:\#(String(format: "%02X", pages))","model":"yealink-t46g"}"#)
                if let victim = start.subtracting(seen).subtracting(deleted).sorted().last {
                    #expect(try await p.call(.delete, "/api/v1/phones/\(victim)", token: reseller).status == .noContent)
                    deleted.insert(victim)
                }
            } while cursor != nil && pages < 50
            #expect(Set(seen).count == seen.count, "nothing repeated")
            #expect(start.subtracting(deleted).isSubset(of: Set(seen)), "nothing that stayed is lost")
            #expect(seen == seen.sorted(), "in MAC order")
            #expect(pages >= 7)
        }
    }

    @Test(arguments: TestDatabase.all)
    func searchFindsMACFragmentsDescriptionsNumbersAndDepartments(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            #expect(try await p.call(.post, "/api/v1/customers/10000/departments", token: reseller, json: #"{"name":"Hôtel de ville"}"#).status == .created)
            try await p.createLine(token: reseller, sda: "0970711005", extra: #","department":"Hôtel de ville""#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970711005","description":"Salle de réunion"}"#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:82:0B:99","model":"yealink-t46g","description":"Accueil"}"#)
            func search(_ q: String, _ extra: String = "") async throws -> [String] {
                let encoded = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let reply = try await p.call(.get, "/api/v1/customers/10000/phones?q=\(encoded)\(extra)", token: reseller)
                #expect(reply.status == .ok, "\(reply)")
                return Self.macs(reply)
            }
            for fragment in ["5E:C0:02", "5ec002", "5e-c0-02", "805EC0021C1B", "80:5e:c0:02:1c:1b"] {
                #expect(try await search(fragment) == ["80:5E:C0:02:1C:1B"], "MAC fragment \(fragment)")
            }
            #expect(try await search("réunion") == ["80:5E:C0:02:1C:1B"], "a description, with its accent")
            #expect(try await search("ACCUEIL") == ["00:15:65:82:0B:99"], "without case")
            #expect(try await search("09 70 71") == ["80:5E:C0:02:1C:1B"], "a number as people write it")
            #expect(try await search("Hôtel") == ["80:5E:C0:02:1C:1B"], "the department of its line")
            // Accents and case do not count: "reunion" finds "réunion", "HOTEL" "Hôtel".
            #expect(try await search("reunion") == ["80:5E:C0:02:1C:1B"], "a description, without its accent")
            #expect(try await search("HOTEL DE") == ["80:5E:C0:02:1C:1B"], "a department, without accent or case")
            #expect(try await search("Réunion") == ["80:5E:C0:02:1C:1B"])
            // A description changed is searched as it now reads, not as it read.
            #expect(try await p.call(.patch, "/api/v1/phones/00:15:65:82:0B:99", token: reseller, json: #"{"description":"Bureau d'Aurélien"}"#).status == .ok)
            #expect(try await search("aurelien") == ["00:15:65:82:0B:99"])
            #expect(try await search("accueil") == [])
            #expect(try await search("100%_") == [], "wildcards typed are searched as themselves")
            #expect(try await search("", "&model=yealink-t46g") == ["00:15:65:82:0B:99"])
            #expect(try await search("", "&line=0970711005&windowOpen=true") == ["80:5E:C0:02:1C:1B"])
            #expect(try await search("", "&department=H%C3%B4tel%20de%20ville") == ["80:5E:C0:02:1C:1B"])
            // Lines, customers and departments page and search the same way.
            let lines = try await p.call(.get, "/api/v1/customers/10000/lines?q=H%C3%B4tel", token: reseller)
            #expect(lines.items.compactMap { $0["sda"]?.string } == ["0970711005"] && lines.json["next"] == .null)
            #expect(try await p.call(.get, "/api/v1/customers/10000/lines?q=hotel", token: reseller).items.compactMap { $0["sda"]?.string } == ["0970711005"])
            #expect(try await p.call(.get, "/api/v1/customers/10000/departments?q=H%C3%94TEL", token: reseller).items.compactMap { $0["name"]?.string } == ["Hôtel de ville"])
            #expect(try await p.call(.get, "/api/v1/customers?q=openip", token: reseller).items.count == 1)
            #expect(try await p.call(.get, "/api/v1/customers?q=nobody", token: reseller).items.isEmpty)
            let departments = try await p.call(.get, "/api/v1/customers/10000/departments?limit=2", token: reseller)
            #expect(departments.items.count == 2 && departments.json["next"]?.string != nil)
            // Refusals name the parameter.
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones?limit=0", token: reseller).error == "limit '0' must be a whole number from 1 to 1000")
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones?cursor=garbage!", token: reseller).error == "cursor 'garbage!' is not a cursor this list gave")
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones?windowOpen=maybe", token: reseller).status == .unprocessableContent)
        }
    }
}
