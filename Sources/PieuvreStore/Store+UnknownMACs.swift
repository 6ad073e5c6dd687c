import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// A MAC no phone has that asked for its files, with the registered phones it was probably
/// meant to be (`GET /api/v1/fleet/unknown`).
public struct UnknownMAC: Codable, Sendable, Equatable {
    public struct Near: Codable, Sendable, Equatable {
        public let mac: String
        public let customer: String
        public let sda: String?

        enum CodingKeys: String, CodingKey { case mac, customer, sda }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(mac, forKey: .mac)
            try c.encode(customer, forKey: .customer)
            try c.encode(sda, forKey: .sda)
        }
    }
    public let mac: String
    public let requests: Int
    public let lastAt: Date
    public let lastIP: String
    public let userAgent: String?
    public let near: [Near]

    enum CodingKeys: String, CodingKey { case mac, requests, lastAt, lastIP, userAgent, near }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mac, forKey: .mac)
        try c.encode(requests, forKey: .requests)
        try c.encode(lastAt, forKey: .lastAt)
        try c.encode(lastIP, forKey: .lastIP)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(near, forKey: .near)
    }
}

/// Requests for one MAC no phone has, gathered by the journal between two writes.
public struct UnknownSighting: Sendable {
    public let mac: MACAddress
    public var count: Int
    public var at: Date
    public var ip: String
    public var userAgent: String?
    public init(mac: MACAddress, count: Int = 1, at: Date, ip: String, userAgent: String?) {
        self.mac = mac
        self.count = count
        self.at = at
        self.ip = ip
        self.userAgent = userAgent
    }
}

extension Store {
    /// How long an unknown MAC is listed after its last request.
    static let unknownMACDays = 7.0

    /// Records requests for MACs no phone has (files not found under a MAC) and finds, each
    /// time such a MAC asks, the registered phones one typing slip away: a phone registered
    /// after the slip is found at the slipped MAC's next request.
    func recordUnknownMACs(_ sightings: [UnknownSighting], on sql: any SQLDatabase) async throws {
        for sighting in sightings.sorted(by: { $0.mac < $1.mac }) {
            let hex = sighting.mac.hex
            let (count, last) = (sighting.count, sighting)
            try await sql.raw("""
                INSERT INTO unknown_macs (mac, requests, first_at, last_at, last_ip, user_agent)
                VALUES (\(bind: hex), \(bind: count), \(bind: last.at), \(bind: last.at), \(bind: last.ip), \(bind: last.userAgent))
                ON CONFLICT (mac) DO UPDATE SET requests = unknown_macs.requests + excluded.requests, last_at = excluded.last_at,
                    last_ip = excluded.last_ip, user_agent = excluded.user_agent
                """).run()
            let near = TypingSlips.near(sighting.mac)
            let phones = try await sql.raw("SELECT id FROM phones WHERE mac IN (\(binds: near))").all().map { try $0.decode(column: "id", as: UUID.self) }
            try await sql.raw("DELETE FROM unknown_near WHERE mac = \(bind: hex)").run()
            for phone in phones {
                try await sql.raw("INSERT INTO unknown_near (mac, phone_id) VALUES (\(bind: hex), \(bind: phone))").run()
            }
        }
    }

    /// MACs no phone has that asked in the last 7 days, latest first. The operator sees every
    /// one; a reseller or an administrator (and the operator narrowing to a reseller or a
    /// customer) only those one slip away from a phone of theirs, and only those phones.
    public func unknownMACs(_ actor: Actor, _ scope: FleetScope = .init(), _ list: ListRequest = .init()) async throws -> Page<UnknownMAC> {
        let resolved = try await resolve(actor, scope)
        let sql = try storage.sql
        let ours: SQLQueryString = "EXISTS (SELECT 1 FROM unknown_near n JOIN phones p ON p.id = n.phone_id WHERE n.mac = u.mac AND " + resolved.customers("p.customer_id") + ")"
        var query: SQLQueryString = "SELECT u.mac AS mac, u.requests AS requests, u.last_at AS last_at, u.last_ip AS last_ip, u.user_agent AS user_agent FROM unknown_macs u WHERE u.last_at > \(bind: clock.now.addingTimeInterval(-Self.unknownMACDays * 86_400))"
        // Registered since it asked: no longer unknown.
        query = query + " AND NOT EXISTS (SELECT 1 FROM phones r WHERE r.mac = u.mac)"
        if case .all = resolved {} else { query = query + " AND " + ours }
        if let (time, mac) = try Self.timeMACKey(ofCursor: list.cursor) {
            query = query + " AND (u.last_at < \(bind: time) OR (u.last_at = \(bind: time) AND u.mac > \(bind: mac)))"
        }
        let rows = try await sql.raw(query + " ORDER BY u.last_at DESC, u.mac LIMIT \(bind: list.limit + 1)").all()
        let page = Array(rows.prefix(list.limit))
        let macs = try page.map { try $0.decode(column: "mac", as: String.self) }
        var near: [String: [UnknownMAC.Near]] = [:]
        if !macs.isEmpty {
            let found = try await sql.raw("""
                SELECT n.mac AS unknown, p.mac AS mac, c.reference AS reference, l.sda AS sda FROM unknown_near n
                JOIN phones p ON p.id = n.phone_id JOIN customers c ON c.id = p.customer_id LEFT JOIN lines l ON l.id = p.line_id
                WHERE n.mac IN (\(binds: macs)) AND 
                """ + resolved.customers("p.customer_id") + " ORDER BY p.mac").all()
            for row in found {
                let phone = try MACAddress(parsing: try row.decode(column: "mac", as: String.self)).description
                near[try row.decode(column: "unknown", as: String.self), default: []].append(
                    UnknownMAC.Near(mac: phone, customer: try row.decode(column: "reference", as: String.self), sda: try row.decode(column: "sda", as: String?.self)))
            }
        }
        let items = try page.map { row in
            let hex = try row.decode(column: "mac", as: String.self)
            return UnknownMAC(mac: try MACAddress(parsing: hex).description, requests: try row.decode(column: "requests", as: Int.self),
                              lastAt: try row.decode(column: "last_at", as: Date.self), lastIP: try row.decode(column: "last_ip", as: String.self),
                              userAgent: try row.decode(column: "user_agent", as: String?.self), near: near[hex] ?? [])
        }
        let next = rows.count > list.limit ? page.last : nil
        return Page(items: items, next: try next.map { Self.timeMACCursor(try $0.decode(column: "last_at", as: Date.self), try $0.decode(column: "mac", as: String.self)) })
    }
}
