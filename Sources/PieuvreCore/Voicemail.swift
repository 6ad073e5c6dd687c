import Foundation

/// A message in a line's mailbox, as the operator's voicemail platform reports it.
public struct VoicemailMessage: Sendable, Equatable {
    public enum Class: String, Sendable, Codable, CaseIterable {
        case voice, fax
    }

    public let messageClass: Class
    public let urgent: Bool
    /// New (unread) or old (read).
    public let unread: Bool

    public init(messageClass: Class, urgent: Bool, unread: Bool) {
        self.messageClass = messageClass
        self.urgent = urgent
        self.unread = unread
    }
}

/// What the voicemail platform reports of one message.
public enum VoicemailEvent: String, Sendable, Codable, CaseIterable {
    case deposited, read, unread, deleted
}

/// The mailbox's counters, in RFC 3842's terms (voice new/old with urgent ones, fax new/old).
public struct VoicemailCounters: Sendable, Equatable, Codable {
    public struct Voice: Sendable, Equatable, Codable {
        public var new = 0, old = 0, urgentNew = 0, urgentOld = 0
    }
    public struct Fax: Sendable, Equatable, Codable {
        public var new = 0, old = 0
    }
    public var voice = Voice()
    public var fax = Fax()

    public init(_ messages: [VoicemailMessage] = []) {
        for m in messages {
            switch (m.messageClass, m.unread) {
            case (.voice, true): voice.new += 1; if m.urgent { voice.urgentNew += 1 }
            case (.voice, false): voice.old += 1; if m.urgent { voice.urgentOld += 1 }
            case (.fax, true): fax.new += 1
            case (.fax, false): fax.old += 1
            }
        }
    }
}

/// One row of the seed's "Signal lumineux" table: a number whose phones' lamp lights, and the
/// message classes that light it (Toutes les fax, Message vocal urgent, Tous les messages vocaux).
public struct LampRule: Sendable, Equatable, Codable {
    public let number: String
    public let faxes: Bool
    public let urgent: Bool
    public let allVoicemail: Bool

    public init(number: String, faxes: Bool, urgent: Bool, allVoicemail: Bool) {
        self.number = number
        self.faxes = faxes
        self.urgent = urgent
        self.allVoicemail = allVoicemail
    }

    /// Whether an unread message of the mailbox lights this rule's lamp.
    public func lights(_ message: VoicemailMessage) -> Bool {
        message.unread && Self.selects(faxes: faxes, urgent: urgent, allVoicemail: allVoicemail, message)
    }

    /// The seed's three columns, as the lamp and the e-mail tab both read them.
    public static func selects(faxes: Bool, urgent: Bool, allVoicemail: Bool, _ message: VoicemailMessage) -> Bool {
        switch message.messageClass {
        case .fax: faxes
        case .voice: allVoicemail || (urgent && message.urgent)
        }
    }

    /// A rule switched on counts the messages already waiting (the seed's platform ignores them
    /// until they are read and marked unread again; Pieuvre does not).
    public func isLit(by mailbox: [VoicemailMessage]) -> Bool { mailbox.contains(where: lights) }
}
