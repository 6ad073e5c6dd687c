import Foundation
import Logging
import MailCore
import PieuvreStore
import ServiceLifecycle

/// Drains the durable outbox the voicemail events fill: each due mail is sent over SMTP; a
/// failure is retried on `Store.mailRetryDelays` (a 5xx refusal is not); every outcome is in
/// the log. Event requests never wait for it.
public final class MailOutbox: Service, Sendable {
    public let endpoint: SMTPEndpoint
    let sender: String
    let store: Store
    let logger: Logger
    let client: SMTPClient
    /// How often the outbox is looked at (one indexed query when nothing is due).
    static let pollInterval: Duration = .seconds(1)

    public init(endpoint: SMTPEndpoint, sender: String, store: Store, logger: Logger) {
        self.endpoint = endpoint
        self.sender = sender
        self.store = store
        self.logger = logger
        self.client = SMTPClient(endpoint: endpoint)
    }

    public func run() async throws {
        logger.notice("mail: sending notification e-mails", metadata: ["smtp": "\(endpoint)", "from": "\(sender)"])
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.drain()
                try? await Task.sleep(for: Self.pollInterval)
            }
        }
    }

    /// Sends what is due, a few at a time, until nothing is.
    func drain() async {
        while !Task.isCancelled {
            let due: [OutboxMail]
            do {
                due = try await store.claimDueMail(limit: 10)
            } catch {
                logger.warning("mail: cannot read the outbox; will retry", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                return
            }
            if due.isEmpty { return }
            for mail in due { await send(mail) }
        }
    }

    func send(_ mail: OutboxMail) async {
        let message = MailMessage(from: sender, fromName: "Pieuvre", to: mail.recipient, subject: mail.subject, text: mail.body,
                                  date: Self.rfc5322(mail.createdAt), messageID: "\(mail.id.uuidString.lowercased())@\(sender.split(separator: "@").last ?? "pieuvre")")
        let conversation = SMTPConversation(clientName: Self.clientName, sender: sender, recipient: mail.recipient, message: message.rendered(),
                                            credentials: endpoint.credentials, encrypted: endpoint.implicitTLS, loopback: endpoint.isLoopback)
        let metadata: Logger.Metadata = ["mail": "\(mail.id)", "line": "\(mail.line)", "attempt": "\(mail.attempts)"]
        do {
            let accepted = try await client.send(conversation)
            try? await store.mailSent(mail.id)
            logger.info("mail: sent", metadata: metadata.merging(["server": "\(accepted.prefix(80))"]) { a, _ in a })
        } catch {
            let permanent = (error as? SMTPError)?.isPermanent ?? false
            // Descriptions of SMTP, NIO and TLS errors name the step or the peer, never the password.
            let reason = String(describing: error)
            let retry = (try? await store.mailFailed(mail.id, attempts: mail.attempts, error: reason, permanent: permanent)) ?? true
            logger.warning(retry ? "mail: not sent; will retry" : "mail: not sent; given up", metadata: metadata.merging(["error": "\(reason)"]) { a, _ in a })
        }
    }

    static let clientName: String = {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains(" ") ? "pieuvre.localdomain" : name
    }()

    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
