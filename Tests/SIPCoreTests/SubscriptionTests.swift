import Foundation
import SIPCore
import Testing

@Suite struct SubscriptionTests {
    static let subscribe = "SUBSCRIBE sip:0222969569@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-proxy\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:40000;branch=z9hG4bK-phone;rport=40000\r\n"
        + "Record-Route: <sip:127.0.0.1:5070;lr=on>, <sip:10.0.0.1;lr>\r\n"
        + "From: \"Accueil\" <sip:0222969569@127.0.0.1>;tag=phone-1\r\n"
        + "To: <sip:0222969569@127.0.0.1>\r\n"
        + "Call-ID: mwi-1@127.0.0.1\r\n"
        + "CSeq: 7 SUBSCRIBE\r\n"
        + "Contact: <sip:0222969569@127.0.0.1:40000;ob>\r\n"
        + "Event: message-summary\r\n"
        + "Expires: 7200\r\n"
        + "Content-Length: 0\r\n\r\n"

    @Test func acceptsAndNotifiesInTheDialog() throws {
        let request = try SIPMessage.parse(Array(Self.subscribe.utf8))
        var dialog = try Subscription(accepting: request, localTag: "pv", now: 100)
        #expect(dialog.resource == "sip:0222969569@127.0.0.1" && SIPHeaders.user(of: dialog.resource) == "0222969569")
        #expect(dialog.routeSet == ["<sip:127.0.0.1:5070;lr=on>", "<sip:10.0.0.1;lr>"])
        let ok = dialog.accept(request, contact: "sip:voicemail@127.0.0.1:5090", now: 100)
        #expect(ok.status == 200 && ok.header("Expires") == "3600", "at most an hour is granted")
        #expect(ok.header("To") == "<sip:0222969569@127.0.0.1>;tag=pv")
        #expect(ok.headers.filter { $0.name == "Via" }.count == 2, "every Via goes back")
        let first = dialog.notify(via: "127.0.0.1:5090", branch: "z9hG4bK-n1", contact: "sip:voicemail@127.0.0.1:5090", now: 160, contentType: "application/simple-message-summary", body: Array("Messages-Waiting: no\r\n".utf8))
        #expect(first.start == .request(method: "NOTIFY", uri: "sip:0222969569@127.0.0.1:40000;ob"))
        #expect(first.headerValues("Route") == ["<sip:127.0.0.1:5070;lr=on>", "<sip:10.0.0.1;lr>"])
        #expect(first.header("From") == "<sip:0222969569@127.0.0.1>;tag=pv" && first.header("To") == "\"Accueil\" <sip:0222969569@127.0.0.1>;tag=phone-1")
        #expect(first.header("Subscription-State") == "active;expires=3540" && first.header("CSeq") == "1 NOTIFY")
        let second = dialog.notify(via: "127.0.0.1:5090", branch: "z9hG4bK-n2", contact: "sip:voicemail@127.0.0.1:5090", now: 170, contentType: "x/y", body: [])
        #expect(second.header("CSeq") == "2 NOTIFY", "each NOTIFY of the dialog counts up")
        // Expires: 0 ends it; the last NOTIFY says so.
        var end = request
        end.headers = end.headers.map { $0.name == "Expires" ? ("Expires", "0") : $0 }
        dialog.refresh(end, now: 200)
        #expect(!dialog.isActive(now: 200))
        #expect(dialog.notify(via: "h:1", branch: "b", contact: "sip:v@h", now: 200, contentType: "x/y", body: []).header("Subscription-State") == "terminated;reason=timeout")
    }

    @Test func refusesWhatItCannotServe() throws {
        let other = try SIPMessage.parse(Array(Self.subscribe.replacingOccurrences(of: "Event: message-summary", with: "Event: presence").utf8))
        #expect(throws: Subscription.Refusal.badEvent) { try Subscription(accepting: other, localTag: "pv", now: 0) }
        let noTag = try SIPMessage.parse(Array(Self.subscribe.replacingOccurrences(of: ";tag=phone-1", with: "").utf8))
        #expect(throws: Subscription.Refusal.missing("From tag")) { try Subscription(accepting: noTag, localTag: "pv", now: 0) }
        let noContact = try SIPMessage.parse(Array(Self.subscribe.replacingOccurrences(of: "Contact: <sip:0222969569@127.0.0.1:40000;ob>\r\n", with: "").utf8))
        #expect(throws: Subscription.Refusal.missing("Contact")) { try Subscription(accepting: noContact, localTag: "pv", now: 0) }
        let negative = try SIPMessage.parse(Array(Self.subscribe.replacingOccurrences(of: "Expires: 7200", with: "Expires: -5").utf8))
        #expect(Subscription.expires(of: negative) == 0)
    }
}
