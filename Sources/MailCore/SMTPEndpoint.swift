/// Where mail goes: `smtp://[user[:password]@]host[:port]` (STARTTLS when the server offers
/// it; port 25 by default, 587 is usual) or `smtps://…` (TLS from the first byte, port 465).
public struct SMTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let implicitTLS: Bool
    public let credentials: SMTPConversation.Credentials?

    public init(parsing url: String) throws(SMTPEndpointError) {
        let scheme: String
        var rest: Substring
        if url.lowercased().hasPrefix("smtp://") {
            scheme = "smtp"
            rest = url.dropFirst(7)
        } else if url.lowercased().hasPrefix("smtps://") {
            scheme = "smtps"
            rest = url.dropFirst(8)
        } else {
            throw .invalid("must start with smtp:// or smtps://")
        }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        var credentials: SMTPConversation.Credentials?
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let pair = userinfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let user = Self.percentDecoded(pair[0]), !user.isEmpty,
                  let password = pair.count > 1 ? Self.percentDecoded(pair[1]) : "" else { throw .invalid("has a malformed user or password") }
            credentials = .init(user: user, password: password)
        }
        var host = String(rest)
        var port = scheme == "smtps" ? 465 : 25
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw .invalid("has an unclosed [") }
            let after = host[host.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw .invalid("has a bad port") }
                port = p
            }
            host = String(host[host.index(after: host.startIndex)..<close])
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]), (1...65535).contains(p) else { throw .invalid("has a bad port") }
            port = p
            host = String(host[..<colon])
        }
        guard !host.isEmpty, host.utf8.count <= 253, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":" }) else {
            throw .invalid("has no valid host")
        }
        self.host = host
        self.port = port
        self.implicitTLS = scheme == "smtps"
        self.credentials = credentials
    }

    /// The host is this machine: a password may go there without TLS.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    /// The URL without its password (for logs and the portal).
    public var description: String {
        "\(implicitTLS ? "smtps" : "smtp")://\(credentials.map { "\($0.user)@" } ?? "")\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }

    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let h = iterator.next(), let l = iterator.next(), let value = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

public enum SMTPEndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case let .invalid(reason): "--smtp-url \(reason) (smtp://[user:password@]host[:port] or smtps://…)"
        }
    }
}
