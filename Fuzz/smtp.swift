import MailCore

/// libFuzzer target: what an SMTP server (or whoever answers on its port) sends back, fed to
/// the reply parser and the client conversation; and `--smtp-url` text. Bounded, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var parser = SMTPReplyParser()
    var conversation = SMTPConversation(clientName: "fuzz", sender: "a@b.fr", recipient: "c@d.fr", message: Array("x\r\n.y\r\n".utf8),
                                        credentials: .init(user: "u", password: "p"), encrypted: false, loopback: bytes.first.map { $0 & 1 == 0 } ?? true)
    // Fed in two pieces, as TCP may cut it.
    let cut = bytes.count / 2
    for piece in [Array(bytes[..<cut]), Array(bytes[cut...])] {
        guard let replies = try? parser.feed(piece) else { break }
        for reply in replies {
            precondition(reply.lines.count <= 100 && (0...999).contains(reply.code))
            for action in conversation.receive(reply) where action == .startTLS {
                _ = conversation.tlsEstablished()
            }
        }
    }
    if let text = String(validating: bytes, as: UTF8.self), let endpoint = try? SMTPEndpoint(parsing: text) {
        precondition((1...65535).contains(endpoint.port) && !endpoint.host.isEmpty)
        precondition(endpoint.credentials.map { !endpoint.description.contains(":" + $0.password + "@") || $0.password.isEmpty } ?? true)
    }
    return 0
}
