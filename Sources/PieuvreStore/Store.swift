import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore
import NIOConcurrencyHelpers
import SQLKit

/// The operations of the platform on its records. Every change goes through here, checks
/// what the actor may see (another tenant's object is "not found"), and leaves an audit entry
/// in the same transaction.
public struct Store: Sendable {
    public let storage: Storage
    public let clock: any WallClock
    public let window: ProvisioningWindow
    /// bcrypt cost for portal and account passwords.
    public let passwordCost: UInt8
    public let sessionLifetime: TimeInterval
    /// Hears what this node's committed changes made stale (the phone-facing caches).
    public let committed = CommitListeners()
    /// How failed sign-ins slow the next ones (shared by every node through the database).
    public var loginThrottle = LoginThrottlePolicy()
    var policy: LoginThrottlePolicy { loginThrottle }
    /// Verified against when a login is unknown, at the same cost as real hashes, so that an
    /// unknown login takes as long as a wrong password.
    let decoyHash: String

    /// Seals secrets at rest with the key outside the database.
    public let secrets: SecretBox

    public init(storage: Storage, secrets: SecretBox, clock: any WallClock = SystemWallClock(), window: ProvisioningWindow = .init(), passwordCost: UInt8 = 10, sessionLifetime: TimeInterval = 12 * 3600) {
        self.secrets = secrets
        self.storage = storage
        self.clock = clock
        self.window = window
        self.passwordCost = passwordCost
        self.sessionLifetime = sessionLifetime
        self.decoyHash = Secrets.decoy(cost: passwordCost)
    }

    var db: any Database { get throws { try storage.database } }

    /// Runs `body` in a transaction and turns a unique-index violation into the seed's duplicate
    /// error: the index, not a prior check, decides between two simultaneous creations.
    /// `changes` says what the change makes stale in the phone-facing caches (written to the
    /// change feed in the same transaction, and told to this node's listeners once committed);
    /// the default, everything, is right for any change that does not know better.
    func transaction<T: Sendable>(duplicate: (field: String, value: String)? = nil, changes: Set<CacheChange> = [.everything], _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        let now = clock.now
        do {
            let (result, positions) = try await db.transaction { db in
                let result = try await body(db)
                let sql = db as! any SQLDatabase
                var positions: [Int64] = []
                // One statement for all of them (a batch of first contacts changes many phones).
                for chunk in Array(changes).chunked(into: 500) {
                    var insert = sql.insert(into: "change_feed").columns("kind", "key", "at")
                    for change in chunk {
                        let (kind, key) = change.stored
                        insert = insert.values(SQLBind(kind), SQLBind(key), SQLBind(now))
                    }
                    for row in try await insert.returning("position").all() {
                        positions.append(try row.decode(column: "position", as: Int64.self))
                    }
                }
                return (result, positions)
            }
            if !changes.isEmpty { committed.tell(changes, positions: positions) }
            return result
        } catch let error as any DatabaseError where error.isConstraintFailure {
            if let duplicate { throw DomainError.duplicate(field: duplicate.field, value: duplicate.value) }
            throw DomainError.unprocessable(Reason("conflict", en: "the change conflicts with existing records", fr: "La modification entre en conflit avec des enregistrements existants."))
        }
    }

    func audit(_ db: any Database, _ actor: Actor, _ action: String, _ type: String, _ key: String, before: (some Encodable)?, after: (some Encodable)?) async throws {
        let event = AuditEvent()
        event.at = clock.now
        event.actorLogin = actor.login
        event.actorRole = actor.role.rawValue
        event.action = action
        event.objectType = type
        event.objectKey = key
        event.before = before.map(Self.json)
        event.after = after.map(Self.json)
        try await event.create(on: db)
    }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    // MARK: tenant scoping

    /// The customer with this reference, if the actor may see it; otherwise "not found".
    func visibleCustomer(_ actor: Actor, _ reference: String, on db: any Database) async throws -> Customer {
        let notFound = DomainError.notFound(what: "customer", key: reference)
        guard let customer = try await Customer.query(on: db).filter(\.$reference == reference).with(\.$reseller).first() else {
            throw notFound
        }
        guard Self.canSee(actor, customerID: customer.id!, resellerID: customer.$reseller.id) else { throw notFound }
        return customer
    }

    static func canSee(_ actor: Actor, customerID: UUID, resellerID: UUID) -> Bool {
        switch actor.role {
        case .operator: return true
        case .reseller: return actor.resellerID == resellerID
        case .administrator: return actor.customerID == customerID
        case .user: return false
        }
    }

    func visibleLine(_ actor: Actor, _ sda: String, on db: any Database) async throws -> Line {
        let notFound = DomainError.notFound(what: "line", key: sda)
        let number = (try? DirectNumber(parsing: sda).digits) ?? sda
        guard let line = try await Line.query(on: db).filter(\.$sda == number).with(\.$customer).with(\.$department).first() else {
            throw notFound
        }
        if actor.role == .user {
            guard actor.lineID == line.id else { throw notFound }
        } else {
            guard Self.canSee(actor, customerID: line.$customer.id, resellerID: line.customer.$reseller.id) else { throw notFound }
        }
        return line
    }

    func visiblePhone(_ actor: Actor, _ macText: String, on db: any Database) async throws -> Phone {
        let notFound = DomainError.notFound(what: "phone", key: macText)
        guard let mac = try? MACAddress(parsing: macText) else { throw notFound }
        guard let phone = try await Phone.query(on: db).filter(\.$mac == mac.hex)
            .with(\.$customer).with(\.$line).with(\.$department).first() else {
            throw notFound
        }
        if actor.role == .user {
            // A line's user sees the phones on their own line, and nothing else.
            guard let lineID = actor.lineID, phone.$line.id == lineID else { throw notFound }
        } else {
            guard Self.canSee(actor, customerID: phone.$customer.id, resellerID: phone.customer.$reseller.id) else { throw notFound }
        }
        return phone
    }

    func department(named name: String, customerID: UUID, on db: any Database) async throws -> Department {
        guard let department = try await Department.query(on: db)
            .filter(\.$customer.$id == customerID).filter(\.$name == name).first() else {
            throw DomainError.invalid(field: "department", value: name, reason: Reason("unknown-department", en: "is not a department of this customer", fr: "n'est pas un département de ce client."))
        }
        return department
    }
}

/// Who hears, on this node, what its own committed changes made stale (the phone-facing
/// cache); other nodes learn it from the change feed.
public final class CommitListeners: Sendable {
    private let listeners = NIOLockedValueBox<[@Sendable (Set<CacheChange>) -> Void]>([])
    /// The feed positions this node wrote (bounded), which its feed reader need not apply again:
    /// dropping a phone twice would make its next fetch a miss for nothing.
    private let own = NIOLockedValueBox(Set<Int64>())
    public init() {}
    public func add(_ listener: @escaping @Sendable (Set<CacheChange>) -> Void) { listeners.withLockedValue { $0.append(listener) } }
    func tell(_ changes: Set<CacheChange>, positions: [Int64]) {
        own.withLockedValue { own in
            if own.count > 100_000 { own.removeAll() }
            own.formUnion(positions)
        }
        for listener in listeners.withLockedValue({ $0 }) { listener(changes) }
    }

    /// Whether this node wrote that feed position (and so applied it already); forgets it.
    public func takeOwn(_ position: Int64) -> Bool {
        own.withLockedValue { $0.remove(position) != nil }
    }
}
