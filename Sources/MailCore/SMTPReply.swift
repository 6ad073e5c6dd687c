/// One SMTP reply (RFC 5321 §4.2): a three-digit code and its text lines ("250-…" continues,
/// "250 …" ends).
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later; 5xx: the server refuses for good.
    public var isTransient: Bool { (400..<500).contains(code) }
}

public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedReply(String)
    case replyTooLong
    /// The server refused a step: the step, the code, its first line.
    case refused(step: String, code: Int, text: String)
    /// Credentials would cross the network in clear.
    case noTLSForPassword
    case noAuthMechanism
    case unexpectedReply(step: String, code: Int)

    public var description: String {
        switch self {
        case let .malformedReply(line): "the server sent a malformed reply line (\(line.prefix(40)))"
        case .replyTooLong: "the server's reply is too long"
        case let .refused(step, code, text): "the server refused \(step): \(code) \(text.prefix(120))"
        case .noTLSForPassword: "the server offers no STARTTLS; the password is not sent in clear to a host off this machine"
        case .noAuthMechanism: "the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case let .unexpectedReply(step, code): "unexpected reply \(code) to \(step)"
        }
    }

    /// Whether trying again later may help (a 4xx, a broken connection), or it never will.
    public var isPermanent: Bool {
        switch self {
        case let .refused(_, code, _): code >= 500
        case .noTLSForPassword, .noAuthMechanism: true
        default: false
        }
    }
}

/// Cuts the server's bytes into replies. Bounded: a line over 1,000 bytes or a reply over 100
/// lines is an error, so a hostile server cannot make it grow.
public struct SMTPReplyParser: Sendable {
    private var buffer: [UInt8] = []
    private var lines: [String] = []
    private var code: Int?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(SMTPError) -> [SMTPReply] {
        buffer.append(contentsOf: bytes)
        var replies: [SMTPReply] = []
        while let newline = buffer.firstIndex(of: 10) {
            var line = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            if line.last == 13 { line.removeLast() }
            if let reply = try take(line) { replies.append(reply) }
        }
        if buffer.count > 1000 { throw .replyTooLong }
        return replies
    }

    private mutating func take(_ bytes: [UInt8]) throws(SMTPError) -> SMTPReply? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, bytes.count <= 1000, bytes[0...2].allSatisfy({ (48...57).contains($0) }),
              let value = Int(String(decoding: bytes[0...2], as: UTF8.self)) else { throw .malformedReply(text) }
        if let code, code != value { throw .malformedReply(text) }
        let separator: UInt8? = bytes.count > 3 ? bytes[3] : nil
        guard separator == nil || separator == 32 || separator == 45 else { throw .malformedReply(text) }
        lines.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard lines.count <= 100 else { throw .replyTooLong }
        if separator == 45 {
            code = value
            return nil
        }
        defer { lines = []; code = nil }
        return SMTPReply(code: value, lines: lines)
    }
}
