/// A SIP message (RFC 3261 §7) as these flows need it: a request or status line, headers in
/// order (names as sent, looked up without case, compact forms expanded), and a body. Pure: no
/// I/O; parsing refuses malformed input with an error naming the problem, never a trap.
public struct SIPMessage: Sendable, Equatable {
    public enum StartLine: Sendable, Equatable {
        case request(method: String, uri: String)
        case response(status: Int, reason: String)
    }

    public var start: StartLine
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(start: StartLine, headers: [(name: String, value: String)], body: [UInt8] = []) {
        self.start = start
        self.headers = headers
        self.body = body
    }

    public static func == (a: SIPMessage, b: SIPMessage) -> Bool {
        a.start == b.start && a.body == b.body && a.headers.count == b.headers.count
            && zip(a.headers, b.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The first value of a header, by its full or compact name, without case.
    public func header(_ name: String) -> String? {
        let wanted = SIPHeaders.canonical(name)
        return headers.first { SIPHeaders.canonical($0.name) == wanted }?.value
    }

    public var isRequest: Bool { if case .request = start { return true }; return false }
    public var method: String? { if case let .request(method, _) = start { return method }; return nil }
    public var status: Int? { if case let .response(status, _) = start { return status }; return nil }

    /// `CSeq: 1 NOTIFY` as (1, "NOTIFY").
    public var cseq: (number: UInt32, method: String)? {
        guard let value = header("CSeq") else { return nil }
        let parts = value.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard parts.count == 2, let n = UInt32(parts[0]) else { return nil }
        return (n, String(parts[1]))
    }

    /// The `branch` parameter of the top Via: what matches a response to its transaction.
    public var topViaBranch: String? {
        guard let via = header("Via") else { return nil }
        let first = via.split(separator: ",").first ?? Substring(via)
        for parameter in first.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].trimmingSpaces.lowercased() == "branch" { return String(pair[1].trimmingSpaces) }
        }
        return nil
    }

    /// The message on the wire, with a Content-Length that matches the body.
    public func encoded() -> [UInt8] {
        var text: String
        switch start {
        case let .request(method, uri): text = "\(method) \(uri) SIP/2.0\r\n"
        case let .response(status, reason): text = "SIP/2.0 \(status) \(reason)\r\n"
        }
        for (name, value) in headers where SIPHeaders.canonical(name) != "content-length" {
            text += "\(name): \(value)\r\n"
        }
        text += "Content-Length: \(body.count)\r\n\r\n"
        return Array(text.utf8) + body
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}

/// Header names: compact forms (RFC 3261 §7.3.3, RFC 3265 `o` for Event) and case.
public enum SIPHeaders {
    static let compact: [String: String] = [
        "v": "via", "i": "call-id", "f": "from", "t": "to", "m": "contact", "l": "content-length",
        "c": "content-type", "e": "content-encoding", "k": "supported", "o": "event", "s": "subject", "u": "allow-events",
    ]

    public static func canonical(_ name: String) -> String {
        let lower = name.lowercased()
        return compact[lower] ?? lower
    }
}

extension String {
    var trimmingSpaces: String { String(Substring(self).trimmingSpaces) }
}
