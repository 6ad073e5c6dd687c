import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// A notification e-mail waiting in the outbox (or sent, or given up).
public struct OutboxMail: Sendable, Equatable {
    public let id: UUID
    public let line: String
    public let recipient: String
    public let subject: String
    public let body: String
    public let createdAt: Date
    public let attempts: Int
}

extension Store {
    /// After this many failed attempts a mail is given up (the delays sum to about two days).
    public static let mailRetryDelays: [TimeInterval] = [5, 15, 30, 60, 300, 900, 1800, 3600, 3600, 7200, 7200, 14_400, 14_400, 28_800, 28_800, 43_200, 43_200]

    /// Queues the e-mail a deposit calls for, if the line's rule selects the message. Called in
    /// the event's transaction: the deposit and its mail are recorded together or not at all.
    func queueVoicemailMail(_ db: any Database, line: Line, report: VoicemailReport) async throws {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.raw("SELECT address, faxes, urgent, all_voicemail, language FROM email_rules WHERE line_id = \(bind: line.id!)").first() else { return }
        let message = VoicemailMessage(messageClass: report.messageClass, urgent: report.urgent, unread: true)
        guard LampRule.selects(faxes: try row.decode(column: "faxes", as: Bool.self), urgent: try row.decode(column: "urgent", as: Bool.self),
                               allVoicemail: try row.decode(column: "all_voicemail", as: Bool.self), message) else { return }
        let language = VoicemailMail.Language(rawValue: (try? row.decode(column: "language", as: String?.self)) ?? "fr") ?? .fr
        let mail = VoicemailMail(language: language, line: line.sda, caller: report.from, at: clock.now, messageClass: report.messageClass, urgent: report.urgent)
        try await sql.raw("""
            INSERT INTO mail_outbox (id, line_sda, recipient, subject, body, created_at, state, attempts, next_attempt_at)
            VALUES (\(bind: UUID()), \(bind: line.sda), \(bind: try row.decode(column: "address", as: String.self)), \(bind: mail.subject), \(bind: mail.text),
                    \(bind: clock.now), 'pending', 0, \(bind: clock.now))
            """).run()
    }

    /// Mails due now, oldest first, each claimed for `lease` seconds (so another node, or this
    /// one's next round, leaves it alone while it is being sent).
    public func claimDueMail(limit: Int, lease: TimeInterval = 120) async throws -> [OutboxMail] {
        let now = clock.now
        let rows = try await storage.sql.raw("""
            SELECT id, attempts FROM mail_outbox WHERE state = 'pending' AND next_attempt_at <= \(bind: now)
            ORDER BY next_attempt_at LIMIT \(bind: limit)
            """).all()
        var claimed: [OutboxMail] = []
        for row in rows {
            let id = try row.decode(column: "id", as: UUID.self)
            let attempts = try row.decode(column: "attempts", as: Int.self)
            // Compare-and-set on the attempt count: of two nodes, one wins.
            guard let mail = try await storage.sql.raw("""
                UPDATE mail_outbox SET attempts = \(bind: attempts + 1), next_attempt_at = \(bind: now.addingTimeInterval(lease))
                WHERE id = \(bind: id) AND state = 'pending' AND attempts = \(bind: attempts)
                RETURNING id, line_sda, recipient, subject, body, created_at, attempts
                """).first() else { continue }
            claimed.append(OutboxMail(id: id, line: try mail.decode(column: "line_sda", as: String.self), recipient: try mail.decode(column: "recipient", as: String.self),
                                      subject: try mail.decode(column: "subject", as: String.self), body: try mail.decode(column: "body", as: String.self),
                                      createdAt: try mail.decode(column: "created_at", as: Date.self), attempts: try mail.decode(column: "attempts", as: Int.self)))
        }
        return claimed
    }

    public func mailSent(_ id: UUID) async throws {
        try await storage.sql.raw("UPDATE mail_outbox SET state = 'sent', done_at = \(bind: clock.now), last_error = NULL WHERE id = \(bind: id)").run()
    }

    /// A failed attempt: retried after the next delay, or given up (permanent refusal, or the
    /// delays are spent). Answers whether it will be retried.
    @discardableResult
    public func mailFailed(_ id: UUID, attempts: Int, error: String, permanent: Bool) async throws -> Bool {
        let retry = !permanent && attempts <= Self.mailRetryDelays.count
        let reason = String(error.prefix(500))
        if retry {
            let next = clock.now.addingTimeInterval(Self.mailRetryDelays[attempts - 1])
            try await storage.sql.raw("UPDATE mail_outbox SET next_attempt_at = \(bind: next), last_error = \(bind: reason) WHERE id = \(bind: id)").run()
        } else {
            try await storage.sql.raw("UPDATE mail_outbox SET state = 'failed', done_at = \(bind: clock.now), last_error = \(bind: reason) WHERE id = \(bind: id)").run()
        }
        return retry
    }

    /// How many mails wait (pending) and how many were given up, for the log and the portal.
    public func outboxCounts() async throws -> (pending: Int, failed: Int) {
        let rows = try await storage.sql.raw("SELECT state, COUNT(*) AS n FROM mail_outbox WHERE state <> 'sent' GROUP BY state").all()
        var pending = 0, failed = 0
        for row in rows {
            let n = try row.decode(column: "n", as: Int.self)
            if try row.decode(column: "state", as: String.self) == "pending" { pending = n } else { failed = n }
        }
        return (pending, failed)
    }

    func pruneOutbox(before cutoff: Date) async throws {
        try await storage.sql.raw("DELETE FROM mail_outbox WHERE state <> 'pending' AND done_at < \(bind: cutoff)").run()
    }
}
