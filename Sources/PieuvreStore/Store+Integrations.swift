import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// An integration key as listed (its token is shown once, at creation, and stored hashed).
public struct IntegrationKeyView: Codable, Sendable, Equatable {
    public let name: String
    public let scope: String
    public let createdAt: Date
    public let lastUsedAt: Date?
}

extension Store {
    /// Integration keys start with this, so the authenticator tells them from session tokens.
    public static let integrationKeyPrefix = "pvi_"
    /// What a key may do: report voicemail events (`POST /lines/{sda}/voicemail/events`).
    public static let voicemailScope = "voicemail"

    public func createIntegrationKey(_ actor: Actor, name rawName: String) async throws -> (key: IntegrationKeyView, token: String) {
        try actor.require([.operator], to: "create integration keys")
        let name = try FieldRules.text(rawName, field: "name", max: 64)
        let token = Self.integrationKeyPrefix + Secrets.token()
        let now = clock.now
        let view = IntegrationKeyView(name: name, scope: Self.voicemailScope, createdAt: now, lastUsedAt: nil)
        try await transaction(duplicate: ("name", name), changes: []) { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO integration_keys (id, name, token_hash, scope, created_at) VALUES (\(bind: UUID()), \(bind: name), \(bind: Secrets.sha256Hex(token)), \(bind: Self.voicemailScope), \(bind: now))
                """).run()
            try await self.audit(db, actor, "integration-key.create", "integration-key", name, before: Optional<IntegrationKeyView>.none, after: view)
        }
        return (view, token)
    }

    public func integrationKeys(_ actor: Actor) async throws -> [IntegrationKeyView] {
        try actor.require([.operator], to: "list integration keys")
        return try await storage.sql.raw("SELECT name, scope, created_at, last_used_at FROM integration_keys ORDER BY name LIMIT 1000").all().map { row in
            IntegrationKeyView(name: try row.decode(column: "name", as: String.self), scope: try row.decode(column: "scope", as: String.self),
                               createdAt: try row.decode(column: "created_at", as: Date.self), lastUsedAt: try row.decode(column: "last_used_at", as: Date?.self))
        }
    }

    public func deleteIntegrationKey(_ actor: Actor, name: String) async throws {
        try actor.require([.operator], to: "delete integration keys")
        guard let key = try await integrationKeys(actor).first(where: { $0.name == name }) else { throw DomainError.notFound(what: "integration key", key: name) }
        try await transaction(changes: []) { db in
            try await (db as! any SQLDatabase).raw("DELETE FROM integration_keys WHERE name = \(bind: name)").run()
            try await self.audit(db, actor, "integration-key.delete", "integration-key", name, before: key, after: Optional<IntegrationKeyView>.none)
        }
    }

    /// The actor a key stands for (an operator named `integration:<name>`), or nil when unknown.
    public func actor(forIntegrationKey token: String) async throws -> Actor? {
        let hash = Secrets.sha256Hex(token)
        guard let row = try await storage.sql.raw("SELECT name FROM integration_keys WHERE token_hash = \(bind: hash)").first() else { return nil }
        try await storage.sql.raw("UPDATE integration_keys SET last_used_at = \(bind: clock.now) WHERE token_hash = \(bind: hash)").run()
        return Actor(role: .operator, login: "integration:" + (try row.decode(column: "name", as: String.self)))
    }
}
