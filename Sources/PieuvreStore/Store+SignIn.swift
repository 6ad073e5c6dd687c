import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// What a sign-in attempt came to. The refusal never says which part was wrong.
public enum SignInOutcome: Sendable, Equatable {
    case granted(SessionGrant)
    case refused
    /// Too many failures: try again after this many seconds.
    case throttled(retryAfter: Int)
}

extension Store {
    public static let rememberLifetime: TimeInterval = 30 * 24 * 3600

    /// Checks a login and password and opens a session, through the one throttle every door
    /// shares (API and portals). Operators and resellers sign in with their login; a line's user
    /// (or the customer's administrator) with the line's number, in any spelling.
    ///
    /// Known and unknown logins cost the same: one bcrypt verification at the platform's cost.
    public func signIn(login rawLogin: String, password: String, source: String, remember: Bool = false) async throws -> SignInOutcome {
        let session = APISession()
        switch try await authenticate(login: rawLogin, password: password, source: source) {
        case let .throttled(seconds): return .throttled(retryAfter: seconds)
        case .refused: return .refused
        case let .account(account, role):
            session.role = role.rawValue
            session.login = account.login
            session.$account.id = account.id
        case let .line(line):
            session.role = (line.administrator ? Role.administrator : Role.user).rawValue
            session.login = line.sda
            session.$line.id = line.id
        }
        let token = Secrets.token()
        session.tokenHash = Secrets.sha256Hex(token)
        session.createdAt = clock.now
        session.expiresAt = clock.now.addingTimeInterval(remember ? Self.rememberLifetime : sessionLifetime)
        session.remember = remember
        try await session.create(on: db)
        return .granted(SessionGrant(token: token, role: Role(rawValue: session.role)!, expiresAt: session.expiresAt))
    }

    /// Checks a line's number and portal password (the seed's CommPortal Web Access fields on a
    /// phone's book URLs) through the same throttle as sign-in: the line's id, or nil.
    public func verifyLinePassword(sda: String, password: String, source: String) async throws -> UUID? {
        if case let .line(line) = try await authenticate(login: sda, password: password, source: source) { return line.id }
        return nil
    }

    /// A French number is stored as it was entered: national or E.164.
    static func spellings(_ login: String) -> [String] {
        guard login.count == 10, login.hasPrefix("0"), login.allSatisfy(\.isNumber) else { return [login] }
        return [login, "+33" + login.dropFirst()]
    }

    enum Authentication {
        case account(Account, Role)
        case line(Line)
        case refused
        case throttled(Int)
    }

    /// The throttle, then one bcrypt verification whatever the login (an unknown login checks a
    /// decoy hash of the same cost).
    func authenticate(login rawLogin: String, password: String, source: String) async throws -> Authentication {
        let login = LoginThrottlePolicy.canonicalLogin(rawLogin)
        let keys = ThrottleKeys(login: login, source: source)
        if let wait = try await throttleBeforeAttempt(keys, now: clock.now.timeIntervalSince1970) { return .throttled(wait) }
        var outcome = Authentication.refused
        if let account = try await Account.query(on: db).filter(\.$login == login).first(), let role = Role(rawValue: account.role) {
            if try await Secrets.verifyPassword(password, hash: account.passwordHash) { outcome = .account(account, role) }
        } else if let line = try await Line.query(on: db).filter(\.$sda ~~ Self.spellings(login)).first(), let hash = line.portalPasswordHash {
            if try await Secrets.verifyPassword(password, hash: hash) { outcome = .line(line) }
        } else {
            _ = try await Secrets.verifyPassword(password, hash: decoyHash)
        }
        if case .refused = outcome { return .refused }
        try await throttleAfterSuccess(keys)
        return outcome
    }

    /// Changes the caller's own password after checking the current one, and signs out every
    /// other session and remember-me token of the account (the one making the change stays).
    public func changeOwnPassword(_ actor: Actor, currentToken: String?, current: String?, new: String?) async throws {
        let newPassword = try FieldRules.password(new, field: "new")
        guard let current, !current.isEmpty else { throw DomainError.missing(field: "current") }
        let hash = try await Secrets.hashPassword(newPassword, cost: passwordCost)
        let keep = currentToken.map(Secrets.sha256Hex) ?? ""
        if let accountID = actor.accountID, let account = try await Account.find(accountID, on: db) {
            guard try await Secrets.verifyPassword(current, hash: account.passwordHash) else {
                throw DomainError.invalid(field: "current", value: "********", reason: Reason("wrong-password", en: "is not the current password", fr: "n'est pas le mot de passe actuel."))
            }
            account.passwordHash = hash
            try await transaction(changes: []) { db in
                try await account.save(on: db)
                try await APISession.query(on: db).filter(\.$account.$id == accountID).filter(\.$tokenHash != keep).delete()
                try await audit(db, actor, "password.change", "account", account.login, before: Optional<String>.none, after: Optional<String>.none)
            }
        } else if let lineID = actor.lineID, let line = try await Line.find(lineID, on: db) {
            guard let stored = line.portalPasswordHash, try await Secrets.verifyPassword(current, hash: stored) else {
                throw DomainError.invalid(field: "current", value: "********", reason: Reason("wrong-password", en: "is not the current password", fr: "n'est pas le mot de passe actuel."))
            }
            line.portalPasswordHash = hash
            // A portal password is no part of a phone's files.
            try await transaction(changes: []) { db in
                try await line.save(on: db)
                try await APISession.query(on: db).filter(\.$line.$id == lineID).filter(\.$tokenHash != keep).delete()
                try await audit(db, actor, "password.change", "line", line.sda, before: Optional<String>.none, after: Optional<String>.none)
            }
        } else {
            throw DomainError.notFound(what: "account", key: actor.login)
        }
    }

    /// Signs out every session of the caller's account, remember-me tokens included.
    public func closeAllSessions(_ actor: Actor) async throws {
        if let accountID = actor.accountID {
            try await APISession.query(on: db).filter(\.$account.$id == accountID).delete()
        } else if let lineID = actor.lineID {
            try await APISession.query(on: db).filter(\.$line.$id == lineID).delete()
        }
    }

    // MARK: the throttle

    struct ThrottleKeys {
        let login: String
        let source: String
        let pair: String
        init(login: String, source: String) {
            self.login = "l:" + login
            self.source = "s:" + source
            self.pair = "p:" + login + "|" + source
        }
    }

    /// Counts the attempt and reserves its turn; answers the seconds to wait when refused.
    ///
    /// The reservation is a conditional update (`WHERE blocked_until <= now`), so of several
    /// attempts racing for one pair past its allowance only one goes through, on every node.
    private func throttleBeforeAttempt(_ keys: ThrottleKeys, now: Double) async throws -> Int? {
        let sql = try storage.sql
        // Rows quiet for a day are dropped, so the table holds recent keys only.
        try await sql.raw("DELETE FROM login_throttle WHERE updated_at < \(bind: now - 86_400) AND blocked_until < \(bind: now)").run()
        for key in [keys.source, keys.pair] {
            if let row = try await sql.raw("SELECT blocked_until FROM login_throttle WHERE key = \(bind: key)").first(),
               let until = try? row.decode(column: "blocked_until", as: Double.self), until > now {
                return Int((until - now).rounded(.up))
            }
        }
        let loginAttempts = try await count(keys.login, now: now)
        let sourceAttempts = try await count(keys.source, now: now)
        let pairAttempts = try await count(keys.pair, now: now)
        for (key, delay) in [(keys.pair, policy.pairDelay(loginAttempts: loginAttempts, pairAttempts: pairAttempts)),
                             (keys.source, policy.sourceDelay(sourceAttempts: sourceAttempts))] {
            guard let delay else { continue }
            let reserved = try await sql.raw("UPDATE login_throttle SET blocked_until = \(bind: now + delay) WHERE key = \(bind: key) AND blocked_until <= \(bind: now) RETURNING key").all()
            if reserved.isEmpty { return max(1, Int(delay.rounded(.up))) }
        }
        return nil
    }

    /// Adds one attempt to a key's count (a new window once the old one is over).
    private func count(_ key: String, now: Double) async throws -> Int {
        let windowStart = now - policy.window
        let row = try await storage.sql.raw("""
            INSERT INTO login_throttle (key, attempts, window_start, blocked_until, updated_at) VALUES (\(bind: key), 1, \(bind: now), 0, \(bind: now))
            ON CONFLICT (key) DO UPDATE SET
              attempts = CASE WHEN login_throttle.window_start < \(bind: windowStart) THEN 1 ELSE login_throttle.attempts + 1 END,
              window_start = CASE WHEN login_throttle.window_start < \(bind: windowStart) THEN \(bind: now) ELSE login_throttle.window_start END,
              updated_at = \(bind: now)
            RETURNING attempts
            """).first()
        return try row?.decode(column: "attempts", as: Int.self) ?? 1
    }

    /// A success is not a guess: the pair's wait is lifted and the attempt uncounted.
    private func throttleAfterSuccess(_ keys: ThrottleKeys) async throws {
        let sql = try storage.sql
        try await sql.raw("DELETE FROM login_throttle WHERE key = \(bind: keys.pair)").run()
        for key in [keys.login, keys.source] {
            try await sql.raw("UPDATE login_throttle SET attempts = attempts - 1 WHERE key = \(bind: key) AND attempts > 0").run()
        }
    }
}
