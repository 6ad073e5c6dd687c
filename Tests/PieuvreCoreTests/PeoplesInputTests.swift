@testable import PieuvreCore
import Testing

/// Inputs as people write them (issue #22): key values that must be numbers, contact files with
/// French headers and labels.
@Suite struct PeoplesInputTests {
    @Test func speedDialAndBLFValuesAreNumbersOrSIPAddresses() throws {
        #expect(try KeyValue.validate(type: "speed_dial", value: "09 70 71 11 12", field: "v") == "0970711112")
        #expect(try KeyValue.validate(type: "blf", value: "201", field: "v") == "201")
        #expect(try KeyValue.validate(type: "blf", value: "sip:201@example.fr", field: "v") == "sip:201@example.fr")
        #expect(try KeyValue.validate(type: "speed_dial", value: "*97#", field: "v") == "*97#")
        #expect(try KeyValue.validate(type: "url", value: "Jean", field: "v") == "Jean", "other types keep their text")
        for bad in ["Jean", "06 12 ab", "sip:@x", "sip:201", String(repeating: "1", count: 33)] {
            #expect(throws: DomainError.self, "\(bad)") { try KeyValue.validate(type: "speed_dial", value: bad, field: "v") }
        }
        #expect(throws: DomainError.missing(field: "v")) { try KeyValue.validate(type: "blf", value: "  ", field: "v") }
    }

    @Test func contactFilesTakeFrenchHeadersAndLabels() throws {
        let cards = try ContactFile.csv("Nom,Numéro,Type\nJean Dupont,06 12 34 56 78,Portable\nJean Dupont,0970711111,travail\nAnne,0123456789,Domicile\n")
        #expect(cards.map(\.name) == ["Jean Dupont", "Anne"])
        #expect(cards[0].numbers.map(\.label) == [.mobile, .work])
        #expect(cards[1].numbers.map(\.label) == [.home])
        #expect(try ContactFile.csv("name,number,label\nA,0123456789,other\n").first?.numbers.first?.label == .other)
        #expect(throws: DomainError.self) { try ContactFile.csv("prénom,mobile\nA,0123456789\n") }
    }
}
