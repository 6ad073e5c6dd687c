import FluentKit
import Foundation
import PieuvreCore
import SQLKit

extension Store {
    /// Seals every secret still in clear (a database from before encryption), in place, and
    /// checks that the key opens what is already sealed. Run at every start; once done it
    /// touches nothing (each query looks only at values without the sealed prefix).
    public func sealSecretsAtRest() async throws {
        _ = try await digestKey()  // a wrong key stops the start here, with a clear message
        let sql = try storage.sql
        let clear = SecretBox.prefix + "%"
        try await seal(table: "lines", column: "sip_password", where: "sip_password NOT LIKE \(clear.sqlQuoted)", on: sql)
        try await seal(table: "phones", column: "device_password", where: "device_password IS NOT NULL AND device_password NOT LIKE \(clear.sqlQuoted)", on: sql)
        try await seal(table: "phones", column: "web_admin_password", where: "web_admin_password IS NOT NULL AND web_admin_password NOT LIKE \(clear.sqlQuoted)", on: sql)
        let secretKeys = SettingsCatalogue.all.filter(\.isSecret).map { $0.key.sqlQuoted }.joined(separator: ", ")
        try await seal(table: "settings_values", column: "value", where: "value IS NOT NULL AND value NOT LIKE \(clear.sqlQuoted) AND key IN (\(secretKeys))", on: sql)
        let rows = try await sql.raw("SELECT digest_key FROM platform_state WHERE id = 1").all()
        for row in rows {
            let key = try row.decode(column: "digest_key", as: String.self)
            if !SecretBox.isSealed(key) {
                try await sql.raw("UPDATE platform_state SET digest_key = \(bind: secrets.seal(key)) WHERE id = 1").run()
            }
        }
    }

    private func seal(table: String, column: String, where condition: String, on sql: any SQLDatabase) async throws {
        let rows = try await sql.raw("SELECT id, \(unsafeRaw: column) AS secret FROM \(unsafeRaw: table) WHERE \(unsafeRaw: condition)").all()
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let plain = try row.decode(column: "secret", as: String.self)
            try await sql.raw("UPDATE \(unsafeRaw: table) SET \(unsafeRaw: column) = \(bind: secrets.seal(plain)) WHERE id = \(bind: id)").run()
        }
    }
}

extension String {
    /// A literal for SQL text built from constants (never from input).
    var sqlQuoted: String { "'" + replacingOccurrences(of: "'", with: "''") + "'" }
}
