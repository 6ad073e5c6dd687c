import Foundation
import Testing

@Suite struct ImportAPITests {
    @Test(arguments: TestDatabase.all)
    func aFileWithBadLinesImportsNothingAndNamesEveryBadLine(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0222969569", extra: #","department":"Nantes""#)
            try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920"}"#)

            let csv = """
                mac,model,sda,description
                00:15:65:82:0B:99,yealink-t46g,0222969569,Yealink T46G
                00:15:65:96:4C:ZZ,yealink-w52p,0222969569,bad mac
                00:15:65:9B:8F:77,Polycom,,unknown model
                00:15:65:A7:57:E6,yealink-t42g,0970000000,unknown line
                001565820B99,yealink-t46g,,again
                80:5E:C0:02:1C:1B,yealink-cp920,,already registered
                00:15:65:7A:1D:B8,yealink-t41p
                """
            let refused = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: csv, contentType: "text/csv")
            #expect(refused.status == .unprocessableContent)
            // Fields-count problems are found before the rest: fix the shape first.
            #expect(refused.json["lines"]?.array.map { $0["line"]?.int } == [8])

            let shaped = csv.replacingOccurrences(of: "00:15:65:7A:1D:B8,yealink-t41p", with: "00:15:65:7A:1D:B8,yealink-t41p,,fine")
            let report = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: shaped, contentType: "text/csv")
            #expect(report.status == .unprocessableContent)
            #expect(report.error == "import refused: 5 bad lines, nothing was imported")
            let lines = report.json["lines"]?.array ?? []
            #expect(lines.map { $0["line"]?.int } == [3, 4, 5, 6, 7])
            #expect(lines[0]["error"]?.string?.contains("mac '00:15:65:96:4C:ZZ'") == true)
            #expect(lines[1]["error"]?.string?.contains("model 'Polycom'") == true)
            #expect(lines[2]["error"]?.string?.contains("sda '0970000000' is not a line of this customer") == true)
            #expect(lines[3]["error"]?.string == "mac 00:15:65:82:0B:99 appears again (first on line 2)")
            #expect(lines[4]["error"]?.string == "mac 80:5E:C0:02:1C:1B: An attempt has been made to create a duplicate object.")
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller).items.count == 1, "nothing imported")

            let good = """
                mac,model,sda,description
                00:15:65:82:0B:99,yealink-t46g,0222969569,Yealink T46G
                00:15:65:96:4C:C4,Yealink W52P,0222969569,"Yealink W52P, DECT"
                00:04:13:90:08:59,snom D765,,snom D765

                """
            let ok = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: good, contentType: "text/csv; charset=utf-8")
            #expect(ok.status == .created, "\(ok)")
            #expect(ok.json["created"]?.int == 3)
            let phones = try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller).items
            #expect(phones.count == 4)
            let w52p = phones.first { $0["mac"]?.string == "00:15:65:96:4C:C4" }
            #expect(w52p?["description"]?.string == "Yealink W52P, DECT")
            #expect(w52p?["department"]?.string == "Nantes")
            #expect(w52p?["windowOpen"]?.bool == true)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aBlockOfConsecutiveMACs(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let ok = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, json: #"{"block":{"firstMac":"00:15:65:00:00:FE","count":4,"model":"yealink-t48g","description":"Lot T48G"}}"#)
            #expect(ok.status == .created, "\(ok)")
            #expect(ok.json["macs"]?.array.compactMap(\.string) == ["00:15:65:00:00:FE", "00:15:65:00:00:FF", "00:15:65:00:01:00", "00:15:65:00:01:01"])
            // Overlapping the first block: the overlapping positions are named.
            let overlap = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, json: #"{"block":{"firstMac":"00:15:65:00:01:00","count":3,"model":"yealink-t48g"}}"#)
            #expect(overlap.status == .unprocessableContent)
            #expect(overlap.json["lines"]?.array.map { $0["line"]?.int } == [1, 2])
            let tooMany = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, json: #"{"block":{"firstMac":"00:15:65:00:10:00","count":10001,"model":"yealink-t48g"}}"#)
            #expect(tooMany.error == "block.count '10001' must be between 1 and 10000")
            let unknownField = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, json: #"{"block":{"firstMac":"00:15:65:00:10:00","count":1,"model":"yealink-t48g","colour":"red"}}"#)
            #expect(unknownField.status == .badRequest)
            #expect(unknownField.error?.hasPrefix("unknown field 'block.colour'") == true)
            #expect(try await p.call(.get, "/api/v1/customers/10000/phones", token: reseller).items.count == 4)
        }
    }

    @Test(arguments: TestDatabase.all)
    func aWrongHeaderOrMediaTypeIsExplained(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            let header = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: "adresse,modele\n", contentType: "text/csv")
            #expect(header.status == .unprocessableContent)
            #expect(header.json["lines"]?[0]?["error"]?.string == "unknown columns 'adresse', 'modele'; the header is mac,model,sda,description")
            let media = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: "x", contentType: "application/xml")
            #expect(media.status == .unsupportedMediaType)
            let empty = try await p.call(.post, "/api/v1/customers/10000/phones/import", token: reseller, body: "mac,model\n", contentType: "text/csv")
            #expect(empty.error == "the import holds no phone")
        }
    }
}
