/// A plain-text e-mail (RFC 5322 with MIME, RFC 2045/2047) rendered to the bytes DATA sends.
/// Every header value is either checked ASCII without line breaks or an encoded word, and the
/// body is base64: nothing a caller's name or a number contains can add a header or end DATA.
public struct MailMessage: Sendable, Equatable {
    public let from: String
    public let fromName: String
    public let to: String
    public let subject: String
    public let text: String
    /// RFC 5322 date, e.g. "Fri, 27 Nov 2026 10:40:00 +0000".
    public let date: String
    public let messageID: String

    public init(from: String, fromName: String, to: String, subject: String, text: String, date: String, messageID: String) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.text = text
        self.date = date
        self.messageID = messageID
    }

    /// An address as SMTP and the headers take it: one @, no spaces, brackets or controls.
    public static func isAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return address.utf8.count <= 254 && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && address.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[]\\,;:\"".unicodeScalars.contains($0) }
    }

    public func rendered() -> [UInt8] {
        var head = ""
        head += "From: \(Self.phrase(fromName)) <\(from)>\r\n"
        head += "To: <\(to)>\r\n"
        head += "Subject: \(Self.phrase(subject))\r\n"
        head += "Date: \(Self.ascii(date))\r\n"
        head += "Message-ID: <\(Self.ascii(messageID))>\r\n"
        head += "MIME-Version: 1.0\r\n"
        head += "Content-Type: text/plain; charset=utf-8\r\n"
        head += "Content-Transfer-Encoding: base64\r\n"
        // RFC 3834: mark it automatic, so auto-responders do not answer it.
        head += "Auto-Submitted: auto-generated\r\n"
        head += "\r\n"
        var body = ""
        let encoded = Array(Base64.encode(Array(text.utf8)).utf8)
        var index = 0
        while index < encoded.count {
            body += String(decoding: encoded[index..<min(index + 76, encoded.count)], as: UTF8.self) + "\r\n"
            index += 76
        }
        return Array(head.utf8) + Array(body.utf8)
    }

    /// Printable ASCII as is; anything else (accents, line breaks) as one RFC 2047 encoded word
    /// per 45 bytes of UTF-8, so a header line stays short.
    static func phrase(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 } && !text.contains("=?")
        if plain { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text where !character.isNewline {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(Base64.encode(chunk))?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Base64.encode(chunk))?=") }
        return words.joined(separator: "\r\n ")
    }

    static func ascii(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value > 31 && $0.value < 127 }.map(Character.init))
    }
}
