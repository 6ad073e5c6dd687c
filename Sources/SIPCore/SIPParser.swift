/// Reading SIP messages from datagrams or a stream's framing: the request and status lines,
/// headers (folded continuation lines joined, compact names understood), and a body whose
/// length Content-Length gives. Bounded: a message, its headers and their count have limits.
public enum SIPParseError: Error, Equatable, CustomStringConvertible {
    case tooLarge
    case noHeaderEnd
    case badStartLine(String)
    case badHeader(String)
    case tooManyHeaders
    case badContentLength(String)
    case bodyShorterThanContentLength

    public var description: String {
        switch self {
        case .tooLarge: return "message over \(SIPMessage.maxSize) bytes"
        case .noHeaderEnd: return "no blank line after the headers"
        case let .badStartLine(line): return "not a SIP request or status line: \(line.prefix(80))"
        case let .badHeader(line): return "not a header line: \(line.prefix(80))"
        case .tooManyHeaders: return "more than \(SIPMessage.maxHeaders) headers"
        case let .badContentLength(value): return "Content-Length '\(value.prefix(20))' is not a length"
        case .bodyShorterThanContentLength: return "the body is shorter than Content-Length"
        }
    }
}

extension SIPMessage {
    public static let maxSize = 65_535
    public static let maxHeaders = 100

    public static func parse(_ bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        guard bytes.count <= maxSize else { throw .tooLarge }
        // The header block ends at the first empty line (CRLF CRLF, or LF LF from lax senders).
        var end: Int?
        var bodyStart = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                if i + 1 < bytes.count, bytes[i + 1] == 0x0A { end = i; bodyStart = i + 2; break }
                if i + 2 < bytes.count, bytes[i + 1] == 0x0D, bytes[i + 2] == 0x0A { end = i; bodyStart = i + 3; break }
            }
            i += 1
        }
        guard let headerEnd = end else { throw .noHeaderEnd }
        // Lines are split on bytes: in a Swift String "\r\n" is one Character, not two.
        var lines = bytes[..<headerEnd].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            Substring(String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self))
        }
        // Leading empty lines (keep-alives) are skipped, as RFC 3261 §7.5 allows.
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        guard let startLine = lines.first else { throw .badStartLine("") }
        let start = try parseStart(String(startLine))
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            if let first = line.first, first == " " || first == "\t" {
                // A folded continuation of the previous header's value.
                guard !headers.isEmpty else { throw .badHeader(String(line)) }
                headers[headers.count - 1].value += " " + line.trimmingSpaces
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { throw .badHeader(String(line)) }
            let name = line[..<colon].trimmingSpaces
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-.!%*_+`'~".contains($0)) }) else {
                throw .badHeader(String(line))
            }
            headers.append((String(name), String(line[line.index(after: colon)...].trimmingSpaces)))
            guard headers.count <= maxHeaders else { throw .tooManyHeaders }
        }
        var message = SIPMessage(start: start, headers: headers, body: Array(bytes[bodyStart...]))
        if let length = message.header("Content-Length") {
            guard let n = Int(length), n >= 0 else { throw .badContentLength(length) }
            guard message.body.count >= n else { throw .bodyShorterThanContentLength }
            // A datagram may carry padding after the body: Content-Length decides.
            message.body = Array(message.body.prefix(n))
        }
        return message
    }

    static func parseStart(_ line: String) throws(SIPParseError) -> StartLine {
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        if parts.first == "SIP/2.0" {
            guard parts.count >= 2, parts[1].count == 3, let status = Int(parts[1]), (100...699).contains(status) else { throw .badStartLine(line) }
            return .response(status: status, reason: parts.count == 3 ? String(parts[2]) : "")
        }
        guard parts.count == 3, parts[2] == "SIP/2.0",
              !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isLetter) }),
              parts[1].contains(":") else { throw .badStartLine(line) }
        return .request(method: String(parts[0]), uri: String(parts[1]))
    }
}
