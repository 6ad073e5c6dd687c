import Foundation
import Logging
import NIOCore
import PieuvreCore
import PieuvreStore
import SIPCore

/// SIP plug and play: a Yealink or snom phone booting on a LAN multicasts `SUBSCRIBE` with
/// `Event: ua-profile` to 224.0.1.75:5060, its MAC as the user part. For a registered MAC the
/// answer is 200 and a `NOTIFY` carrying the provisioning URL, so the phone needs no router
/// change at all; an unknown MAC gets nothing (no oracle for MAC guessers).
public final class PlugAndPlay: Sendable {
    let files: PhoneFiles
    let provisioningURL: String
    let bindAddress: String
    let multicastPort: Int
    let logger: Logger

    public init(files: PhoneFiles, provisioningURL: String, bindAddress: String, multicastPort: Int = 5060, logger: Logger) {
        self.files = files
        self.provisioningURL = provisioningURL
        self.bindAddress = bindAddress
        self.multicastPort = multicastPort
        self.logger = logger
    }

    /// The MAC a PnP SUBSCRIBE names: the user part of its Request-URI or From.
    static func mac(of request: SIPMessage) -> MACAddress? {
        var candidates: [String] = []
        if case let .request(_, uri) = request.start { candidates.append(uri) }
        if let from = request.header("From") { candidates.append(from) }
        for text in candidates {
            guard let sip = text.range(of: "sip:", options: .caseInsensitive) else { continue }
            let user = text[sip.upperBound...].prefix { $0 != "@" && $0 != ">" && $0 != ";" }
            if let mac = try? MACAddress(parsing: String(user)) { return mac }
        }
        return nil
    }

    func answer(_ request: SIPMessage, from source: SocketAddress, service: SIPService) async {
        guard let mac = Self.mac(of: request), let record = try? await files.record(mac) else { return }
        guard let ok = SIPService.reply(to: request, status: 200, reason: "OK") else { return }
        var accepted = ok
        accepted.headers.append(("Expires", "0"))
        service.reply(accepted, to: source)
        guard let port = service.localPort, let callID = request.header("Call-ID"), let from = request.header("From"), let to = accepted.header("To") else { return }
        // The NOTIFY goes to the phone's Contact, in the SUBSCRIBE's dialog.
        let contact = request.header("Contact").flatMap { c -> String? in
            guard let start = c.firstIndex(of: "<"), let end = c.firstIndex(of: ">") else { return c }
            return String(c[c.index(after: start)..<end])
        } ?? "sip:\(mac.hex)@\(source.ipAddress ?? "")"
        // rport makes the phone answer to where the NOTIFY came from, whatever Via names.
        let local = "pieuvre.invalid"
        let notify = SIPMessage(start: .request(method: "NOTIFY", uri: contact), headers: [
            ("Via", "SIP/2.0/UDP \(local):\(port);branch=z9hG4bK-\(MessageWaitingNotifier.random());rport"),
            ("Max-Forwards", "70"),
            ("From", to),
            ("To", from),
            ("Call-ID", callID),
            ("CSeq", "1 NOTIFY"),
            ("Event", "ua-profile"),
            ("Subscription-State", "terminated;reason=timeout"),
            ("Content-Type", "application/url"),
        ], body: Array(provisioningURL.utf8))
        let status = await service.send(notify, to: source)
        let outcome: ProvisioningOutcome = status == nil ? .unanswered : (200..<300).contains(status!) ? .delivered : .refused
        files.journal.record(ProvisioningLogEntry(at: files.store.clock.now, mac: mac, file: "SUBSCRIBE ua-profile, NOTIFY provisioning URL" + (status.map { " → \($0)" } ?? ""),
                                                  sourceIP: source.ipAddress ?? "", userAgent: request.header("User-Agent"), outcome: outcome, transport: "sip",
                                                  phoneID: record.phoneID, customerID: record.customerID), sighting: nil)
        logger.info("SIP plug and play", metadata: ["mac": "\(mac)", "model": "\(record.model.displayName)", "status": "\(status.map(String.init) ?? "timeout")"])
    }
}
