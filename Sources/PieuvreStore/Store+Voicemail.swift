import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// A report from the voicemail platform.
public struct VoicemailReport: Sendable {
    public let event: VoicemailEvent
    public let messageID: String
    public let messageClass: VoicemailMessage.Class
    public let urgent: Bool
    public let from: String?
    public init(event: VoicemailEvent, messageID: String, messageClass: VoicemailMessage.Class, urgent: Bool, from: String?) {
        self.event = event
        self.messageID = messageID
        self.messageClass = messageClass
        self.urgent = urgent
        self.from = from
    }
}

/// Where a phone's message lamp stands: lit or not, and the mailboxes whose rules light it.
public struct LampState: Codable, Sendable, Equatable {
    public struct Source: Codable, Sendable, Equatable {
        public let mailbox: String
        public let rule: LampRule
        public let counters: VoicemailCounters
        public let lit: Bool
    }
    public let number: String
    public let lit: Bool
    public let sources: [Source]
}

public struct EmailRule: Codable, Sendable, Equatable {
    public let address: String
    public let faxes: Bool
    public let urgent: Bool
    public let allVoicemail: Bool
    public let attach: Bool
    /// The language of the mails (the line's user's: the portal sets it to the page's).
    public let language: VoicemailMail.Language
    public init(address: String, faxes: Bool, urgent: Bool, allVoicemail: Bool, attach: Bool, language: VoicemailMail.Language = .fr) {
        self.address = address
        self.faxes = faxes
        self.urgent = urgent
        self.allVoicemail = allVoicemail
        self.attach = attach
        self.language = language
    }
}

extension Store {
    public static let maxLampRules = 50

    /// Applies one report. A repeated report changes nothing (a message deposited twice is one
    /// message; read twice is read). Answers the mailbox's counters and whether they moved.
    /// A new deposit that the line's e-mail rule selects queues one e-mail when `queueMail` (an
    /// SMTP server is configured), in the same transaction.
    public func recordVoicemailEvent(_ actor: Actor, sda: String, _ report: VoicemailReport, queueMail: Bool = false) async throws -> (counters: VoicemailCounters, changed: Bool) {
        try actor.require([.operator], to: "report voicemail events")
        let messageID = try FieldRules.text(report.messageID, field: "messageId", max: 128)
        let from = try report.from.map { f throws(DomainError) in try FieldRules.optionalText(f, field: "from", max: 64) }
        let line = try await visibleLine(actor, sda, on: db)
        let lineID = line.id!
        let before = try await mailbox(lineID)
        let sql = try storage.sql
        switch report.event {
        case .deposited:
            // Not `transaction(_:)`: a mailbox is no phone's configuration, so no cache is dropped.
            try await db.transaction { db in
                let sql = db as! any SQLDatabase
                let inserted = try await sql.raw("""
                    INSERT INTO voicemail_messages (id, line_id, message_id, class, urgent, caller, unread, at)
                    VALUES (\(bind: UUID()), \(bind: lineID), \(bind: messageID), \(bind: report.messageClass.rawValue), \(bind: report.urgent), \(bind: from), \(bind: true), \(bind: self.clock.now))
                    ON CONFLICT (line_id, message_id) DO NOTHING RETURNING id
                    """).first()
                // A repeated deposit sends no second mail.
                if inserted != nil, queueMail {
                    try await self.queueVoicemailMail(db, line: line, report: VoicemailReport(event: report.event, messageID: messageID, messageClass: report.messageClass, urgent: report.urgent, from: from))
                }
            }
        case .read, .unread:
            try await sql.raw("UPDATE voicemail_messages SET unread = \(bind: report.event == .unread) WHERE line_id = \(bind: lineID) AND message_id = \(bind: messageID)").run()
        case .deleted:
            try await sql.raw("DELETE FROM voicemail_messages WHERE line_id = \(bind: lineID) AND message_id = \(bind: messageID)").run()
        }
        let after = try await mailbox(lineID)
        return (VoicemailCounters(after), VoicemailCounters(after) != VoicemailCounters(before) || after != before)
    }

    /// The counters of a line's mailbox (its user, the customer's administrators, its reseller,
    /// the operator).
    public func voicemailCounters(_ actor: Actor, sda: String) async throws -> VoicemailCounters {
        let line = try await visibleLine(actor, sda, on: db)
        return VoicemailCounters(try await mailbox(line.id!))
    }

    func mailbox(_ lineID: UUID) async throws -> [VoicemailMessage] {
        try await storage.sql.raw("SELECT class, urgent, unread FROM voicemail_messages WHERE line_id = \(bind: lineID) ORDER BY message_id").all().map { row in
            VoicemailMessage(messageClass: VoicemailMessage.Class(rawValue: try row.decode(column: "class", as: String.self)) ?? .voice,
                             urgent: try row.decode(column: "urgent", as: Bool.self), unread: try row.decode(column: "unread", as: Bool.self))
        }
    }

    // MARK: Signal lumineux

    public func lampRules(_ actor: Actor, sda: String) async throws -> [LampRule] {
        let line = try await visibleLine(actor, sda, on: db)
        return try await storage.sql.raw("SELECT number, faxes, urgent, all_voicemail FROM lamp_rules WHERE line_id = \(bind: line.id!) ORDER BY position").all().map(Self.rule)
    }

    /// Replaces the line's lamp rules (a small document, replaced whole). Every number must be a
    /// line of the same customer; the same number twice is one rule too many.
    public func setLampRules(_ actor: Actor, sda: String, _ rules: [LampRule]) async throws -> [LampRule] {
        try actor.require([.user, .administrator, .reseller], to: "change notification rules")
        let line = try await visibleLine(actor, sda, on: db)
        guard rules.count <= Self.maxLampRules else {
            throw DomainError.invalid(field: "rules", value: String(rules.count), reason: Reason("too-many-rules", en: "is more than \(Self.maxLampRules) rules", fr: "dépasse \(Self.maxLampRules) règles."))
        }
        var normalised: [LampRule] = []
        for (index, rule) in rules.enumerated() {
            let number = try DirectNumber(parsing: rule.number, field: "[\(index)].number")
            guard let target = try await Line.query(on: db).filter(\.$sda ~~ Self.spellings(number.national)).filter(\.$customer.$id == line.$customer.id).first() else {
                throw DomainError.invalid(field: "[\(index)].number", value: rule.number, reason: .notALineOfThisCustomer)
            }
            guard !normalised.contains(where: { $0.number == target.sda }) else {
                throw DomainError.invalid(field: "[\(index)].number", value: rule.number, reason: Reason("duplicate-rule", en: "has a rule already", fr: "a déjà une règle."))
            }
            normalised.append(LampRule(number: target.sda, faxes: rule.faxes, urgent: rule.urgent, allVoicemail: rule.allVoicemail))
        }
        let before = try await lampRules(actor, sda: sda)
        let rows = normalised
        try await transaction(changes: []) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("DELETE FROM lamp_rules WHERE line_id = \(bind: line.id!)").run()
            for (position, rule) in rows.enumerated() {
                try await sql.raw("""
                    INSERT INTO lamp_rules (id, line_id, position, number, faxes, urgent, all_voicemail)
                    VALUES (\(bind: UUID()), \(bind: line.id!), \(bind: position), \(bind: rule.number), \(bind: rule.faxes), \(bind: rule.urgent), \(bind: rule.allVoicemail))
                    """).run()
            }
            try await audit(db, actor, "notifications.lamp", "line", line.sda, before: before, after: rows)
        }
        return normalised
    }

    /// The lamp of the phones on `sda`: lit when a rule naming this number, on any line of the
    /// customer, has an unread message of a checked class in that line's mailbox.
    public func lampState(_ actor: Actor, sda: String) async throws -> LampState {
        let line = try await visibleLine(actor, sda, on: db)
        return try await lampState(of: line)
    }

    func lampState(of line: Line) async throws -> LampState {
        let rows = try await storage.sql.raw("""
            SELECT r.number AS number, r.faxes AS faxes, r.urgent AS urgent, r.all_voicemail AS all_voicemail, l.id AS owner, l.sda AS mailbox
            FROM lamp_rules r JOIN lines l ON l.id = r.line_id
            WHERE r.number = \(bind: line.sda) AND l.customer_id = \(bind: line.$customer.id)
            ORDER BY l.sda
            """).all()
        var sources: [LampState.Source] = []
        for row in rows {
            let rule = try Self.rule(row)
            let messages = try await mailbox(try row.decode(column: "owner", as: UUID.self))
            sources.append(.init(mailbox: try row.decode(column: "mailbox", as: String.self), rule: rule, counters: VoicemailCounters(messages), lit: rule.isLit(by: messages)))
        }
        return LampState(number: line.sda, lit: sources.contains(where: \.lit), sources: sources)
    }

    static func rule(_ row: any SQLRow) throws -> LampRule {
        LampRule(number: try row.decode(column: "number", as: String.self), faxes: try row.decode(column: "faxes", as: Bool.self),
                 urgent: try row.decode(column: "urgent", as: Bool.self), allVoicemail: try row.decode(column: "all_voicemail", as: Bool.self))
    }

    // MARK: E-mail

    public func emailRule(_ actor: Actor, sda: String) async throws -> EmailRule? {
        let line = try await visibleLine(actor, sda, on: db)
        guard let row = try await storage.sql.raw("SELECT address, faxes, urgent, all_voicemail, attach, language FROM email_rules WHERE line_id = \(bind: line.id!)").first() else { return nil }
        return EmailRule(address: try row.decode(column: "address", as: String.self), faxes: try row.decode(column: "faxes", as: Bool.self),
                         urgent: try row.decode(column: "urgent", as: Bool.self), allVoicemail: try row.decode(column: "all_voicemail", as: Bool.self),
                         attach: try row.decode(column: "attach", as: Bool.self),
                         language: VoicemailMail.Language(rawValue: (try? row.decode(column: "language", as: String?.self)) ?? "fr") ?? .fr)
    }

    /// Sets (or, with nil, removes) the line's e-mail rule; the address must look like one.
    public func setEmailRule(_ actor: Actor, sda: String, _ rule: EmailRule?) async throws -> EmailRule? {
        try actor.require([.user, .administrator, .reseller], to: "change notification rules")
        let line = try await visibleLine(actor, sda, on: db)
        if let rule {
            let address = rule.address.trimmingWhitespace()
            let parts = address.split(separator: "@", omittingEmptySubsequences: false)
            // What SMTP and a To: header take as is: nothing that could add a header or a recipient.
            let allowed = address.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
            guard address.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), allowed else {
                throw DomainError.invalid(field: "address", value: rule.address, reason: Reason("bad-email", en: "is not an e-mail address", fr: "n'est pas une adresse e-mail."))
            }
        }
        let before = try await emailRule(actor, sda: sda)
        try await transaction(changes: []) { db in
            let sql = db as! any SQLDatabase
            try await sql.raw("DELETE FROM email_rules WHERE line_id = \(bind: line.id!)").run()
            if let rule {
                try await sql.raw("""
                    INSERT INTO email_rules (line_id, address, faxes, urgent, all_voicemail, attach, language)
                    VALUES (\(bind: line.id!), \(bind: rule.address.trimmingWhitespace()), \(bind: rule.faxes), \(bind: rule.urgent), \(bind: rule.allVoicemail), \(bind: rule.attach), \(bind: rule.language.rawValue))
                    """).run()
            }
            try await audit(db, actor, "notifications.email", "line", line.sda, before: before, after: rule)
        }
        return try await emailRule(actor, sda: sda)
    }
}
