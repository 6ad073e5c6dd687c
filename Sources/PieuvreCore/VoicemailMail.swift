import Foundation

/// The e-mail a deposit sends (Paramètres > Notifications > E-mail): who called, when, what
/// kind of message, in the rule's language. It carries no secret and no link that signs in.
public struct VoicemailMail: Sendable, Equatable {
    public enum Language: String, Sendable, Codable, CaseIterable {
        case fr, en
    }

    public let subject: String
    public let text: String

    /// Times are told in French time, the operator's.
    static let zone = TimeZone(identifier: "Europe/Paris") ?? .gmt

    public init(language: Language, line: String, caller: String?, at: Date, messageClass: VoicemailMessage.Class, urgent: Bool) {
        let caller = caller.map { String($0.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init)) }.flatMap { $0.isEmpty ? nil : $0 }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: at)
        let day = String(format: "%02d/%02d/%04d", c.day ?? 0, c.month ?? 0, c.year ?? 0)
        let time = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
        switch language {
        case .fr:
            let kind = messageClass == .fax ? "Télécopie" : urgent ? "Message vocal urgent" : "Message vocal"
            let what = messageClass == .fax ? "Nouvelle télécopie" : urgent ? "Nouveau message vocal urgent" : "Nouveau message vocal"
            subject = "\(what) pour le \(line)" + (caller.map { " de \($0)" } ?? "")
            text = """
                Bonjour,

                \(what) sur la messagerie du \(line).

                De : \(caller ?? "numéro masqué")
                Reçu le : \(day) à \(time) (heure de Paris)
                Type : \(kind)

                Écoutez-le depuis votre téléphone ou en appelant votre messagerie.
                Ce message est envoyé automatiquement : merci de ne pas y répondre.

                """
        case .en:
            let kind = messageClass == .fax ? "Fax" : urgent ? "Urgent voice message" : "Voice message"
            let what = messageClass == .fax ? "New fax" : urgent ? "New urgent voice message" : "New voice message"
            subject = "\(what) for \(line)" + (caller.map { " from \($0)" } ?? "")
            text = """
                Hello,

                \(what) in the mailbox of \(line).

                From: \(caller ?? "withheld number")
                Received: \(day) at \(time) (Paris time)
                Type: \(kind)

                Listen to it from your phone or by calling your voicemail.
                This message is sent automatically: please do not reply.

                """
        }
    }
}
