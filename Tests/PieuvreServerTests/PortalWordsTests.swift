import Foundation
@testable import PieuvreCore
@testable import PieuvreServer
import Testing

/// What the portals say and how they read what browsers send (issue #22): one query decoder,
/// messages in the page's language with the form's labels, safe return addresses, plurals and
/// the navigation bar of each role.
@Suite struct PortalWordsTests {
    @Test func queriesAreDecodedAsBrowsersEncodeForms() {
        let query = FormBody("lq=St+Avertin&pq=09%2070%2071&plus=%2B33&lang=en")
        #expect(query["lq"] == "St Avertin")
        #expect(query["pq"] == "09 70 71")
        #expect(query["plus"] == "+33", "a plus a person typed arrives as %2B")
        #expect(query.get("lang") == "en")
    }

    @Test func domainErrorsSpeakThePagesLanguageWithTheFormsLabels() throws {
        let short = #expect(throws: DomainError.self) { try MACAddress(parsing: "80:5E:C0:02:1C") }
        let error = try #require(short)
        #expect(PortalMessages.text(error, .fr) == "Adresse MAC « 80:5E:C0:02:1C » compte 10 chiffres hexadécimaux ; une adresse MAC en a 12.")
        #expect(PortalMessages.text(error, .en) == "MAC address '80:5E:C0:02:1C' has 10 hex digits, a MAC address has 12")
        #expect(error.description == "mac '80:5E:C0:02:1C' has 10 hex digits, a MAC address has 12", "the API's message is unchanged")
        #expect(error.code == "mac-length")
        #expect(PortalMessages.text(.missing(field: "companyName"), .fr) == "Le champ « Raison sociale » est obligatoire.")
        #expect(PortalMessages.text(.notFound(what: "phone", key: "80:5E:C0:02:1C:1B"), .fr) == "Introuvable : téléphone « 80:5E:C0:02:1C:1B ».")
        let number = try #require(#expect(throws: DomainError.self) { try ContactCard(name: "Jean", numbers: [("work", "abc")]) })
        #expect(PortalMessages.text(number, .fr).hasPrefix("Numéro « abc » n'est ni un numéro français"))
        // The seed's duplicate sentence stays as the guide shows it; the holder follows for who may know.
        #expect(PortalMessages.text(.duplicate(field: "mac", value: "80:5E:C0:02:1C:1B", holder: "10000"), .fr)
                == "An attempt has been made to create a duplicate object. (80:5E:C0:02:1C:1B : client 10000)")
        #expect(DomainError.duplicate(field: "mac", value: "x", holder: "10000").description == DomainError.duplicateObjectMessage)
        // An import's line, made in the Store, names its field the same way.
        #expect(ImportLineError(line: 3, error).french == "Adresse MAC « 80:5E:C0:02:1C » compte 10 chiffres hexadécimaux ; une adresse MAC en a 12.")
    }

    @Test func everyRuleOfTheCoreHasItsOwnFrenchText() {
        var refusals: [DomainError] = []
        func refused(_ body: () throws -> Void) {
            do { try body() } catch let error as DomainError { refusals.append(error) } catch {}
        }
        refused { _ = try MACAddress(parsing: "80:5E:C0:02:1C:1G") }
        refused { _ = try MACAddress(parsing: "00:00:00:00:00:00") }
        refused { _ = try MACAddress(parsing: "01:00:5E:00:00:01") }
        refused { _ = try SIRET(parsing: "123") }
        refused { _ = try SIRET(parsing: "48285833900022") }
        refused { _ = try DirectNumber(parsing: "12") }
        refused { _ = try FieldRules.postalCode("9211") }
        refused { _ = try FieldRules.login("0970711111") }
        refused { _ = try FieldRules.password("short") }
        refused { _ = try InternationalRestriction(parsing: "everything") }
        refused { _ = try ProvisioningWindow().validateUntil(Date().addingTimeInterval(90 * 86_400), now: Date()) }
        refused { _ = try KeyValue.validate(type: "blf", value: "Jean", field: "keys.line.2.value") }
        refused { _ = try ContactFile.csv("a,b\n1,2\n") }
        #expect(refusals.count == 13)
        for refusal in refusals {
            let french = refusal.text(french: true), english = refusal.text(french: false)
            #expect(french != english, "\(english) has no French text")
            #expect(!french.contains(" must ") && !french.contains(" is not "), "English left in: \(french)")
        }
    }

    @Test func instantsInMessagesAreShownInLocalTime() {
        #expect(PortalMessages.localTime("2099-01-01T17:00:00Z") == "01/01/2099 18:00:00")
        #expect(PortalMessages.localTime("0970711111") == "0970711111")
    }

    @Test func returnAddressesStayOnThisSite() {
        #expect(PortalKit.safeReturn("/extranet/clients/10000?lq=St+Avertin") == "/extranet/clients/10000?lq=St+Avertin")
        #expect(PortalKit.safeReturn("/extranet?lq=Hôtel") == "/extranet?lq=H%C3%B4tel", "a Location header carries ASCII")
        for bad in ["//evil.example/", "https://evil.example/", "/\\evil.example", "", "/a\r\nSet-Cookie: x=1", nil] as [String?] {
            #expect(PortalKit.safeReturn(bad) == nil, "\(String(describing: bad))")
        }
    }

    @Test func countsTakeTheirNumber() {
        #expect(PortalLanguage.fr.counted(1, "imported2") == "contact importé.")
        #expect(PortalLanguage.fr.counted(0, "imported2") == "contact importé.")
        #expect(PortalLanguage.fr.counted(2, "imported2") == "contacts importés.")
        #expect(PortalLanguage.en.counted(0, "imported2") == "contacts imported.")
        #expect(PortalLanguage.en.counted(1, "imported") == "phone imported.")
    }

    @Test func eachRoleHasItsBarWithTheCurrentArea() {
        let admin = NavLink.bar(for: .administrator, lang: .fr, here: "/admin/departments?x=1")
        #expect(admin.map(\.href) == ["/console", "/admin", "/admin/departments", "/admin/profiles", "/portal", "/account"])
        #expect(admin.filter(\.current).map(\.href) == ["/admin/departments"])
        #expect(NavLink.bar(for: .reseller, lang: .en, here: "/extranet/clients/10000").map(\.label) == ["Console", "Customers", "Account"])
        #expect(NavLink.bar(for: .operator, lang: .fr, here: "/console?state=missed").filter(\.current).map(\.href) == ["/console"])
        #expect(NavLink.bar(for: .user, lang: .fr, here: "/portal").isEmpty, "a user's areas are the seed's tabs")
    }
}
