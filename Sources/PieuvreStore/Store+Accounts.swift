import FluentKit
import Foundation
import PieuvreCore

extension Store {
    /// On an empty platform, creates the operator account `admin`. Returns the password when it
    /// was drawn at random (to be printed once), nil when given or when the account exists.
    public func bootstrapOperator(password: String?) async throws -> (created: Bool, generatedPassword: String?) {
        if try await Account.query(on: db).filter(\.$role == Role.operator.rawValue).count() > 0 {
            return (false, nil)
        }
        let chosen = try password.map { p throws(DomainError) in try FieldRules.password(p, field: "admin password") }
        let secret = chosen ?? Secrets.password()
        let hash = try await Secrets.hashPassword(secret, cost: passwordCost)
        let account = Account(login: "admin", passwordHash: hash, role: Role.operator.rawValue, resellerID: nil, createdAt: clock.now)
        try await transaction(duplicate: ("login", "admin"), changes: []) { db in
            try await account.create(on: db)
            try await audit(db, .system, "account.create", "account", "admin", before: Optional<String>.none, after: ["login": "admin", "role": "operator"])
        }
        return (true, chosen == nil ? secret : nil)
    }

    public func createReseller(_ actor: Actor, name: String?, login: String?, password: String?) async throws -> ResellerView {
        try actor.require([.operator], to: "create resellers")
        let name = try FieldRules.text(name, field: "name")
        let login = try FieldRules.login(login)
        let password = try FieldRules.password(password)
        let hash = try await Secrets.hashPassword(password, cost: passwordCost)
        let now = clock.now
        return try await transaction(duplicate: ("login", login), changes: []) { db in
            let reseller = Reseller(name: name, createdAt: now)
            try await reseller.create(on: db)
            try await Account(login: login, passwordHash: hash, role: Role.reseller.rawValue, resellerID: reseller.id, createdAt: now).create(on: db)
            let view = ResellerView(name: name, login: login, createdAt: now)
            try await audit(db, actor, "reseller.create", "reseller", login, before: Optional<ResellerView>.none, after: view)
            return view
        }
    }

    /// The actor behind a bearer token, or nil when the token is unknown or expired.
    public func actor(forToken token: String) async throws -> Actor? {
        guard let session = try await APISession.query(on: db).filter(\.$tokenHash == Secrets.sha256Hex(token)).first(),
              session.expiresAt > clock.now,
              let role = Role(rawValue: session.role) else { return nil }
        if let accountID = session.$account.id {
            guard let account = try await Account.find(accountID, on: db) else { return nil }
            return Actor(role: role, login: account.login, accountID: accountID, resellerID: account.$reseller.id)
        }
        if let lineID = session.$line.id {
            guard let line = try await Line.find(lineID, on: db) else { return nil }
            // The administrator flag may have changed since login: the line's current state decides.
            let current: Role = line.administrator ? .administrator : .user
            return Actor(role: current, login: line.sda, customerID: line.$customer.id, lineID: lineID)
        }
        return nil
    }

    public func closeSession(token: String) async throws {
        try await APISession.query(on: db).filter(\.$tokenHash == Secrets.sha256Hex(token)).delete()
    }

    /// The audit log, newest first, a page at a time (operator).
    public func auditLog(_ actor: Actor, _ list: ListRequest = .init()) async throws -> Page<AuditEntry> {
        try actor.require([.operator], to: "read the audit log")
        let rows = try await Self.newestFirst(AuditEvent.query(on: db), at: \.$at, id: \.$id, list).all()
        let next = rows.count > list.limit ? rows[list.limit - 1] : nil
        return Page(items: rows.prefix(list.limit).map {
            AuditEntry(at: $0.at, actor: $0.actorLogin, role: $0.actorRole, action: $0.action, objectType: $0.objectType, object: $0.objectKey, before: $0.before, after: $0.after)
        }, next: next.map { Self.timeCursor($0.at, $0.id!) })
    }
}
