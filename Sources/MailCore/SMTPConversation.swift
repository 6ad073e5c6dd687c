/// The client side of one SMTP session (RFC 5321, STARTTLS RFC 3207, AUTH PLAIN RFC 4616 and
/// LOGIN) as a pure state machine: it is given the server's replies and answers what to do
/// next. The NIO shell only moves bytes and starts TLS when told.
public struct SMTPConversation: Sendable {
    public struct Credentials: Sendable, Equatable {
        public let user: String
        public let password: String
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public enum Action: Sendable, Equatable {
        case send([UInt8])
        /// Put TLS under the connection, then call `tlsEstablished()`.
        case startTLS
        /// The message was accepted (the server's queue id in the text).
        case delivered(String)
        case failed(SMTPError)
    }

    enum Step: Sendable, Equatable {
        case greeting, ehlo, helo, startTLS, authPlain, authLogin, authLoginUser, authLoginPassword
        case mailFrom, rcptTo, data, body, quit, finished
    }

    let clientName: String
    let sender: String
    let recipient: String
    let message: [UInt8]
    let credentials: Credentials?
    /// Whether the link is already private (implicit TLS, or after STARTTLS).
    private(set) var encrypted: Bool
    /// A server on this machine may take a password over plain TCP (a local relay).
    let loopback: Bool
    private var step: Step = .greeting
    private var extensions: [String] = []

    public init(clientName: String, sender: String, recipient: String, message: [UInt8], credentials: Credentials?, encrypted: Bool, loopback: Bool) {
        self.clientName = clientName
        self.sender = sender
        self.recipient = recipient
        self.message = message
        self.credentials = credentials
        self.encrypted = encrypted
        self.loopback = loopback
    }

    public var isFinished: Bool { step == .finished }

    public mutating func receive(_ reply: SMTPReply) -> [Action] {
        switch step {
        case .greeting:
            guard reply.code == 220 else { return fail("the greeting", reply) }
            return ehlo()
        case .ehlo:
            guard reply.code == 250 else {
                // An old server: HELO, and nothing else (no STARTTLS, no AUTH).
                step = .helo
                return [.send(line("HELO \(clientName)"))]
            }
            extensions = reply.lines.dropFirst().map { $0.uppercased() }
            if !encrypted, offers("STARTTLS") {
                step = .startTLS
                return [.send(line("STARTTLS"))]
            }
            return authenticate()
        case .helo:
            guard reply.code == 250 else { return fail("HELO", reply) }
            return authenticate()
        case .startTLS:
            guard reply.code == 220 else { return fail("STARTTLS", reply) }
            return [.startTLS]
        case .authPlain:
            guard reply.code == 235 else { return fail("AUTH PLAIN", reply) }
            return mailFrom()
        case .authLogin:
            guard reply.code == 334, let credentials else { return fail("AUTH LOGIN", reply) }
            step = .authLoginUser
            return [.send(line(Base64.encode(Array(credentials.user.utf8))))]
        case .authLoginUser:
            guard reply.code == 334, let credentials else { return fail("AUTH LOGIN", reply) }
            step = .authLoginPassword
            return [.send(line(Base64.encode(Array(credentials.password.utf8))))]
        case .authLoginPassword:
            guard reply.code == 235 else { return fail("AUTH LOGIN", reply) }
            return mailFrom()
        case .mailFrom:
            guard reply.code == 250 else { return fail("MAIL FROM", reply) }
            step = .rcptTo
            return [.send(line("RCPT TO:<\(recipient)>"))]
        case .rcptTo:
            guard reply.code == 250 || reply.code == 251 else { return fail("RCPT TO", reply) }
            step = .data
            return [.send(line("DATA"))]
        case .data:
            guard reply.code == 354 else { return fail("DATA", reply) }
            step = .body
            return [.send(Self.dotStuffed(message) + Array(".\r\n".utf8))]
        case .body:
            guard reply.code == 250 else { return fail("the message", reply) }
            // Accepted: delivered, whatever becomes of the QUIT.
            step = .quit
            return [.send(line("QUIT")), .delivered(reply.lines.first ?? "")]
        case .quit:
            step = .finished
            return []
        case .finished:
            return []
        }
    }

    /// TLS is up after STARTTLS: start over with EHLO (RFC 3207 §4.2: forget what was offered).
    public mutating func tlsEstablished() -> [Action] {
        encrypted = true
        return ehlo()
    }

    private mutating func ehlo() -> [Action] {
        step = .ehlo
        extensions = []
        return [.send(line("EHLO \(clientName)"))]
    }

    private mutating func authenticate() -> [Action] {
        guard let credentials else { return mailFrom() }
        guard encrypted || loopback else { return stop(.noTLSForPassword) }
        let mechanisms = extensions.filter { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }.flatMap { $0.dropFirst(5).split(separator: " ").map(String.init) }
        if mechanisms.contains("PLAIN") {
            step = .authPlain
            let token = Base64.encode([0] + Array(credentials.user.utf8) + [0] + Array(credentials.password.utf8))
            return [.send(line("AUTH PLAIN \(token)"))]
        }
        if mechanisms.contains("LOGIN") {
            step = .authLogin
            return [.send(line("AUTH LOGIN"))]
        }
        return stop(.noAuthMechanism)
    }

    private mutating func mailFrom() -> [Action] {
        step = .mailFrom
        return [.send(line("MAIL FROM:<\(sender)>"))]
    }

    private func offers(_ keyword: String) -> Bool {
        extensions.contains { $0 == keyword || $0.hasPrefix(keyword + " ") }
    }

    private mutating func fail(_ what: String, _ reply: SMTPReply) -> [Action] {
        stop(.refused(step: what, code: reply.code, text: reply.lines.first ?? ""))
    }

    private mutating func stop(_ error: SMTPError) -> [Action] {
        step = .finished
        return [.send(line("QUIT")), .failed(error)]
    }

    private func line(_ text: String) -> [UInt8] { Array(text.utf8) + [13, 10] }

    /// RFC 5321 §4.5.2: a line that starts with a dot gets another; the message ends with CRLF.
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 8)
        var atLineStart = true
        for byte in message {
            if atLineStart, byte == UInt8(ascii: ".") { out.append(byte) }
            out.append(byte)
            atLineStart = byte == 10
        }
        if !out.isEmpty, !atLineStart { out += [13, 10] }
        return out
    }
}
