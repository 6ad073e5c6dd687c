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
/// A SIP failure is logged (and, for the lamp, retried), never fails the API call behind it.
public final class MessageWaitingNotifier: Sendable {
    let sip: SIPService
    let store: Store
    let domain: String
    let proxy: String?
    let logger: Logger
    static let retries: [Duration] = [.seconds(2), .seconds(10), .seconds(30)]
    /// check-sync waits this long after a number's last change before it is sent.
    static let quietPeriod: Duration = .milliseconds(1500)
    private let pendingSync = NIOLockedValueBox([String: Int]())

    init(sip: SIPService, store: Store, domain: String, proxy: String?, logger: Logger) {
        self.sip = sip
        self.store = store
        self.domain = domain
        self.proxy = proxy
        self.logger = logger
    }

    /// The lamps a mailbox lights (every number its rules name) are told their state.
    public func mailboxChanged(_ sda: String) {
        let notifier = self
        Task {
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
        Task { for number in numbers.sorted() { await notifier.notify(number) } }
    }

    /// Phones on these numbers should fetch their files now (debounced per number).
    public func checkSync(_ numbers: Set<String>) {
        for number in numbers {
            let generation = pendingSync.withLockedValue { pending -> Int in
                pending[number, default: 0] += 1
                return pending[number]!
            }
            Task {
                try? await Task.sleep(for: Self.quietPeriod)
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

    func sendCheckSync(_ number: String) async {
        guard let destination = destination(), let port = sip.localPort else { return }
        let request = notify(number, from: "provisioning", event: "check-sync;reboot=false", state: "terminated;reason=noresource", localPort: port)
        // Soft phones often never answer a check-sync: no retry, the timeout is only logged.
        let status = await sip.send(request, to: destination)
        logger.info("check-sync NOTIFY", metadata: ["number": "\(number)", "status": "\(status.map(String.init) ?? "timeout")"])
    }

    func notify(_ number: String) async {
        guard let state = try? await store.lampState(.system, sda: number) else { return }
        var summary = MessageSummary(waiting: state.lit, account: "sip:\(number)@\(domain)")
        for source in state.sources where source.lit || !state.lit {
            summary.voiceNew += source.counters.voice.new
            summary.voiceOld += source.counters.voice.old
            summary.voiceUrgentNew += source.counters.voice.urgentNew
            summary.voiceUrgentOld += source.counters.voice.urgentOld
            summary.faxNew += source.counters.fax.new
            summary.faxOld += source.counters.fax.old
        }
        for (attempt, delay) in ([Duration.zero] + Self.retries).enumerated() {
            if delay > .zero { try? await Task.sleep(for: delay) }
            guard let destination = destination(), let port = sip.localPort else {
                logger.warning("message-waiting: SIP is off or has no proxy address; \(number) not told")
                return
            }
            let status = await sip.send(request(to: number, summary: summary, localPort: port), to: destination)
            logger.info("message-waiting NOTIFY", metadata: ["number": "\(number)", "waiting": "\(state.lit)", "status": "\(status.map(String.init) ?? "timeout")", "attempt": "\(attempt + 1)"])
            // A final answer below 500 ends it (a phone not registered is 404: nothing to retry).
            if let status, status < 500 { return }
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
