import PhoneCatalog
import PieuvreCore
import Testing

@Suite struct CatalogueTests {
    @Test func hasTheTenModelsWithStableIDs() {
        #expect(Catalogue.models.map(\.id) == [
            "yealink-cp920", "yealink-cp960", "yealink-cp860", "yealink-t41p", "yealink-t42g",
            "yealink-t46g", "yealink-t48g", "yealink-w52p", "snom-d725", "snom-d765",
        ])
        #expect(Catalogue.model(id: "yealink-cp920")?.displayName == "Yealink CP920")
        #expect(Catalogue.model(id: "snom-d765")?.displayName == "snom D765")
    }

    @Test(arguments: ["yealink-cp920", "Yealink CP920", "YEALINK-CP920", "cp920", "yealink cp920"])
    func findsAModelAsPeopleTypeIt(_ text: String) throws {
        #expect(try Catalogue.model(named: text).id == "yealink-cp920")
    }

    @Test func refusesAnUnknownModelListingTheKnownOnes() {
        #expect {
            _ = try Catalogue.model(named: "Cisco 7940")
        } throws: { error in
            (error as? DomainError)?.description.contains("yealink-cp920") == true
        }
    }
}
