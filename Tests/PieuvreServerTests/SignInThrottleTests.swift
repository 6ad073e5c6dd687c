import Foundation
@testable import PieuvreCore
@testable import PieuvreStore
import Testing

/// Password guessing: one throttle for the API and the portals, in the database.
@Suite struct SignInThrottleTests {
    static func platformWithLine(_ p: TestPlatform) async throws {
        let reseller = try await p.reseller()
        try await p.seedCustomer(token: reseller)
        try await p.createLine(token: reseller, sda: "0272342039", name: "Erwann", extra: #","portalPassword":"erwann-secret""#)
    }

    @Test func policyStartsAfterTheFreeFailuresAndGrowsToItsCap() {
        let policy = LoginThrottlePolicy()
        #expect(policy.pairDelay(loginAttempts: 5, pairAttempts: 5) == nil)
        #expect(policy.pairDelay(loginAttempts: 6, pairAttempts: 6) == 1)
        #expect(policy.pairDelay(loginAttempts: 7, pairAttempts: 7) == 2)
        #expect(policy.pairDelay(loginAttempts: 40, pairAttempts: 40) == 300)
        // A first failure from a new address, while the login is under attack elsewhere: 1 s.
        #expect(policy.pairDelay(loginAttempts: 40, pairAttempts: 1) == 1)
        #expect(policy.sourceDelay(sourceAttempts: 20) == nil)
        #expect(policy.sourceDelay(sourceAttempts: 21) == 1)
        #expect(policy.sourceDelay(sourceAttempts: 100) == 600)
    }

    @Test func everySpellingOfANumberIsOneLogin() {
        for spelling in ["0272342039", "02 72 34 20 39", "02.72.34.20.39", "02-72-34-20-39", "+33272342039", " 0272342039 "] {
            #expect(LoginThrottlePolicy.canonicalLogin(spelling) == "0272342039", "\(spelling)")
        }
        #expect(LoginThrottlePolicy.canonicalLogin("Expert") == "expert")
    }

    @Test(arguments: TestDatabase.all)
    func respelledLoginsShareOneCountThroughTheAPI(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            try await Self.platformWithLine(p)
            let spellings = ["0272342039", "02 72 34 20 39", "02.72.34.20.39", "+33272342039", "02-72-34-20-39"]
            for spelling in spellings {
                let r = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"\#(spelling)","password":"wrong-password"}"#)
                #expect(r.status == .unauthorized, "\(spelling): \(r)")
            }
            // The sixth failure, in yet another spelling, is counted with the five: it sets a wait.
            let sixth = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"0272 342 039","password":"wrong-password"}"#)
            #expect(sixth.status == .unauthorized)
            let seventh = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"02 72 34 20 39","password":"erwann-secret"}"#)
            #expect(seventh.status == .tooManyRequests, "\(seventh)")
            #expect(seventh.headers[.retryAfter] != nil)
            #expect(seventh.error?.contains("try again") == true)
            // After the wait the right password opens a session, and the pair's wait is lifted.
            p.clock.advance(by: 2)
            let ok = try await p.call(.post, "/api/v1/sessions", json: #"{"login":"+33272342039","password":"erwann-secret"}"#)
            #expect(ok.status == .created, "\(ok)")
        }
    }

    @Test(arguments: TestDatabase.all)
    func aBurstFromOneAddressDoesNotLockTheUserOutFromElsewhere(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            try await Self.platformWithLine(p)
            var throttled = 0
            for _ in 0..<12 {
                if case .throttled = try await p.store.signIn(login: "0272342039", password: "guess", source: "203.0.113.66") { throttled += 1 }
            }
            #expect(throttled > 0, "the attacker's address is slowed")
            // Parallel guesses past the allowance: at most one goes through per wait.
            p.clock.advance(by: 3600)
            for _ in 0..<6 { _ = try await p.store.signIn(login: "0272342039", password: "guess", source: "203.0.113.77") }
            let burst = try await withThrowingTaskGroup(of: SignInOutcome.self) { group in
                for _ in 0..<8 { group.addTask { try await p.store.signIn(login: "0272342039", password: "guess", source: "203.0.113.77") } }
                return try await group.reduce(into: [SignInOutcome]()) { $0.append($1) }
            }
            #expect(burst.filter { $0 == .refused }.count <= 1, "\(burst)")
            // The real user, from the office, signs in at once.
            let user = try await p.store.signIn(login: "02 72 34 20 39", password: "erwann-secret", source: "198.51.100.10")
            guard case .granted = user else { Issue.record("the user was locked out: \(user)"); return }
            // A source that guesses across many logins is slowed as a whole.
            for n in 0..<25 { _ = try await p.store.signIn(login: "login\(n)", password: "guess", source: "192.0.2.99") }
            guard case .throttled = try await p.store.signIn(login: "another", password: "guess", source: "192.0.2.99") else {
                Issue.record("a source past 20 failures across logins is not slowed"); return
            }
        }
    }

    @Test(arguments: TestDatabase.all)
    func unknownAndKnownLoginsCostTheSame(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            try await Self.platformWithLine(p)
            var known: [Double] = [], unknown: [Double] = []
            for n in 0..<9 {
                // A fresh source and clock each time: the throttle does not enter the measure.
                p.clock.advance(by: 3600)
                let a = Date()
                _ = try await p.store.signIn(login: "0272342039", password: "wrong\(n)", source: "10.0.0.\(n)")
                known.append(Date().timeIntervalSince(a))
                let b = Date()
                _ = try await p.store.signIn(login: "0299999999", password: "wrong\(n)", source: "10.0.1.\(n)")
                unknown.append(Date().timeIntervalSince(b))
            }
            let median = { (xs: [Double]) in xs.sorted()[xs.count / 2] }
            let ratio = median(known) / median(unknown)
            #expect(ratio > 0.5 && ratio < 2, "known \(median(known)) s, unknown \(median(unknown)) s")
        }
    }

    @Test(arguments: TestDatabase.all)
    func aPasswordChangeRevokesEveryOtherSessionAndEveryRoleHasTheRoute(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            try await Self.platformWithLine(p)
            let first = try await p.login("0272342039", "erwann-secret")
            let second = try await p.login("0272342039", "erwann-secret")
            let wrong = try await p.call(.put, "/api/v1/me/password", token: first, json: #"{"current":"not-it","new":"erwann-new-secret"}"#)
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.error?.contains("current") == true)
            #expect(try await p.call(.put, "/api/v1/me/password", token: first, json: #"{"current":"erwann-secret","new":"short"}"#).status == .unprocessableContent)
            #expect(try await p.call(.put, "/api/v1/me/password", token: first, json: #"{"current":"erwann-secret","new":"erwann-new-secret"}"#).status == .noContent)
            #expect(try await p.call(.get, "/api/v1/lines/0272342039", token: first).status == .ok, "the session making the change stays")
            #expect(try await p.call(.get, "/api/v1/lines/0272342039", token: second).status == .unauthorized, "other sessions are revoked")
            #expect(try await p.call(.post, "/api/v1/sessions", json: #"{"login":"0272342039","password":"erwann-secret"}"#).status == .unauthorized)
            _ = try await p.login("0272342039", "erwann-new-secret")

            // A reseller resets it: every session of the line ends.
            let reseller = try await p.login("expert", "reseller-pass-1")
            #expect(try await p.call(.patch, "/api/v1/lines/0272342039", token: reseller, json: #"{"portalPassword":"reset-by-reseller"}"#).status == .ok)
            #expect(try await p.call(.get, "/api/v1/lines/0272342039", token: first).status == .unauthorized)

            // Operators and resellers change their own password on the same route.
            #expect(try await p.call(.put, "/api/v1/me/password", token: reseller, json: #"{"current":"reseller-pass-1","new":"reseller-pass-2"}"#).status == .noContent)
            _ = try await p.login("EXPERT", "reseller-pass-2")
            let op = try await p.operatorToken()
            #expect(try await p.call(.put, "/api/v1/me/password", token: op, json: #"{"current":"\#(TestPlatform.operatorPassword)","new":"operator-secret-2"}"#).status == .noContent)

            // Signing out everywhere ends every session of the account.
            let a = try await p.login("expert", "reseller-pass-2")
            let b = try await p.login("expert", "reseller-pass-2")
            #expect(try await p.call(.delete, "/api/v1/sessions", token: a).status == .noContent)
            #expect(try await p.call(.get, "/api/v1/models", token: b).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.all)
    func administratorsReadButDoNotChangeBarringOrSIPPasswords(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await p.reseller()
            try await p.seedCustomer(token: reseller)
            try await p.createLine(token: reseller, sda: "0970711111", name: "Admin", extra: #","administrator":true,"portalPassword":"admin-line-pass""#)
            let admin = try await p.login("0970711111", "admin-line-pass")
            let barring = try await p.call(.patch, "/api/v1/lines/0970711111", token: admin, json: #"{"internationalRestriction":"No restriction"}"#)
            #expect(barring.status == .forbidden, "\(barring)")
            #expect(try await p.call(.patch, "/api/v1/lines/0970711111", token: admin, json: #"{"sipPassword":"chosen-by-admin"}"#).status == .forbidden)
            #expect(try await p.call(.get, "/api/v1/lines/0970711111", token: admin).json["internationalRestriction"]?.string == "Bar high-risk countries")
            #expect(try await p.call(.patch, "/api/v1/lines/0970711111", token: admin, json: #"{"name":"Accueil"}"#).status == .ok)
        }
    }
}
