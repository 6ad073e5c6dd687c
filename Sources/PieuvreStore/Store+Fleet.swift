import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore
import SQLKit

/// The fleet at a glance (`GET /api/v1/fleet`): phones by state, model and firmware, requests
/// served and refused per hour over the last 24 hours, alerts waiting for someone.
public struct Fleet: Codable, Sendable, Equatable {
    public struct States: Codable, Sendable, Equatable {
        public var total = 0, waiting = 0, missed = 0, refused = 0, silent = 0, ok = 0
        mutating func add(_ state: PhoneState, _ n: Int) {
            total += n
            switch state {
            case .waiting: waiting += n
            case .missed: missed += n
            case .refused: refused += n
            case .silent: silent += n
            case .ok: ok += n
            }
        }
        public func count(_ state: PhoneState) -> Int {
            switch state {
            case .waiting: waiting
            case .missed: missed
            case .refused: refused
            case .silent: silent
            case .ok: ok
            }
        }
    }
    public struct ModelCount: Codable, Sendable, Equatable { public let model: String; public let count: Int }
    public struct FirmwareCount: Codable, Sendable, Equatable {
        public let model: String
        /// Nil for phones that have not said their version yet (written as null).
        public let firmware: String?
        public let count: Int
        enum CodingKeys: String, CodingKey { case model, firmware, count }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(firmware, forKey: .firmware)
            try c.encode(count, forKey: .count)
        }
    }
    public struct Hour: Codable, Sendable, Equatable { public let hour: Date; public let served: Int; public let refused: Int }
    public let phones: States
    public let models: [ModelCount]
    public let firmware: [FirmwareCount]
    public let requests: [Hour]
    public let alerts: Int
}

/// Whose fleet: the operator's everything, one reseller's customers, one customer.
public struct FleetScope: Sendable, Equatable {
    /// A reseller's login (operator only).
    public var reseller: String?
    /// A customer's reference.
    public var customer: String?
    public init(reseller: String? = nil, customer: String? = nil) {
        self.reseller = reseller
        self.customer = customer
    }
}

/// A phone support has to act on, and what mends it.
public struct StuckPhone: Codable, Sendable, Equatable {
    public let phone: PhoneView
    /// Always set for a stuck state; nil for a phone listed in `waiting` or `ok`.
    public let action: StuckAction?

    enum CodingKeys: String, CodingKey { case action }

    /// The phone's own JSON with `action` beside its fields.
    public func encode(to encoder: any Encoder) throws {
        try phone.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(action, forKey: .action)
    }

    public init(from decoder: any Decoder) throws {
        phone = try PhoneView(from: decoder)
        action = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(StuckAction.self, forKey: .action)
    }

    init(phone: PhoneView, action: StuckAction?) {
        self.phone = phone
        self.action = action
    }
}

private struct FirmwareKey: Hashable {
    let model: String
    let firmware: String?
}

extension Store {
    enum ResolvedScope {
        case all
        case reseller(UUID)
        case customer(UUID)

        /// The condition on a table's `customer_id` (and `reseller_id` when it has one).
        func customers(_ column: String) -> SQLQueryString {
            switch self {
            case .all: "1 = 1"
            case let .reseller(id): "\(unsafeRaw: column) IN (SELECT id FROM customers WHERE reseller_id = \(bind: id))"
            case let .customer(id): "\(unsafeRaw: column) = \(bind: id)"
            }
        }
    }

    /// The caller's fleet, narrowed as asked; another tenant's reseller or customer is unknown (404).
    func resolve(_ actor: Actor, _ scope: FleetScope) async throws -> ResolvedScope {
        try actor.require([.operator, .reseller, .administrator], to: "read the fleet")
        if let reference = scope.customer {
            let customer = try await visibleCustomer(actor, reference, on: db)
            if let login = scope.reseller, try await resellerID(login: login) != customer.$reseller.id { throw DomainError.notFound(what: "customer", key: reference) }
            return .customer(customer.id!)
        }
        switch actor.role {
        case .administrator:
            if let login = scope.reseller { throw DomainError.notFound(what: "reseller", key: login) }
            return .customer(actor.customerID!)
        case .reseller:
            if let login = scope.reseller, try await resellerID(login: login) != actor.resellerID { throw DomainError.notFound(what: "reseller", key: login) }
            return .reseller(actor.resellerID!)
        default:
            guard let login = scope.reseller else { return .all }
            guard let id = try await resellerID(login: login) else { throw DomainError.notFound(what: "reseller", key: login) }
            return .reseller(id)
        }
    }

    private func resellerID(login: String) async throws -> UUID? {
        try await Account.query(on: db).filter(\.$login == login).filter(\.$role == Role.reseller.rawValue).first()?.$reseller.id
    }

    /// When a phone became (or becomes) stuck: refused at its refusal; never served, when its
    /// window closed; served, when it falls silent (nil: never, until a request says). A phone
    /// is stuck exactly when this is past. The same text makes the index (`AddPhoneState`), so
    /// both databases read the stuck list from it in order.
    static let stuckSince = "CASE WHEN refusal IS NOT NULL THEN refused_at WHEN served_at IS NULL THEN COALESCE(authenticate_until, created_at) ELSE silent_after END"

    /// The state of a phone row `p` in SQL, the same rules as `PhoneState.of`.
    static func stateCase(now: Date) -> SQLQueryString {
        """
        CASE WHEN p.refusal IS NOT NULL THEN 'refused'
             WHEN p.served_at IS NULL AND p.authenticate_until > \(bind: now) THEN 'waiting'
             WHEN p.served_at IS NULL THEN 'missed'
             WHEN p.silent_after < \(bind: now) THEN 'silent'
             ELSE 'ok' END
        """
    }

    /// Phones of row `p` in one state: the same expression, so the rule is written once in SQL.
    static func stateCondition(_ state: PhoneState, now: Date) -> SQLQueryString {
        "(" + stateCase(now: now) + ") = \(bind: state.rawValue)"
    }

    public func fleet(_ actor: Actor, _ scope: FleetScope = .init()) async throws -> Fleet {
        let resolved = try await resolve(actor, scope)
        let now = clock.now
        let sql = try storage.sql
        let phones = resolved.customers("p.customer_id")
        // One pass over the scope's phones gives the three tables (by state, by model, by
        // model and firmware): each grouping is a sum over the finer one.
        var states = Fleet.States()
        var byModel: [String: Int] = [:]
        var byFirmware: [FirmwareKey: Int] = [:]
        let rows = try await sql.raw("SELECT p.model AS model, p.firmware AS firmware, " + Self.stateCase(now: now) + " AS state, COUNT(*) AS n FROM phones p WHERE " + phones + " GROUP BY p.model, p.firmware, 3").all()
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            let model = try row.decode(column: "model", as: String.self)
            states.add(PhoneState(rawValue: try row.decode(column: "state", as: String.self)) ?? .ok, n)
            byModel[model, default: 0] += n
            byFirmware[FirmwareKey(model: model, firmware: try row.decode(column: "firmware", as: String?.self)), default: 0] += n
        }
        let models = byModel.map { Fleet.ModelCount(model: $0.key, count: $0.value) }.sorted { ($0.count, $1.model) > ($1.count, $0.model) }
        let firmware = byFirmware.map { Fleet.FirmwareCount(model: $0.key.model, firmware: $0.key.firmware, count: $0.value) }
            .sorted { $0.model != $1.model ? $0.model < $1.model : ($0.count, $1.firmware ?? "") > ($1.count, $0.firmware ?? "") }
        // The last 24 hours, this one included, from the per-hour counters.
        let thisHour = Int64(now.timeIntervalSince1970 / 3600)
        var counted: [Int64: (Int, Int)] = [:]
        for row in try await sql.raw("SELECT hour, CAST(SUM(served) AS BIGINT) AS served, CAST(SUM(refused) AS BIGINT) AS refused FROM request_counts WHERE hour > \(bind: thisHour - 24) AND " + resolved.customers("customer_id") + " GROUP BY hour").all() {
            counted[try row.decode(column: "hour", as: Int64.self)] = (try row.decode(column: "served", as: Int.self), try row.decode(column: "refused", as: Int.self))
        }
        let requests = (thisHour - 23...thisHour).map { hour in
            Fleet.Hour(hour: Date(timeIntervalSince1970: Double(hour) * 3600), served: counted[hour]?.0 ?? 0, refused: counted[hour]?.1 ?? 0)
        }
        let alerts: SQLQueryString = switch resolved {
        case .all: "SELECT COUNT(*) AS n FROM alerts WHERE acknowledged_at IS NULL"
        case let .reseller(id): "SELECT COUNT(*) AS n FROM alerts WHERE acknowledged_at IS NULL AND reseller_id = \(bind: id)"
        case let .customer(id): "SELECT COUNT(*) AS n FROM alerts WHERE acknowledged_at IS NULL AND customer_id = \(bind: id)"
        }
        let unacknowledged = try await sql.raw(alerts).first()?.decode(column: "n", as: Int.self) ?? 0
        return Fleet(phones: states, models: models, firmware: firmware, requests: requests, alerts: unacknowledged)
    }

    /// The caller's phones that are refused, missed or silent (or in the `states` asked), most
    /// recently stuck first, each with what mends it; a page at a time (`since|mac` cursor).
    public func stuckPhones(_ actor: Actor, _ scope: FleetScope = .init(), _ list: ListRequest = .init(), states: [PhoneState] = PhoneState.stuck) async throws -> Page<StuckPhone> {
        let resolved = try await resolve(actor, scope)
        let now = clock.now
        // When it got stuck: refused at; the window's end (missed); the silence's start.
        let since = SQLQueryString("(" + Self.stuckSince + ")")
        var query: SQLQueryString = "SELECT p.id AS id, p.mac AS mac, " + since + " AS since FROM phones p WHERE " + resolved.customers("p.customer_id")
        if Set(states) == Set(PhoneState.stuck) {
            // Stuck is exactly "stuck since a moment now past": the expression's index gives the
            // page in order without reading the customer's other phones.
            query = query + " AND " + since + " <= \(bind: now)"
        } else {
            query = query + " AND (" + states.map { "(" + Self.stateCondition($0, now: now) + ")" }.joined(separator: " OR ") + ")"
        }
        if let (time, mac) = try Self.timeMACKey(ofCursor: list.cursor) {
            query = query + " AND (" + since + " < \(bind: time) OR (" + since + " = \(bind: time) AND p.mac > \(bind: mac)))"
        }
        query = query + " ORDER BY since DESC, p.mac LIMIT \(bind: list.limit + 1)"
        let rows = try await storage.sql.raw(query).all()
        let ids = try rows.prefix(list.limit).map { try $0.decode(column: "id", as: UUID.self) }
        let loaded = ids.isEmpty ? [] : try await Phone.query(on: db).filter(\.$id ~~ ids).with(\.$line).with(\.$department).with(\.$customer).all()
        let byID = Dictionary(uniqueKeysWithValues: loaded.map { ($0.id!, $0) })
        let items: [StuckPhone] = ids.compactMap { id in
            guard let phone = byID[id] else { return nil }
            let view = view(phone, customer: phone.customer.reference, now: now)
            return StuckPhone(phone: view, action: StuckAction.forState(view.state, refusal: view.refusal?.reason))
        }
        let next = rows.count > list.limit ? rows[list.limit - 1] : nil
        return Page(items: items, next: try next.map { Self.timeMACCursor(try $0.decode(column: "since", as: Date.self), try $0.decode(column: "mac", as: String.self)) })
    }
}
