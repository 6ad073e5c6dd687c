import Foundation
@testable import PieuvreCore
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
}
