import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PieuvreCore
import PieuvreStore
import SIPCore

/// What Pieuvre tells phones over SIP, through the operator's proxy to `sip:<number>@<domain>`:
/// - the message lamp: an unsolicited `NOTIFY` with `Event: message-summary` (RFC 3842)
///   whenever a mailbox or a lamp rule changes what a number's lamp shows, and when a phone on
///   that number receives its device credentials (a freshly booted phone shows the right state);
/// - check-sync: `NOTIFY` with `Event: check-sync;reboot=false` when a phone's effective
///   configuration changed, so it fetches its files now; changes within a quiet period make one
///   NOTIFY per number, sent within 3 s of the last.
/// Phones configured to subscribe (SUBSCRIBE `message-summary` routed to Pieuvre by the
/// operator's proxy) get their lamp in that dialog instead. A SIP failure is logged (and, for
/// the lamp, retried), never fails the API call behind it; every message sent or received is in
/// the provisioning log of the phones on the number it concerns.
public final class MessageWaitingNotifier: Sendable {
    let sip: SIPService
    let store: Store
    let journal: ProvisioningJournal?
    let domain: String
    let proxy: String?
    let logger: Logger
    static let retries: [Duration] = [.seconds(2), .seconds(10), .seconds(30)]
    /// check-sync waits this long after a number's last change before it is sent.
    static let quietPeriod: Duration = .milliseconds(1500)
    private let pendingSync = NIOLockedValueBox([String: Int]())
    /// Live message-summary subscriptions by Call-ID, with the number and where they came from.
    let subscriptions = NIOLockedValueBox([String: Subscribed]())
    /// Bounds: a flood of SUBSCRIBEs (through a proxy that let them by) cannot grow memory.
    static let maxSubscriptions = 20_000
    static let maxPerNumber = 8

    struct Subscribed {
        var dialog: Subscription
        let number: String
        let peer: SocketAddress
    }

    init(sip: SIPService, store: Store, journal: ProvisioningJournal? = nil, domain: String, proxy: String?, logger: Logger) {
        self.sip = sip
        self.store = store
        self.journal = journal
        self.domain = domain
        self.proxy = proxy
        self.logger = logger
    }

    /// The lamps a mailbox lights (every number its rules name) are told their state.
    public func mailboxChanged(_ sda: String) {
        let notifier = self
        sip.work.spawn {
            do {
                for number in try await notifier.store.lampRules(.system, sda: sda).map(\.number) { await notifier.notify(number) }
            } catch {
                notifier.logger.warning("message-waiting: could not read the rules of \(sda)")
            }
        }
    }

    /// These numbers' lamps are told their state (rules changed: old and new numbers).
    public func numbersChanged(_ numbers: Set<String>) {
        let notifier = self
        sip.work.spawn { for number in numbers.sorted() { await notifier.notify(number) } }
    }

    /// Phones on these numbers should fetch their files now (debounced per number).
    public func checkSync(_ numbers: Set<String>) {
        for number in numbers {
            let generation = pendingSync.withLockedValue { pending -> Int in
                pending[number, default: 0] += 1
                return pending[number]!
            }
            sip.work.spawn { [self] in
                try? await Task.sleep(for: Self.quietPeriod)
                if Task.isCancelled { return }
                // Only the last change of a burst sends.
                let latest = pendingSync.withLockedValue { pending -> Bool in
                    guard pending[number] == generation else { return false }
                    pending[number] = nil
                    return true
                }
                if latest { await sendCheckSync(number) }
            }
        }
    }

    /// Whether a NOTIFY can leave at all: SIP bound and a platform to send through.
    public var reachesPhones: Bool { destination() != nil && sip.localPort != nil }

    /// "Resynchroniser" / "Redémarrer" asked by a person: sent now (no quiet period), once.
    public func checkSyncNow(_ number: String, reboot: Bool) {
        sip.work.spawn { [self] in await sendCheckSync(number, reboot: reboot) }
    }

    func sendCheckSync(_ number: String, reboot: Bool = false) async {
        guard let destination = destination(), let port = sip.localPort else { return }
        let request = notify(number, from: "provisioning", event: "check-sync;reboot=\(reboot)", state: "terminated;reason=noresource", localPort: port)
        // Soft phones often never answer a check-sync: no retry, the timeout is only logged.
        let status = await sip.send(request, to: destination)
        logger.info("check-sync NOTIFY", metadata: ["number": "\(number)", "reboot": "\(reboot)", "status": "\(status.map(String.init) ?? "timeout")"])
        await log(number, reboot ? "NOTIFY check-sync reboot" : "NOTIFY check-sync", status: status, peer: destination)
    }

    func notify(_ number: String) async {
        guard let summary = await summary(number) else { return }
        let dialogs = subscriptions.withLockedValue { $0.filter { $0.value.number == number && $0.value.dialog.isActive(now: MonotonicClock.now()) }.map(\.key) }
        if !dialogs.isEmpty {
            // A subscribed phone hears it in its dialog; an unsolicited one would be a duplicate.
            for callID in dialogs { await notifyInDialog(callID, summary: summary) }
            return
        }
        for (attempt, delay) in ([Duration.zero] + Self.retries).enumerated() {
            if delay > .zero { try? await Task.sleep(for: delay) }
            // A shutdown ends the retries (the phone hears at its next NOTIFY or boot).
            if Task.isCancelled { return }
            guard let destination = destination(), let port = sip.localPort else {
                logger.warning("message-waiting: SIP is off or has no proxy address; \(number) not told")
                return
            }
            let status = await sip.send(request(to: number, summary: summary, localPort: port), to: destination)
            logger.info("message-waiting NOTIFY", metadata: ["number": "\(number)", "waiting": "\(summary.waiting)", "status": "\(status.map(String.init) ?? "timeout")", "attempt": "\(attempt + 1)"])
            await log(number, "NOTIFY message-summary (\(summary.waiting ? "yes" : "no"))", status: status, peer: destination)
            // A final answer below 500 ends it (a phone not registered is 404: nothing to retry).
            if let status, status < 500 { return }
        }
    }

    /// The RFC 3842 summary of a number's lamp: lit or not, and the counts of the mailboxes
    /// that light it (all of them when none does, so the phone still shows its counts).
    func summary(_ number: String) async -> MessageSummary? {
        guard let state = try? await store.lampState(.system, sda: number) else { return nil }
        var summary = MessageSummary(waiting: state.lit, account: "sip:\(number)@\(domain)")
        for source in state.sources where source.lit || !state.lit {
            summary.voiceNew += source.counters.voice.new
            summary.voiceOld += source.counters.voice.old
            summary.voiceUrgentNew += source.counters.voice.urgentNew
            summary.voiceUrgentOld += source.counters.voice.urgentOld
            summary.faxNew += source.counters.fax.new
            summary.faxOld += source.counters.fax.old
        }
        return summary
    }

    // MARK: SUBSCRIBE message-summary

    /// A SUBSCRIBE for a number's message summary. Only the operator's proxy may send one: it
    /// authenticated the phone; anyone else could read any number's mailbox counts.
    func subscribe(_ request: SIPMessage, from source: SocketAddress) async {
        guard let trusted = destination(), trusted.ipAddress == source.ipAddress else {
            reply(request, 403, "Forbidden", to: source)
            return
        }
        let now = MonotonicClock.now()
        guard let callID = request.header("Call-ID") else { return }
        let hasToTag = request.header("To").flatMap { SIPHeaders.parameter("tag", of: $0) } != nil
        if hasToTag {
            // A refresh, or Expires: 0 to end it.
            let found = subscriptions.withLockedValue { subscriptions -> Subscription? in
                guard var entry = subscriptions[callID] else { return nil }
                entry.dialog.refresh(request, now: now)
                subscriptions[callID] = entry
                return entry.dialog
            }
            guard let dialog = found, let port = sip.localPort else {
                reply(request, 481, "Call/Transaction Does Not Exist", to: source)
                return
            }
            sip.reply(dialog.accept(request, contact: contact(port), now: now), to: source)
            if let summary = await summary(dialog.resource.userPart) { await notifyInDialog(callID, summary: summary) }
            return
        }
        let dialog: Subscription
        do {
            dialog = try Subscription(accepting: request, localTag: Self.random(), now: now)
        } catch .badEvent {
            reply(request, 489, "Bad Event", to: source)
            return
        } catch {
            reply(request, 400, "Bad Request", to: source)
            return
        }
        let number = dialog.resource.userPart
        guard let summary = await summary(number), let port = sip.localPort else {
            reply(request, 404, "Not Found", to: source)
            return
        }
        let admitted = subscriptions.withLockedValue { subscriptions -> Bool in
            subscriptions = subscriptions.filter { $0.value.dialog.isActive(now: now) }
            guard subscriptions[callID] != nil || (subscriptions.count < Self.maxSubscriptions && subscriptions.values.filter({ $0.number == number }).count < Self.maxPerNumber) else { return false }
            subscriptions[callID] = Subscribed(dialog: dialog, number: number, peer: source)
            return true
        }
        guard admitted else {
            reply(request, 503, "Service Unavailable", to: source)
            return
        }
        sip.reply(dialog.accept(request, contact: contact(port), now: now), to: source)
        await log(number, "SUBSCRIBE message-summary", status: 200, peer: source)
        await notifyInDialog(callID, summary: summary)
    }

    /// The subscription's next NOTIFY; a 481 or no answer ends the subscription, as does its
    /// own expiry (the last NOTIFY says `terminated`).
    func notifyInDialog(_ callID: String, summary: MessageSummary) async {
        guard let port = sip.localPort else { return }
        let now = MonotonicClock.now()
        let prepared = subscriptions.withLockedValue { subscriptions -> (SIPMessage, SocketAddress, String, Bool)? in
            guard var entry = subscriptions[callID] else { return nil }
            let message = entry.dialog.notify(via: "\(domain):\(port)", branch: "z9hG4bK-\(Self.random())", contact: contact(port), now: now,
                                              contentType: MessageSummary.contentType, body: Array(summary.body.utf8))
            let ended = !entry.dialog.isActive(now: now)
            if ended { subscriptions[callID] = nil } else { subscriptions[callID] = entry }
            return (message, entry.peer, entry.number, ended)
        }
        guard let (message, peer, number, ended) = prepared else { return }
        let status = await sip.send(message, to: peer)
        logger.info("message-waiting NOTIFY in dialog", metadata: ["number": "\(number)", "waiting": "\(summary.waiting)", "status": "\(status.map(String.init) ?? "timeout")"])
        await log(number, "NOTIFY message-summary (\(summary.waiting ? "yes" : "no"))", status: status, peer: peer)
        if !ended, status == nil || status == 481 { subscriptions.withLockedValue { $0[callID] = nil } }
    }

    private func reply(_ request: SIPMessage, _ status: Int, _ reason: String, to source: SocketAddress) {
        if let answer = SIPService.reply(to: request, status: status, reason: reason) { sip.reply(answer, to: source) }
    }

    private func contact(_ port: Int) -> String { "sip:voicemail@\(domain):\(port)" }

    /// One entry in the provisioning log of each phone on the number (transport `sip`).
    func log(_ number: String, _ what: String, status: Int?, peer: SocketAddress) async {
        guard let journal, let phones = try? await store.phones(onNumber: number) else { return }
        let outcome: ProvisioningOutcome = switch status {
        case nil: .unanswered
        case let code? where (200..<300).contains(code): .delivered
        default: .refused
        }
        let text = status.map { "\(what) → \($0)" } ?? what
        for phone in phones {
            journal.record(ProvisioningLogEntry(at: store.clock.now, mac: phone.mac, file: text, sourceIP: peer.ipAddress ?? "", userAgent: nil, outcome: outcome,
                                                transport: "sip", phoneID: phone.phoneID, customerID: phone.customerID), sighting: nil)
        }
    }

    func request(to number: String, summary: MessageSummary, localPort: Int) -> SIPMessage {
        notify(number, from: "voicemail", event: "message-summary", state: "active", localPort: localPort,
               contentType: MessageSummary.contentType, body: Array(summary.body.utf8))
    }

    /// An out-of-dialog NOTIFY to a number, as both the lamp and check-sync send it.
    func notify(_ number: String, from user: String, event: String, state: String, localPort: Int, contentType: String? = nil, body: [UInt8] = []) -> SIPMessage {
        let uri = "sip:\(number)@\(domain)"
        var headers: [(name: String, value: String)] = [
            ("Via", "SIP/2.0/UDP \(domain):\(localPort);branch=z9hG4bK-\(Self.random());rport"),
            ("Max-Forwards", "70"),
            ("From", "<sip:\(user)@\(domain)>;tag=\(Self.random())"),
            ("To", "<\(uri)>"),
            ("Call-ID", "\(Self.random())@pieuvre"),
            ("CSeq", "1 NOTIFY"),
            ("Event", event),
            ("Subscription-State", state),
            ("Contact", "<sip:\(user)@\(domain):\(localPort)>"),
        ]
        if let contentType { headers.append(("Content-Type", contentType)) }
        return SIPMessage(start: .request(method: "NOTIFY", uri: uri), headers: headers, body: body)
    }

    /// The next hop: the outbound proxy when one is set, else the SIP domain on 5060.
    func destination() -> SocketAddress? {
        let target = proxy ?? domain
        var host = target
        var port = 5060
        if let colon = target.lastIndex(of: ":"), let p = Int(target[target.index(after: colon)...]) {
            host = String(target[..<colon])
            port = p
        }
        return try? SocketAddress.makeAddressResolvingHost(host, port: port)
    }

    static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next(), radix: 36) + String(generator.next(), radix: 36)
    }
}

extension String {
    /// `sip:0222969569@domain` → `0222969569`.
    var userPart: String { SIPHeaders.user(of: self) ?? self }
}
