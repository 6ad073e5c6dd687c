import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// What the phone-facing side reports to people: a MAC scanner blocked, a window's first fetch
/// by another model than the registered one, one MAC fetched from two addresses in its window.
public enum AlertKind: String, Sendable, Codable {
    case macScan = "mac-scan"
    case modelMismatch = "model-mismatch"
    case twoAddresses = "two-addresses"
    case outsideNetworks = "outside-networks"
}

public struct NewAlert: Sendable {
    public let kind: AlertKind
    public let sourceIP: String
    public let mac: String?
    public let customerID: UUID?
    public let detail: String
    public init(kind: AlertKind, sourceIP: String, mac: String?, customerID: UUID?, detail: String) {
        self.kind = kind
        self.sourceIP = sourceIP
        self.mac = mac
        self.customerID = customerID
        self.detail = detail
    }
}

public struct AlertView: Codable, Sendable, Equatable {
    /// What `POST /alerts/{id}/acknowledge` names.
    public let id: UUID
    public let at: Date
    public let kind: AlertKind
    public let sourceIP: String
    public let mac: String?
    public let customer: String?
    public let detail: String
    /// When someone dealt with it, and who (nil: still to see).
    public let acknowledgedAt: Date?
    public let acknowledgedBy: String?

    enum CodingKeys: String, CodingKey { case id, at, kind, sourceIP, mac, customer, detail, acknowledgedAt, acknowledgedBy }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(acknowledgedAt, forKey: .acknowledgedAt)
        try c.encode(acknowledgedBy, forKey: .acknowledgedBy)
        try c.encode(at, forKey: .at)
        try c.encode(kind, forKey: .kind)
        try c.encode(sourceIP, forKey: .sourceIP)
        try c.encode(mac, forKey: .mac)
        try c.encode(customer, forKey: .customer)
        try c.encode(detail, forKey: .detail)
    }
}

extension Store {
    /// Records an alert, once an hour per kind, MAC and source (a phone that keeps fetching from
    /// a second address makes one alert, not one per request).
    public func recordAlert(_ alert: NewAlert) async throws {
        let sql = try storage.sql
        let now = clock.now
        var query = SQLQueryString("SELECT COUNT(*) AS n FROM alerts WHERE kind = \(bind: alert.kind.rawValue) AND source_ip = \(bind: alert.sourceIP) AND at > \(bind: now.addingTimeInterval(-3600))")
        if let mac = alert.mac { query.appendInterpolation(unsafeRaw: " AND mac = "); query.appendInterpolation(bind: mac) }
        if let row = try await sql.raw(query).first(), try row.decode(column: "n", as: Int.self) > 0 { return }
        var resellerID: UUID?
        if let customerID = alert.customerID { resellerID = try await Customer.find(customerID, on: db)?.$reseller.id }
        try await sql.insert(into: "alerts").columns("id", "at", "kind", "source_ip", "mac", "customer_id", "reseller_id", "detail")
            .values(SQLBind(UUID()), SQLBind(now), SQLBind(alert.kind.rawValue), SQLBind(alert.sourceIP), SQLBind(alert.mac),
                    SQLBind(alert.customerID), SQLBind(resellerID), SQLBind(String(alert.detail.prefix(512))))
            .run()
    }

    /// The operator sees every alert; a reseller those touching its customers.
    /// Newest first, a page at a time.
    public func alerts(_ actor: Actor, _ list: ListRequest = .init()) async throws -> Page<AlertView> {
        try actor.require([.operator, .reseller], to: "read alerts")
        var query: SQLQueryString = "SELECT a.id AS id, a.at AS at, a.kind AS kind, a.source_ip AS source_ip, a.mac AS mac, a.detail AS detail, a.acknowledged_at AS acknowledged_at, a.acknowledged_by AS acknowledged_by, c.reference AS reference FROM alerts a LEFT JOIN customers c ON c.id = a.customer_id WHERE 1 = 1"
        if actor.role == .reseller { query = query + " AND a.reseller_id = \(bind: actor.resellerID ?? UUID())" }
        if let (time, last) = try Self.timeKey(ofCursor: list.cursor) {
            query = query + " AND (a.at < \(bind: time) OR (a.at = \(bind: time) AND a.id < \(bind: last)))"
        }
        query = query + " ORDER BY a.at DESC, a.id DESC LIMIT \(bind: list.limit + 1)"
        let rows = try await storage.sql.raw(query).all()
        let next = rows.count > list.limit ? rows[list.limit - 1] : nil
        let items = try rows.prefix(list.limit).map { row in
            AlertView(id: try row.decode(column: "id", as: UUID.self), at: try row.decode(column: "at", as: Date.self), kind: AlertKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .macScan,
                      sourceIP: try row.decode(column: "source_ip", as: String.self),
                      mac: try row.decodeNil(column: "mac") ? nil : try row.decode(column: "mac", as: String.self),
                      customer: try row.decodeNil(column: "reference") ? nil : try row.decode(column: "reference", as: String.self),
                      detail: try row.decode(column: "detail", as: String.self),
                      acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self), acknowledgedBy: try row.decode(column: "acknowledged_by", as: String?.self))
        }
        return Page(items: items, next: try next.map { Self.timeCursor(try $0.decode(column: "at", as: Date.self), try $0.decode(column: "id", as: UUID.self)) })
    }

    /// Marks an alert seen (it leaves the fleet's count; the list keeps it, with who and when).
    /// Another reseller's alert, or an unknown id, is not found.
    public func acknowledgeAlert(_ actor: Actor, id text: String) async throws -> AlertView {
        try actor.require([.operator, .reseller], to: "acknowledge alerts")
        let notFound = DomainError.notFound(what: "alert", key: String(text.prefix(40)))
        guard let id = UUID(uuidString: text) else { throw notFound }
        let sql = try storage.sql
        var owner: SQLQueryString = "SELECT id FROM alerts WHERE id = \(bind: id)"
        if actor.role == .reseller { owner = owner + " AND reseller_id = \(bind: actor.resellerID ?? UUID())" }
        guard try await sql.raw(owner).first() != nil else { throw notFound }
        let now = clock.now
        try await sql.raw("UPDATE alerts SET acknowledged_at = \(bind: now), acknowledged_by = \(bind: actor.login) WHERE id = \(bind: id) AND acknowledged_at IS NULL").run()
        let row = try await sql.raw("SELECT a.id AS id, a.at AS at, a.kind AS kind, a.source_ip AS source_ip, a.mac AS mac, a.detail AS detail, a.acknowledged_at AS acknowledged_at, a.acknowledged_by AS acknowledged_by, c.reference AS reference FROM alerts a LEFT JOIN customers c ON c.id = a.customer_id WHERE a.id = \(bind: id)").first()
        guard let row else { throw notFound }
        return AlertView(id: id, at: try row.decode(column: "at", as: Date.self), kind: AlertKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .macScan,
                         sourceIP: try row.decode(column: "source_ip", as: String.self), mac: try row.decode(column: "mac", as: String?.self),
                         customer: try row.decode(column: "reference", as: String?.self), detail: try row.decode(column: "detail", as: String.self),
                         acknowledgedAt: try row.decode(column: "acknowledged_at", as: Date?.self), acknowledgedBy: try row.decode(column: "acknowledged_by", as: String?.self))
    }
}
