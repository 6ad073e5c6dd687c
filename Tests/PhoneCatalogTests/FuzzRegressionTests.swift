import PhoneCatalog
import PieuvreCore
import Testing

/// Inputs a fuzzer found to crash a parser (`scripts/fuzz`), kept so they never come back.
@Suite struct FuzzRegressionTests {
    @Test(arguments: ["snom.htm", "SNOM.HTM", "snom-.htm", "snom--.htm", "snom-000413900859.htm"])
    func snomNamesWithoutAModelAreNotFound(_ name: String) {
        #expect(ProvisioningPath(fileName: name) == nil)
    }
}
