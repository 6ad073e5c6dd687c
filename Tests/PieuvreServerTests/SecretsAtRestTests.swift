import Foundation
@testable import PieuvreCore
@testable import PieuvreStore
import SQLKit
import Testing

@Suite struct SecretsAtRestTests {
    @Test func sealedValuesOpenOnlyWithTheirKey() throws {
        let box = SecretBox.ephemeral()
        let sealed = box.seal("sip-secret")
        #expect(sealed.hasPrefix("enc1:") && !sealed.contains("sip-secret"))
        #expect(try box.open(sealed) == "sip-secret")
        #expect(box.seal("sip-secret") != sealed, "a fresh nonce each time")
        #expect(throws: SecretKeyError.self) { try SecretBox.ephemeral().open(sealed) }
        #expect(try box.open("written-before-encryption") == "written-before-encryption")
    }

    @Test(arguments: TestDatabase.all)
    func secretsWrittenInClearAreSealedInPlaceAtStart(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970192349", name: "Salle", extra: #","sipPassword":"sip-secret-0192""#)
            _ = try await p.call(.put, "/api/v1/customers/10000/settings", token: reseller, json: #"{"values":{"directory.ldap.bindPassword":"ldap-secret-1"}}"#)
            // A database from before encryption: the same values in clear.
            let sql = try p.store.storage.sql
            try await sql.raw("UPDATE lines SET sip_password = 'sip-in-clear-1'").run()
            try await sql.raw("UPDATE settings_values SET value = 'ldap-in-clear-1' WHERE key = 'directory.ldap.bindPassword'").run()
            try await p.store.sealSecretsAtRest()
            let stored = try await sql.raw("SELECT sip_password FROM lines").first()?.decode(column: "sip_password", as: String.self)
            #expect(stored?.hasPrefix("enc1:") == true)
            let setting = try await sql.raw("SELECT value FROM settings_values WHERE key = 'directory.ldap.bindPassword'").first()?.decode(column: "value", as: String.self)
            #expect(setting?.hasPrefix("enc1:") == true)
            let key = try await sql.raw("SELECT digest_key FROM platform_state").first()?.decode(column: "digest_key", as: String.self)
            #expect(key?.hasPrefix("enc1:") == true)
            // And they still reach the phone.
            _ = try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"80:5E:C0:02:1C:1B","model":"yealink-cp920","sda":"0970192349"}"#)
            let record = try #require(try await p.store.provisioningRecord(mac: try MACAddress(parsing: "80:5E:C0:02:1C:1B")))
            #expect(record.line?.sipPassword == "sip-in-clear-1")
            #expect(record.layers.first { $0.scope == .customer }?.values["directory.ldap.bindPassword"] == "ldap-in-clear-1")
        }
    }
}
