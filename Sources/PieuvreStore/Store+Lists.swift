import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore
import SQLKit

/// How a list is asked for: a search typed by a person, a page size and where the last page
/// ended. Every list pages by key (not offset), so pages stay complete and stable while rows
/// come and go, and nothing loads more than a page.
public struct ListRequest: Sendable, Equatable {
    public static let defaultLimit = 100
    public static let maxLimit = 1000
    public var q: String?
    public var limit: Int
    public var cursor: String?

    public init(q: String? = nil, limit: Int? = nil, cursor: String? = nil) {
        // A search box sends no control characters; one that comes (a NUL, which PostgreSQL
        // refuses in any text) is dropped rather than searched.
        let typed = q.map { String(String.UnicodeScalarView($0.unicodeScalars.filter { $0.properties.generalCategory != .control })) }?.trimmingWhitespace()
        self.q = (typed?.isEmpty ?? true) ? nil : String(typed!.prefix(100))
        self.limit = max(1, min(limit ?? Self.defaultLimit, Self.maxLimit))
        self.cursor = cursor
    }

    /// Everything, for callers that need a whole (small, bounded) list.
    public static let all = ListRequest(limit: maxLimit)
}

/// The filters of the phone list (API `department`, `model`, `line`, `windowOpen`, `firmwareNot`, `state`).
public struct PhoneFilter: Sendable, Equatable {
    public var department: String?
    public var model: String?
    public var line: String?
    public var windowOpen: Bool?
    /// Phones not reporting this firmware version (another, or none yet): with `model`, the
    /// phones still to upgrade to a pinned version.
    public var firmwareNot: String?
    /// Phones in this state (`PhoneState`).
    public var state: PhoneState?
    public init(department: String? = nil, model: String? = nil, line: String? = nil, windowOpen: Bool? = nil, firmwareNot: String? = nil, state: PhoneState? = nil) {
        self.state = state
        self.department = department
        self.model = model
        self.line = line
        self.windowOpen = windowOpen
        self.firmwareNot = firmwareNot
    }
}

extension Store {
    /// The key the last row of a page ended on, as an opaque string.
    static func cursor(_ key: String) -> String {
        Data(("k:" + key).utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }

    static func key(ofCursor cursor: String?) throws(DomainError) -> String? {
        guard let cursor else { return nil }
        let padded = cursor + String(repeating: "=", count: (4 - cursor.count % 4) % 4)
        guard cursor.count <= 400, let data = Data(base64Encoded: padded), let text = String(data: data, encoding: .utf8), text.hasPrefix("k:") else {
            throw DomainError.invalid(field: "cursor", value: String(cursor.prefix(40)), reason: Reason("bad-cursor", en: "is not a cursor this list gave", fr: "n'est pas une page de cette liste."))
        }
        return String(text.dropFirst(2))
    }

    /// `%fragment%` for LIKE, lowercased, with what a person typed searched as itself.
    static func like(_ text: String) -> String {
        "%" + text.lowercased().replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
    }

    /// `%fragment%` for the query builder's LIKE (which takes no ESCAPE clause): the wildcards a
    /// person typed are dropped rather than searched.
    static func likePlain(_ text: String) -> String {
        "%" + text.lowercased().filter { $0 != "%" && $0 != "_" && $0 != "\\" } + "%"
    }

    /// A MAC fragment in any notation (`80:5E:C0`, `805ec0`, `80-5e`), as stored (lowercase hex).
    static func macFragment(_ q: String) -> String? {
        let hex = q.filter { !":-. ".contains($0) }.lowercased()
        return hex.count >= 2 && hex.count <= 12 && hex.allSatisfy(\.isHexDigit) ? hex : nil
    }

    // MARK: phones

    /// A customer's phones by MAC, a page at a time. `q` finds a MAC fragment in any notation,
    /// a description, a line number or name, a department; the filters narrow further. All of
    /// it in SQL on the customer's index: a page costs the same with 100 phones or 100,000.
    public func phones(_ actor: Actor, reference: String, _ list: ListRequest = .init(), filter: PhoneFilter = .init()) async throws -> Page<PhoneView> {
        try actor.require([.operator, .reseller, .administrator], to: "list phones")
        let customer = try await visibleCustomer(actor, reference, on: db)
        var sql: SQLQueryString = """
            SELECT p.id AS id, p.mac AS mac FROM phones p
            LEFT JOIN lines l ON l.id = p.line_id
            LEFT JOIN departments d ON d.id = COALESCE(p.department_id, l.department_id)
            WHERE p.customer_id = \(bind: customer.id!)
            """
        if let after = try Self.key(ofCursor: list.cursor) { sql = sql + " AND p.mac > \(bind: after)" }
        if let q = list.q {
            let words = Self.like(Phone.fold(q))
            var any: SQLQueryString = "p.search_fold LIKE \(bind: words) ESCAPE '\\' OR d.search_fold LIKE \(bind: words) ESCAPE '\\' OR l.search_fold LIKE \(bind: words) ESCAPE '\\'"
            if let mac = Self.macFragment(q) { any = any + " OR p.mac LIKE \(bind: Self.like(mac)) ESCAPE '\\'" }
            let digits = q.filter { !" .-".contains($0) }
            if !digits.isEmpty, digits.allSatisfy(\.isNumber) {
                any = any + " OR l.sda LIKE \(bind: Self.like((try? DirectNumber(parsing: digits).digits) ?? digits)) ESCAPE '\\'"
            }
            sql = sql + " AND (" + any + ")"
        }
        if let department = filter.department { sql = sql + " AND d.name = \(bind: department)" }
        if let model = filter.model { sql = sql + " AND p.model = \(bind: (try? Catalogue.model(named: model))?.id ?? model)" }
        if let line = filter.line { sql = sql + " AND l.sda = \(bind: (try? DirectNumber(parsing: line).digits) ?? line)" }
        if let state = filter.state { sql = sql + " AND (" + Self.stateCondition(state, now: clock.now) + ")" }
        if let version = filter.firmwareNot { sql = sql + " AND (p.firmware IS NULL OR p.firmware <> \(bind: version))" }
        if let open = filter.windowOpen {
            sql = sql + (open ? " AND p.authenticate_until > \(bind: clock.now)" : " AND (p.authenticate_until IS NULL OR p.authenticate_until <= \(bind: clock.now))")
        }
        sql = sql + " ORDER BY p.mac LIMIT \(bind: list.limit + 1)"
        let rows = try await storage.sql.raw(sql).all()
        let ids = try rows.prefix(list.limit).map { try $0.decode(column: "id", as: UUID.self) }
        let phones = ids.isEmpty ? [] : try await Phone.query(on: db).filter(\.$id ~~ ids).with(\.$line).with(\.$department).sort(\.$mac).all()
        let now = clock.now
        let next = rows.count > list.limit ? try rows[list.limit - 1].decode(column: "mac", as: String.self) : nil
        return Page(items: phones.map { view($0, customer: customer.reference, now: now) }, next: next.map(Self.cursor))
    }

    /// How many phones a customer has (the portal shows it; one indexed count).
    public func phoneCount(_ actor: Actor, reference: String) async throws -> Int {
        let customer = try await visibleCustomer(actor, reference, on: db)
        return try await Phone.query(on: db).filter(\.$customer.$id == customer.id!).count()
    }

    // MARK: lines

    /// A customer's lines by number, a page at a time; `q` finds a number, a name, a department.
    public func lines(_ actor: Actor, reference: String, _ list: ListRequest = .init()) async throws -> Page<LineView> {
        try actor.require([.operator, .reseller, .administrator], to: "list lines")
        let customer = try await visibleCustomer(actor, reference, on: db)
        var sql: SQLQueryString = "SELECT l.id AS id, l.sda AS sda FROM lines l LEFT JOIN departments d ON d.id = l.department_id WHERE l.customer_id = \(bind: customer.id!)"
        if let after = try Self.key(ofCursor: list.cursor) { sql = sql + " AND l.sda > \(bind: after)" }
        if let q = list.q {
            let digits = q.filter { !" .-".contains($0) }
            let number = digits.allSatisfy(\.isNumber) && !digits.isEmpty ? ((try? DirectNumber(parsing: digits).digits) ?? digits) : q
            let words = Self.like(Line.fold(q))
            sql = sql + " AND (l.search_fold LIKE \(bind: words) ESCAPE '\\' OR d.search_fold LIKE \(bind: words) ESCAPE '\\' OR l.sda LIKE \(bind: Self.like(number)) ESCAPE '\\')"
        }
        sql = sql + " ORDER BY l.sda LIMIT \(bind: list.limit + 1)"
        let rows = try await storage.sql.raw(sql).all()
        let ids = try rows.prefix(list.limit).map { try $0.decode(column: "id", as: UUID.self) }
        let lines = ids.isEmpty ? [] : try await Line.query(on: db).filter(\.$id ~~ ids).with(\.$department).sort(\.$sda).all()
        let next = rows.count > list.limit ? try rows[list.limit - 1].decode(column: "sda", as: String.self) : nil
        return Page(items: lines.map { Self.view($0, customer: customer.reference) }, next: next.map(Self.cursor))
    }

    // MARK: customers

    /// The customers the caller sees, by reference; `q` finds a reference, a company name, a
    /// city, a SIRET.
    public func customers(_ actor: Actor, _ list: ListRequest = .init()) async throws -> Page<CustomerSheet> {
        try actor.require([.operator, .reseller, .administrator], to: "list customers")
        let query = try Customer.query(on: db).with(\.$reseller).sort(\.$reference).limit(list.limit + 1)
        switch actor.role {
        case .reseller: query.filter(\.$reseller.$id == actor.resellerID!)
        case .administrator: query.filter(\.$id == actor.customerID!)
        default: break
        }
        if let after = try Self.key(ofCursor: list.cursor) { query.filter(\.$reference > after) }
        if let q = list.q {
            let pattern = Self.likePlain(q)
            query.group(.or) { or in
                or.filter(\.$searchFold, .custom("LIKE"), Self.likePlain(Customer.fold(q)))
                or.filter(\.$reference, .custom("LIKE"), pattern)
                or.filter(\.$siret, .custom("LIKE"), pattern)
            }
        }
        let rows = try await query.all()
        let next = rows.count > list.limit ? rows[list.limit - 1].reference : nil
        return Page(items: rows.prefix(list.limit).map(Self.sheet), next: next.map(Self.cursor))
    }

    // MARK: departments

    /// A customer's departments by name, each with its parent.
    public func departments(_ actor: Actor, reference: String, _ list: ListRequest = .init()) async throws -> Page<DepartmentView> {
        try actor.require([.operator, .reseller, .administrator], to: "list departments")
        let customer = try await visibleCustomer(actor, reference, on: db)
        let query = try Department.query(on: db).filter(\.$customer.$id == customer.id!).with(\.$parent).sort(\.$name).limit(list.limit + 1)
        if let after = try Self.key(ofCursor: list.cursor) { query.filter(\.$name > after) }
        if let q = list.q { query.filter(\.$searchFold, .custom("LIKE"), Self.likePlain(Department.fold(q))) }
        let rows = try await query.all()
        let next = rows.count > list.limit ? rows[list.limit - 1].name : nil
        return Page(items: rows.prefix(list.limit).map { DepartmentView(name: $0.name, parent: $0.parent?.name) }, next: next.map(Self.cursor))
    }

    // MARK: logs, newest first

    /// `at|id` of the last row of a page (a Double prints back exactly).
    static func timeCursor(_ at: Date, _ id: UUID) -> String { cursor("\(at.timeIntervalSince1970)|\(id.uuidString)") }

    static func timeKey(ofCursor cursor: String?) throws(DomainError) -> (Date, UUID)? {
        guard let key = try key(ofCursor: cursor) else { return nil }
        let parts = key.split(separator: "|")
        guard parts.count == 2, let seconds = Double(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            throw DomainError.invalid(field: "cursor", value: String(cursor!.prefix(40)), reason: Reason("bad-cursor", en: "is not a cursor this list gave", fr: "n'est pas une page de cette liste."))
        }
        return (Date(timeIntervalSince1970: seconds), id)
    }

    /// `at|mac` of the last row of a page ordered by a time (latest first), then MAC.
    static func timeMACCursor(_ at: Date, _ mac: String) -> String { cursor("\(at.timeIntervalSince1970)|\(mac)") }

    static func timeMACKey(ofCursor cursor: String?) throws(DomainError) -> (Date, String)? {
        guard let key = try key(ofCursor: cursor) else { return nil }
        let parts = key.split(separator: "|")
        guard parts.count == 2, let seconds = Double(parts[0]) else {
            throw DomainError.invalid(field: "cursor", value: String(cursor!.prefix(40)), reason: Reason("bad-cursor", en: "is not a cursor this list gave", fr: "n'est pas une page de cette liste."))
        }
        return (Date(timeIntervalSince1970: seconds), String(parts[1]))
    }

    /// Newest first, a page at a time, after the cursor's row: for logs that only grow.
    static func newestFirst<M: Model>(_ query: QueryBuilder<M>, at: KeyPath<M, FieldProperty<M, Date>>, id: KeyPath<M, IDProperty<M, UUID>>, _ list: ListRequest) throws -> QueryBuilder<M> {
        if let (time, last) = try timeKey(ofCursor: list.cursor) {
            query.group(.or) { or in
                or.filter(at < time)
                or.group(.and) { same in same.filter(at == time).filter(id < last) }
            }
        }
        return query.sort(at, .descending).sort(id, .descending).limit(list.limit + 1)
    }
}
