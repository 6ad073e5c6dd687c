/// The notifier's side of one SUBSCRIBE dialog (RFC 6665), as message-summary needs it: accept
/// or refresh a subscription, answer it, and build the NOTIFYs that go in it. Pure: the shell
/// sends what it builds and keeps the subscriptions.
public struct Subscription: Sendable, Equatable {
    public let callID: String
    /// The subscriber's URI from its To header: whose mailbox summary it asks for.
    public let resource: String
    /// The Event header as sent (with its `id` parameter, which every NOTIFY echoes).
    public let event: String
    /// Where in-dialog requests go (the subscriber's Contact) and through which proxies.
    public let remoteTarget: String
    public let routeSet: [String]
    /// Our From (the SUBSCRIBE's To with our tag) and our To (the SUBSCRIBE's From).
    public let localHeader: String
    public let remoteHeader: String
    public let remoteTag: String
    public private(set) var localCSeq: UInt32 = 0
    /// Seconds on the caller's clock when the subscription lapses.
    public private(set) var expiresAt: Double

    public static let defaultExpires = 3600
    public static let maxExpires = 3600

    public enum Refusal: Error, Sendable, Equatable {
        /// A header the dialog needs is missing or unusable (400, naming it).
        case missing(String)
        /// Not an event this notifier serves (489).
        case badEvent
    }

    /// A new subscription from an out-of-dialog SUBSCRIBE; `localTag` names our side.
    public init(accepting subscribe: SIPMessage, localTag: String, now: Double) throws(Refusal) {
        guard subscribe.method == "SUBSCRIBE" else { throw .missing("method") }
        guard let event = subscribe.header("Event"), Self.eventPackage(event) == "message-summary" else { throw .badEvent }
        guard let callID = subscribe.header("Call-ID"), !callID.isEmpty else { throw .missing("Call-ID") }
        guard let from = subscribe.header("From"), let remoteTag = SIPHeaders.parameter("tag", of: from) else { throw .missing("From tag") }
        guard let to = subscribe.header("To"), let resource = SIPHeaders.uri(of: to) else { throw .missing("To") }
        guard let contact = subscribe.header("Contact"), let target = SIPHeaders.uri(of: contact) else { throw .missing("Contact") }
        self.callID = callID
        self.resource = resource
        self.event = event
        self.remoteTarget = target
        // RFC 3261 §12.1.1: the UAS keeps Record-Route in the order received.
        self.routeSet = subscribe.headerValues("Record-Route")
        self.localHeader = SIPHeaders.parameter("tag", of: to) == nil ? to + ";tag=" + localTag : to
        self.remoteHeader = from
        self.remoteTag = remoteTag
        self.expiresAt = now + Double(Self.expires(of: subscribe))
    }

    /// The duration granted: what was asked, at most `maxExpires`; 0 ends the subscription.
    public static func expires(of subscribe: SIPMessage) -> Int {
        guard let text = subscribe.header("Expires") else { return defaultExpires }
        guard let asked = Int(text.trimmingSpaces) else { return defaultExpires }
        return max(0, min(asked, maxExpires))
    }

    /// A refresh (or an unsubscribe, Expires: 0) in the dialog.
    public mutating func refresh(_ subscribe: SIPMessage, now: Double) {
        expiresAt = now + Double(Self.expires(of: subscribe))
    }

    public func isActive(now: Double) -> Bool { expiresAt > now }

    /// `message-summary;id=x` → `message-summary`.
    static func eventPackage(_ event: String) -> String {
        String(event.split(separator: ";").first ?? "").trimmingSpaces.lowercased()
    }

    /// 200 to the SUBSCRIBE, with the granted Expires and our Contact.
    public func accept(_ subscribe: SIPMessage, contact: String, now: Double) -> SIPMessage {
        var headers = Self.echo(subscribe, to: localHeader)
        headers.append(("Expires", String(max(0, Int((expiresAt - now).rounded())))))
        headers.append(("Contact", "<\(contact)>"))
        return SIPMessage(start: .response(status: 200, reason: "OK"), headers: headers)
    }

    /// A response copying Via, From, To (given), Call-ID and CSeq of a request.
    public static func echo(_ request: SIPMessage, to: String) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = request.headers.filter { SIPHeaders.canonical($0.name) == "via" }.map { ("Via", $0.value) }
        headers.append(("From", request.header("From") ?? ""))
        headers.append(("To", to))
        headers.append(("Call-ID", request.header("Call-ID") ?? ""))
        headers.append(("CSeq", request.header("CSeq") ?? ""))
        return headers
    }

    /// The next NOTIFY of the dialog: `via` is our sent-by (host:port), `branch` a fresh one.
    public mutating func notify(via: String, branch: String, contact: String, now: Double, contentType: String, body: [UInt8]) -> SIPMessage {
        localCSeq += 1
        let remaining = Int((expiresAt - now).rounded())
        let state = remaining > 0 ? "active;expires=\(remaining)" : "terminated;reason=timeout"
        var headers: [(name: String, value: String)] = [
            ("Via", "SIP/2.0/UDP \(via);branch=\(branch);rport"),
            ("Max-Forwards", "70"),
        ]
        for route in routeSet { headers.append(("Route", route)) }
        headers += [
            ("From", localHeader),
            ("To", remoteHeader),
            ("Call-ID", callID),
            ("CSeq", "\(localCSeq) NOTIFY"),
            ("Event", event),
            ("Subscription-State", state),
            ("Contact", "<\(contact)>"),
            ("Content-Type", contentType),
        ]
        return SIPMessage(start: .request(method: "NOTIFY", uri: remoteTarget), headers: headers, body: body)
    }
}

extension SIPMessage {
    /// Every value of a header, over repeated headers and comma-separated lists (commas inside
    /// `<…>` or quotes do not split).
    public func headerValues(_ name: String) -> [String] {
        let wanted = SIPHeaders.canonical(name)
        return headers.filter { SIPHeaders.canonical($0.name) == wanted }.flatMap { SIPHeaders.splitList($0.value) }
    }
}

extension SIPHeaders {
    /// `"Bob" <sip:bob@x>;tag=1` → `sip:bob@x`; a bare `sip:bob@x;tag=1` → `sip:bob@x`.
    public static func uri(of value: String) -> String? {
        if let open = value.firstIndex(of: "<") {
            guard let close = value[open...].firstIndex(of: ">") else { return nil }
            let uri = String(value[value.index(after: open)..<close]).trimmingSpaces
            return uri.isEmpty ? nil : uri
        }
        let bare = String(value.split(separator: ";").first ?? "").trimmingSpaces
        return bare.lowercased().hasPrefix("sip:") || bare.lowercased().hasPrefix("sips:") ? bare : nil
    }

    /// A header parameter after the URI (`tag`), not one inside `<…>`.
    public static func parameter(_ name: String, of value: String) -> String? {
        let tail = value.lastIndex(of: ">").map { value[value.index(after: $0)...] } ?? Substring(value)
        for part in tail.split(separator: ";").dropFirst(value.contains(">") ? 0 : 1) {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces.lowercased() == name { return String(pair[1]).trimmingSpaces }
        }
        return nil
    }

    /// The user part of a SIP URI: `sip:0222969569@host` → `0222969569`.
    public static func user(of uri: String) -> String? {
        guard let colon = uri.firstIndex(of: ":"), let at = uri.firstIndex(of: "@"), colon < at else { return nil }
        let user = uri[uri.index(after: colon)..<at]
        return user.isEmpty ? nil : String(user.split(separator: ";").first ?? user)
    }

    static func splitList(_ value: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var depth = 0
        var quoted = false
        for character in value {
            switch character {
            case "\"": quoted.toggle()
            case "<" where !quoted: depth += 1
            case ">" where !quoted: depth = max(0, depth - 1)
            case "," where !quoted && depth == 0:
                parts.append(current.trimmingSpaces)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        if !current.trimmingSpaces.isEmpty { parts.append(current.trimmingSpaces) }
        return parts
    }
}
