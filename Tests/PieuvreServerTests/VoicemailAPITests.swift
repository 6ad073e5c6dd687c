import Foundation
@testable import PieuvreCore
import PieuvreStore
import Testing

/// Voicemail reports, counters and the seed's "Signal lumineux" rules, through the API.
@Suite struct VoicemailAPITests {
    @Test func aRuleLightsForTheClassesItChecks() {
        let fax = VoicemailMessage(messageClass: .fax, urgent: false, unread: true)
        let ordinary = VoicemailMessage(messageClass: .voice, urgent: false, unread: true)
        let urgent = VoicemailMessage(messageClass: .voice, urgent: true, unread: true)
        let read = VoicemailMessage(messageClass: .voice, urgent: true, unread: false)
        let faxesOnly = LampRule(number: "0222969569", faxes: true, urgent: false, allVoicemail: false)
        let urgentOnly = LampRule(number: "0222969569", faxes: false, urgent: true, allVoicemail: false)
        let all = LampRule(number: "0222969569", faxes: false, urgent: false, allVoicemail: true)
        #expect(faxesOnly.isLit(by: [fax]) && !faxesOnly.isLit(by: [ordinary, urgent]))
        #expect(urgentOnly.isLit(by: [urgent]) && !urgentOnly.isLit(by: [ordinary, fax]))
        #expect(all.isLit(by: [ordinary]) && !all.isLit(by: [fax, read]))
        #expect(VoicemailCounters([fax, ordinary, urgent, read]) == {
            var c = VoicemailCounters()
            c.voice = .init(new: 2, old: 1, urgentNew: 1, urgentOld: 1)
            c.fax = .init(new: 1, old: 0)
            return c
        }())
    }

    @Test(arguments: TestDatabase.all)
    func eventsCountersAndTheLampOfTheSeed(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await UserSideAPITests.setUp(p)
            let op = try await p.operatorToken()
            func event(_ body: String, token: String? = nil) async throws -> TestPlatform.Reply {
                try await p.call(.post, "/api/v1/lines/0970711005/voicemail/events", token: token ?? op, json: body)
            }
            // A message already waiting before the rule exists.
            #expect(try await event(#"{"event":"deposited","messageId":"m1","class":"voice","urgent":false,"from":"0140000000"}"#).json["voice"]?["new"]?.int == 1)
            // The seed's rule: 0970711005's voicemail lights 0222969569's phones.
            let set = try await p.call(.put, "/api/v1/lines/0970711005/notifications/lamp", token: t.user, json: #"[{"number":"02 22 96 95 69","faxes":true,"urgent":false,"allVoicemail":true}]"#)
            #expect(set.status == .ok, "\(set)")
            #expect(set.json[0]?["number"]?.string == "0222969569")
            var lamp = try await p.call(.get, "/api/v1/lines/0222969569/lamp", token: t.other)
            #expect(lamp.json["lit"]?.bool == true, "a rule switched on counts the message already waiting: \(lamp)")
            // Read: out. A repeated report changes nothing.
            _ = try await event(#"{"event":"read","messageId":"m1"}"#)
            _ = try await event(#"{"event":"read","messageId":"m1"}"#)
            let counters = try await p.call(.get, "/api/v1/lines/0970711005/voicemail", token: t.user)
            #expect(counters.json["voice"]?["new"]?.int == 0 && counters.json["voice"]?["old"]?.int == 1)
            lamp = try await p.call(.get, "/api/v1/lines/0222969569/lamp", token: t.other)
            #expect(lamp.json["lit"]?.bool == false)
            _ = try await event(#"{"event":"deposited","messageId":"m2","class":"voice"}"#)
            _ = try await event(#"{"event":"deposited","messageId":"m2","class":"voice"}"#)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/voicemail", token: t.user).json["voice"]?["new"]?.int == 1)
            _ = try await event(#"{"event":"deleted","messageId":"m2"}"#)
            #expect(try await p.call(.get, "/api/v1/lines/0222969569/lamp", token: t.other).json["lit"]?.bool == false)
            // Only "Toutes les fax": a fax lights it; with only "Message vocal urgent", an ordinary message does not.
            _ = try await p.call(.put, "/api/v1/lines/0970711005/notifications/lamp", token: t.user, json: #"[{"number":"0222969569","faxes":true}]"#)
            _ = try await event(#"{"event":"deposited","messageId":"f1","class":"fax"}"#)
            #expect(try await p.call(.get, "/api/v1/lines/0222969569/lamp", token: t.other).json["lit"]?.bool == true)
            _ = try await event(#"{"event":"deleted","messageId":"f1"}"#)
            _ = try await p.call(.put, "/api/v1/lines/0970711005/notifications/lamp", token: t.user, json: #"[{"number":"0222969569","urgent":true}]"#)
            _ = try await event(#"{"event":"deposited","messageId":"v1","class":"voice","urgent":false}"#)
            #expect(try await p.call(.get, "/api/v1/lines/0222969569/lamp", token: t.other).json["lit"]?.bool == false)
            _ = try await event(#"{"event":"deposited","messageId":"v2","class":"voice","urgent":true}"#)
            #expect(try await p.call(.get, "/api/v1/lines/0222969569/lamp", token: t.other).json["lit"]?.bool == true)

            // Refusals, each named.
            #expect(try await event(#"{"event":"exploded","messageId":"x"}"#).status == .unprocessableContent)
            #expect(try await event(#"{"event":"deposited"}"#).error == "messageId is required")
            #expect(try await event(#"{"event":"deposited","messageId":"x","class":"sms"}"#).status == .unprocessableContent)
            #expect(try await event(#"{"event":"deposited","messageId":"x"}"#, token: t.user).status == .forbidden, "only the operator reports events")
            #expect(try await p.call(.post, "/api/v1/lines/0999999999/voicemail/events", token: op, json: #"{"event":"deposited","messageId":"x"}"#).status == .notFound)
            let foreign = try await p.call(.put, "/api/v1/lines/0970711005/notifications/lamp", token: t.user, json: #"[{"number":"0140000001","faxes":true}]"#)
            #expect(foreign.status == .unprocessableContent && foreign.error?.contains("[0].number '0140000001' is not a line of this customer") == true, "\(foreign)")
            #expect(try await p.call(.put, "/api/v1/lines/0970711005/notifications/lamp", token: t.user, json: #"{"number":"0222969569"}"#).status == .badRequest)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/notifications/lamp", token: t.other).status == .notFound)
            #expect(try await p.call(.get, "/api/v1/lines/0970711005/voicemail", token: t.other).status == .notFound)
            // The e-mail tab's rule.
            let mail = try await p.call(.put, "/api/v1/lines/0970711005/notifications/email", token: t.user, json: #"{"address":"salle@openip.fr","urgent":true,"attach":true}"#)
            #expect(mail.json["address"]?.string == "salle@openip.fr" && mail.json["attach"]?.bool == true)
            #expect(try await p.call(.put, "/api/v1/lines/0970711005/notifications/email", token: t.user, json: #"{"address":"not an address"}"#).status == .unprocessableContent)
        }
    }

    /// A deposit the e-mail rule selects queues one mail, in the rule's language; the outbox is
    /// claimed once, retried on its delays, and given up on a permanent refusal.
    @Test(arguments: TestDatabase.all)
    func depositsQueueMailsInTheDurableOutbox(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db, smtp: "smtp://127.0.0.1:2525") { p in
            let t = try await UserSideAPITests.setUp(p)
            let op = try await p.operatorToken()
            func event(_ body: String) async throws {
                let reply = try await p.call(.post, "/api/v1/lines/0970711005/voicemail/events", token: op, json: body)
                #expect(reply.status == .ok, "\(reply)")
            }
            let rule = try await p.call(.put, "/api/v1/lines/0970711005/notifications/email", token: t.user, json: #"{"address":"salle@openip.fr","urgent":true,"language":"en"}"#)
            #expect(rule.json["language"]?.string == "en", "\(rule)")
            #expect(try await p.call(.put, "/api/v1/lines/0970711005/notifications/email", token: t.user, json: #"{"address":"salle@openip.fr","language":"de"}"#).error == "language 'de' is not one of: fr, en")
            #expect(try await p.call(.put, "/api/v1/lines/0970711005/notifications/email", token: t.user, json: #"{"address":"a@b.fr>,x@y.fr"}"#).status == .unprocessableContent)
            try await event(#"{"event":"deposited","messageId":"ordinary","class":"voice"}"#)
            try await event(#"{"event":"deposited","messageId":"fax","class":"fax"}"#)
            #expect(try await p.store.outboxCounts().pending == 0, "only urgent voicemail is asked for")
            try await event(#"{"event":"deposited","messageId":"u1","class":"voice","urgent":true,"from":"0140000000"}"#)
            try await event(#"{"event":"deposited","messageId":"u1","class":"voice","urgent":true,"from":"0140000000"}"#)
            #expect(try await p.store.outboxCounts().pending == 1, "a repeated report sends no second mail")

            let claimed = try await p.store.claimDueMail(limit: 10)
            #expect(claimed.count == 1)
            let mail = try #require(claimed.first)
            #expect(mail.recipient == "salle@openip.fr" && mail.attempts == 1)
            #expect(mail.subject == "New urgent voice message for 0970711005 from 0140000000")
            #expect(mail.body.contains("From: 0140000000") && mail.body.contains("Type: Urgent voice message"))
            #expect(try await p.store.claimDueMail(limit: 10).isEmpty, "a claimed mail is not claimed twice")
            // A failure: retried after the first delay.
            #expect(try await p.store.mailFailed(mail.id, attempts: mail.attempts, error: "cannot connect", permanent: false))
            #expect(try await p.store.claimDueMail(limit: 10).isEmpty)
            p.clock.advance(by: Store.mailRetryDelays[0] + 1)
            let again = try await p.store.claimDueMail(limit: 10)
            #expect(again.map(\.attempts) == [2])
            // A 5xx refusal is final.
            #expect(try await p.store.mailFailed(mail.id, attempts: 2, error: "550 no such user", permanent: true) == false)
            let counts = try await p.store.outboxCounts()
            #expect(counts.pending == 0 && counts.failed == 1)
        }
    }

    @Test func mailsSpeakTheRulesLanguage() {
        let at = Date(timeIntervalSince1970: 1_795_000_000)  // 11:06:40 UTC, 12:06 in Paris
        let fr = VoicemailMail(language: .fr, line: "0970711005", caller: nil, at: at, messageClass: .fax, urgent: false)
        #expect(fr.subject == "Nouvelle télécopie pour le 0970711005")
        #expect(fr.text.contains("De : numéro masqué") && fr.text.contains("Reçu le : 18/11/2026 à 12:06 (heure de Paris)"))
        let en = VoicemailMail(language: .en, line: "0970711005", caller: "06\r\n12", at: at, messageClass: .voice, urgent: false)
        #expect(en.subject == "New voice message for 0970711005 from 0612", "control characters from the platform are dropped")
    }

    /// The voicemail platform's own key: it reports events and can do nothing else.
    @Test(arguments: TestDatabase.all)
    func anIntegrationKeyOnlyReportsEvents(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let t = try await UserSideAPITests.setUp(p)
            let op = try await p.operatorToken()
            #expect(try await p.call(.post, "/api/v1/integration-keys", token: t.reseller, json: #"{"name":"messagerie"}"#).status == .forbidden)
            let created = try await p.call(.post, "/api/v1/integration-keys", token: op, json: #"{"name":"messagerie"}"#)
            #expect(created.status == .created, "\(created)")
            let key = try #require(created.json["token"]?.string)
            #expect(key.hasPrefix("pvi_"))
            #expect(try await p.call(.post, "/api/v1/integration-keys", token: op, json: #"{"name":"messagerie"}"#).status == .conflict)
            let listed = try await p.call(.get, "/api/v1/integration-keys", token: op)
            #expect(listed.json["items"]?[0]?["name"]?.string == "messagerie" && listed.json["items"]?[0]?["token"] == nil, "the token is shown once")
            let event = #"{"event":"deposited","messageId":"k1","class":"voice"}"#
            #expect(try await p.call(.post, "/api/v1/lines/0970711005/voicemail/events", token: key, json: event).status == .ok)
            // Nothing else: not the counters, not the customers, not another method.
            let refused = try await p.call(.get, "/api/v1/lines/0970711005/voicemail", token: key)
            #expect(refused.status == .forbidden && refused.error == "an integration key may only POST /api/v1/lines/{sda}/voicemail/events")
            #expect(try await p.call(.get, "/api/v1/customers", token: key).status == .forbidden)
            #expect(try await p.call(.post, "/api/v1/integration-keys", token: key, json: #"{"name":"x"}"#).status == .forbidden)
            #expect(try await p.call(.post, "/api/v1/lines/0970711005/voicemail/events", token: "pvi_guess", json: event).status == .unauthorized)
            #expect(try await p.call(.delete, "/api/v1/integration-keys/messagerie", token: op).status == .noContent)
            #expect(try await p.call(.post, "/api/v1/lines/0970711005/voicemail/events", token: key, json: event).status == .unauthorized)
            #expect(try await p.call(.delete, "/api/v1/integration-keys/messagerie", token: op).status == .notFound)
        }
    }
}
