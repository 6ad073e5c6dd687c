/// The body of a message-waiting NOTIFY (RFC 3842, `application/simple-message-summary`):
/// whether messages wait, the account, and the counts per class (new/old, urgent new/old).
public struct MessageSummary: Sendable, Equatable {
    public var waiting: Bool
    public var account: String
    public var voiceNew = 0, voiceOld = 0, voiceUrgentNew = 0, voiceUrgentOld = 0
    public var faxNew = 0, faxOld = 0

    public init(waiting: Bool, account: String) {
        self.waiting = waiting
        self.account = account
    }

    public static let contentType = "application/simple-message-summary"

    public var body: String {
        "Messages-Waiting: \(waiting ? "yes" : "no")\r\n"
            + "Message-Account: \(account)\r\n"
            + "Voice-Message: \(voiceNew)/\(voiceOld) (\(voiceUrgentNew)/\(voiceUrgentOld))\r\n"
            + "Fax-Message: \(faxNew)/\(faxOld)\r\n"
    }
}
