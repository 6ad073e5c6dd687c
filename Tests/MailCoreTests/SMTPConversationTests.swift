import Foundation
import MailCore
import Testing

@Suite struct SMTPConversationTests {
    static func reply(_ text: String) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        return try parser.feed(Array(text.utf8))
    }

    static func sent(_ actions: [SMTPConversation.Action]) -> [String] {
        actions.compactMap { if case let .send(bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { nil } }
    }

    static func conversation(credentials: SMTPConversation.Credentials? = nil, encrypted: Bool = false, loopback: Bool = true, message: String = "Subject: x\r\n\r\nbody\r\n") -> SMTPConversation {
        SMTPConversation(clientName: "pieuvre.test", sender: "pieuvre@example.fr", recipient: "accueil@example.fr", message: Array(message.utf8),
                         credentials: credentials, encrypted: encrypted, loopback: loopback)
    }

    @Test func multiLineRepliesAreOneReply() throws {
        var parser = SMTPReplyParser()
        #expect(try parser.feed(Array("250-mail.example.fr\r\n250-PIPELINING\r\n25".utf8)).isEmpty)
        let replies = try parser.feed(Array("0 AUTH PLAIN LOGIN\r\n220 ready\r\n".utf8))
        #expect(replies == [SMTPReply(code: 250, lines: ["mail.example.fr", "PIPELINING", "AUTH PLAIN LOGIN"]), SMTPReply(code: 220, lines: ["ready"])])
    }

    @Test func malformedOrEndlessRepliesAreErrors() {
        var parser = SMTPReplyParser()
        #expect(throws: SMTPError.self) { try parser.feed(Array("hello\r\n".utf8)) }
        var mixed = SMTPReplyParser()
        #expect(throws: SMTPError.self) { try mixed.feed(Array("250-a\r\n251 b\r\n".utf8)) }
        var long = SMTPReplyParser()
        #expect(throws: SMTPError.replyTooLong) { try long.feed([UInt8](repeating: 50, count: 1200)) }
        var many = SMTPReplyParser()
        #expect(throws: SMTPError.replyTooLong) { try many.feed(Array(String(repeating: "250-x\r\n", count: 101).utf8)) }
    }

    @Test func plainDeliveryWithAuthPlainOnALoopbackRelay() throws {
        var c = Self.conversation(credentials: .init(user: "relay", password: "s3cret"))
        #expect(Self.sent(c.receive(try Self.reply("220 hi\r\n")[0])) == ["EHLO pieuvre.test\r\n"])
        // No STARTTLS offered; the relay is on this machine: AUTH PLAIN goes (\0relay\0s3cret).
        #expect(Self.sent(c.receive(try Self.reply("250-hi\r\n250 AUTH LOGIN PLAIN\r\n")[0])) == ["AUTH PLAIN AHJlbGF5AHMzY3JldA==\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 235, lines: ["ok"]))) == ["MAIL FROM:<pieuvre@example.fr>\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 250, lines: ["ok"]))) == ["RCPT TO:<accueil@example.fr>\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 250, lines: ["ok"]))) == ["DATA\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 354, lines: ["go"]))) == ["Subject: x\r\n\r\nbody\r\n.\r\n"])
        let end = c.receive(SMTPReply(code: 250, lines: ["queued as 42"]))
        #expect(end.contains(.delivered("queued as 42")) && Self.sent(end) == ["QUIT\r\n"])
    }

    @Test func startTLSWhenOfferedThenEHLOAgain() throws {
        var c = Self.conversation(credentials: .init(user: "u", password: "p"), loopback: false)
        _ = c.receive(SMTPReply(code: 220, lines: ["hi"]))
        #expect(Self.sent(c.receive(SMTPReply(code: 250, lines: ["hi", "STARTTLS", "AUTH LOGIN"]))) == ["STARTTLS\r\n"])
        #expect(c.receive(SMTPReply(code: 220, lines: ["go ahead"])) == [.startTLS])
        #expect(Self.sent(c.tlsEstablished()) == ["EHLO pieuvre.test\r\n"])
        // Only LOGIN: user and password each base64 on its own line.
        #expect(Self.sent(c.receive(SMTPReply(code: 250, lines: ["hi", "AUTH LOGIN"]))) == ["AUTH LOGIN\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 334, lines: ["VXNlcm5hbWU6"]))) == ["dQ==\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 334, lines: ["UGFzc3dvcmQ6"]))) == ["cA==\r\n"])
        #expect(Self.sent(c.receive(SMTPReply(code: 235, lines: ["ok"]))) == ["MAIL FROM:<pieuvre@example.fr>\r\n"])
    }

    @Test func noPasswordInClearToAHostOffThisMachine() {
        var c = Self.conversation(credentials: .init(user: "u", password: "p"), loopback: false)
        _ = c.receive(SMTPReply(code: 220, lines: ["hi"]))
        let actions = c.receive(SMTPReply(code: 250, lines: ["hi", "AUTH PLAIN"]))
        #expect(actions.contains(.failed(.noTLSForPassword)))
        #expect(!Self.sent(actions).contains { $0.hasPrefix("AUTH") })
        #expect(SMTPError.noTLSForPassword.isPermanent)
    }

    @Test func refusalsSayWhichStepAndWhetherToRetry() {
        var c = Self.conversation()
        _ = c.receive(SMTPReply(code: 220, lines: ["hi"]))
        _ = c.receive(SMTPReply(code: 250, lines: ["hi"]))
        _ = c.receive(SMTPReply(code: 250, lines: ["ok"]))
        let refused = c.receive(SMTPReply(code: 550, lines: ["no such user"]))
        #expect(refused.contains(.failed(.refused(step: "RCPT TO", code: 550, text: "no such user"))))
        #expect(SMTPError.refused(step: "RCPT TO", code: 550, text: "").isPermanent)
        #expect(!SMTPError.refused(step: "RCPT TO", code: 451, text: "").isPermanent)
        #expect(c.isFinished)
    }

    @Test func linesStartingWithADotAreStuffed() {
        var c = Self.conversation(message: ".hidden\r\nok\r\n.\r\nend")
        _ = c.receive(SMTPReply(code: 220, lines: ["hi"]))
        _ = c.receive(SMTPReply(code: 250, lines: ["hi"]))
        _ = c.receive(SMTPReply(code: 250, lines: ["ok"]))
        _ = c.receive(SMTPReply(code: 250, lines: ["ok"]))
        #expect(Self.sent(c.receive(SMTPReply(code: 354, lines: ["go"]))) == ["..hidden\r\nok\r\n..\r\nend\r\n.\r\n"])
    }
}

@Suite struct MailMessageTests {
    @Test func headersCannotBeInjectedAndAccentsAreEncoded() {
        let message = MailMessage(from: "pieuvre@example.fr", fromName: "Pieuvre", to: "accueil@example.fr",
                                  subject: "Nouveau message vocal de 06\r\nBcc: victim@example.com", text: "Reçu à 10:40\r\n.\r\n",
                                  date: "Fri, 27 Nov 2026 10:40:00 +0000", messageID: "1@example.fr")
        let text = String(decoding: message.rendered(), as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("Bcc:"), "a line break in the subject is no header")
        #expect(head.contains("Subject: =?UTF-8?B?"))
        #expect(head.contains("Content-Transfer-Encoding: base64") && head.contains("Auto-Submitted: auto-generated"))
        // The body is base64: no bare dot line, no accent on the wire.
        #expect(text.components(separatedBy: "\r\n\r\n")[1].contains("UmXDp3Ug"))
        #expect(!MailMessage.isAddress("a@b.fr>\r\nRCPT TO:<x@y.fr") && !MailMessage.isAddress("a b@c.fr") && MailMessage.isAddress("prenom.nom+vm@exemple.fr"))
    }

    @Test func endpoints() throws {
        let relay = try SMTPEndpoint(parsing: "smtp://relay%40ex:p%3Ass@mail.example.fr:587")
        #expect(relay.host == "mail.example.fr" && relay.port == 587 && !relay.implicitTLS)
        #expect(relay.credentials == .init(user: "relay@ex", password: "p:ss"))
        #expect(relay.description == "smtp://relay@ex@mail.example.fr:587", "the password stays out of logs")
        let tls = try SMTPEndpoint(parsing: "smtps://[::1]")
        #expect(tls.host == "::1" && tls.port == 465 && tls.implicitTLS && tls.isLoopback)
        #expect(try SMTPEndpoint(parsing: "smtp://127.0.0.1").port == 25)
        #expect(throws: SMTPEndpointError.self) { try SMTPEndpoint(parsing: "http://mail.example.fr") }
        #expect(throws: SMTPEndpointError.self) { try SMTPEndpoint(parsing: "smtp://mail.example.fr:99999") }
        #expect(throws: SMTPEndpointError.self) { try SMTPEndpoint(parsing: "smtp://") }
    }
}
