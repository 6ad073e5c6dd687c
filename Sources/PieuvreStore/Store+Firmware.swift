import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore
import SQLKit

/// A firmware file as the API shows it.
public struct FirmwareView: Sendable, Codable, Equatable {
    public let id: UUID
    public let family: String
    public let version: String
    public let filename: String
    public let size: Int64
    public let sha256: String
    public let createdAt: Date
}

extension Store {
    /// What an upload must name before its bytes are read (so a bad request costs nothing).
    public static func firmwareFields(family: String?, version: String?, filename: String?) throws -> (family: String, version: String, filename: String) {
        guard let family, !family.isEmpty else { throw DomainError.missing(field: "family") }
        guard let model = Catalogue.model(id: family) else {
            throw DomainError.invalid(field: "family", value: family, reason: Reason("unknown-model", en: "is not a catalogue model id (\(Catalogue.models.map(\.id).joined(separator: ", ")))", fr: "n'est pas un modèle du catalogue (\(Catalogue.models.map(\.id).joined(separator: ", ")))."))
        }
        guard let version, !version.isEmpty else { throw DomainError.missing(field: "version") }
        guard version.count <= 32, version.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw DomainError.invalid(field: "version", value: version, reason: Reason("bad-version", en: "must be 1 to 32 letters, digits, dots, dashes or underscores, as the phone reports it (28.86.0.15)", fr: "doit compter 1 à 32 lettres, chiffres, points, tirets ou soulignés, comme le téléphone l'annonce (28.86.0.15)."))
        }
        guard let filename, !filename.isEmpty else { throw DomainError.missing(field: "filename") }
        guard filename.count <= 100, !filename.hasPrefix("."), filename.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw DomainError.invalid(field: "filename", value: filename, reason: Reason("bad-filename", en: "must be 1 to 100 letters, digits, dots, dashes or underscores, not starting with a dot", fr: "doit compter 1 à 100 lettres, chiffres, points, tirets ou soulignés, sans point au début."))
        }
        return (model.id, version, filename)
    }

    /// Records a firmware file already written (and hashed) in the data directory. Every phone's
    /// cached files are dropped: a pinned version may now have its file.
    public func addFirmware(_ actor: Actor, family: String, version: String, filename: String, size: Int64, sha256: String) async throws -> FirmwareView {
        try actor.require([.operator], to: "upload firmware")
        let view = FirmwareView(id: UUID(), family: family, version: version, filename: filename, size: size, sha256: sha256, createdAt: clock.now)
        try await transaction(duplicate: ("filename or family and version", "\(filename) / \(family) \(version)"), changes: [.everything]) { db in
            try await (db as! any SQLDatabase).raw("""
                INSERT INTO firmware (id, family, version, filename, size, sha256, created_at)
                VALUES (\(bind: view.id), \(bind: family), \(bind: version), \(bind: filename), \(bind: size), \(bind: sha256), \(bind: view.createdAt))
                """).run()
            try await self.audit(db, actor, "firmware.create", "firmware", filename, before: Optional<FirmwareView>.none, after: view)
        }
        return view
    }

    public func firmwareList(_ actor: Actor, _ request: ListRequest) async throws -> Page<FirmwareView> {
        try actor.require([.operator, .reseller], to: "list firmware")
        var query = try storage.sql.select().columns("id", "family", "version", "filename", "size", "sha256", "created_at").from("firmware")
        if let after = try Self.key(ofCursor: request.cursor) { query = query.where("filename", .greaterThan, after) }
        if let q = request.q { query = query.where("filename", .like, "%\(q)%") }
        let rows = try await query.orderBy("filename").limit(request.limit + 1).all()
        let views = try rows.map(Self.firmware)
        return Page(items: Array(views.prefix(request.limit)), next: views.count > request.limit ? Self.cursor(views[request.limit - 1].filename) : nil)
    }

    public func firmware(id: UUID) async throws -> FirmwareView? {
        try await storage.sql.select().columns("*").from("firmware").where("id", .equal, id).first().map(Self.firmware)
    }

    public func firmware(filename: String) async throws -> FirmwareView? {
        try await storage.sql.select().columns("*").from("firmware").where("filename", .equal, filename).first().map(Self.firmware)
    }

    /// Forgets a firmware file (the caller removes it from the disk).
    public func deleteFirmware(_ actor: Actor, id: UUID) async throws -> FirmwareView {
        try actor.require([.operator], to: "delete firmware")
        guard let view = try await firmware(id: id) else { throw DomainError.notFound(what: "firmware", key: id.uuidString) }
        try await transaction(changes: [.everything]) { db in
            try await (db as! any SQLDatabase).raw("DELETE FROM firmware WHERE id = \(bind: id)").run()
            try await self.audit(db, actor, "firmware.delete", "firmware", view.filename, before: view, after: Optional<FirmwareView>.none)
        }
        return view
    }

    static func firmware(_ row: any SQLRow) throws -> FirmwareView {
        FirmwareView(id: try row.decode(column: "id", as: UUID.self), family: try row.decode(column: "family", as: String.self), version: try row.decode(column: "version", as: String.self),
                     filename: try row.decode(column: "filename", as: String.self), size: try row.decode(column: "size", as: Int64.self),
                     sha256: try row.decode(column: "sha256", as: String.self), createdAt: try row.decode(column: "created_at", as: Date.self))
    }
}
