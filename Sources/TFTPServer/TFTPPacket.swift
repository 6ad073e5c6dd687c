/// TFTP packets (RFC 1350, with the option extension of RFC 2347).
public enum TFTPPacket: Equatable, Sendable {
    case readRequest(TFTPRequest)
    case writeRequest(TFTPRequest)
    case data(block: UInt16, payload: ArraySlice<UInt8>)
    case ack(block: UInt16)
    case error(TFTPErrorCode, String)
    case optionAck([(String, String)])

    public static func == (lhs: TFTPPacket, rhs: TFTPPacket) -> Bool {
        switch (lhs, rhs) {
        case let (.readRequest(a), .readRequest(b)), let (.writeRequest(a), .writeRequest(b)): return a == b
        case let (.data(a, p), .data(b, q)): return a == b && p.elementsEqual(q)
        case let (.ack(a), .ack(b)): return a == b
        case let (.error(a, m), .error(b, n)): return a == b && m == n
        case let (.optionAck(a), .optionAck(b)): return a.elementsEqual(b) { $0 == $1 }
        default: return false
        }
    }

    public enum DecodeError: Error, Equatable {
        case tooShort
        case unknownOpcode(UInt16)
        case missingTerminator
        case notText
        case badMode(String)
        case oddOption
    }

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> TFTPPacket {
        guard bytes.count >= 4 || (bytes.count >= 2 && (bytes[1] == 1 || bytes[1] == 2)) else { throw .tooShort }
        let opcode = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        switch opcode {
        case 1, 2:
            let strings = try Self.strings(bytes[2...])
            guard strings.count >= 2 else { throw .missingTerminator }
            guard strings.count % 2 == 0 else { throw .oddOption }
            let mode = strings[1].lowercased()
            guard let transferMode = TFTPMode(rawValue: mode) else { throw .badMode(strings[1]) }
            var options: [(String, String)] = []
            var index = 2
            while index + 1 < strings.count {
                options.append((strings[index].lowercased(), strings[index + 1]))
                index += 2
            }
            let request = TFTPRequest(fileName: strings[0], mode: transferMode, options: options)
            return opcode == 1 ? .readRequest(request) : .writeRequest(request)
        case 3:
            return .data(block: UInt16(bytes[2]) << 8 | UInt16(bytes[3]), payload: bytes[4...])
        case 4:
            return .ack(block: UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
        case 5:
            let code = UInt16(bytes[2]) << 8 | UInt16(bytes[3])
            let message = (try? Self.strings(bytes[4...]))?.first ?? ""
            return .error(TFTPErrorCode(rawValue: code) ?? .notDefined, message)
        case 6:
            let strings = try Self.strings(bytes[2...])
            guard strings.count % 2 == 0 else { throw .oddOption }
            return .optionAck(stride(from: 0, to: strings.count, by: 2).map { (strings[$0], strings[$0 + 1]) })
        default:
            throw .unknownOpcode(opcode)
        }
    }

    public func encode() -> [UInt8] {
        func op(_ code: UInt8) -> [UInt8] { [0, code] }
        func text(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }
        switch self {
        case let .readRequest(r), let .writeRequest(r):
            var out = op(self.isRead ? 1 : 2) + text(r.fileName) + text(r.mode.rawValue)
            for (name, value) in r.options { out += text(name) + text(value) }
            return out
        case let .data(block, payload):
            return op(3) + [UInt8(block >> 8), UInt8(block & 0xFF)] + payload
        case let .ack(block):
            return op(4) + [UInt8(block >> 8), UInt8(block & 0xFF)]
        case let .error(code, message):
            return op(5) + [UInt8(code.rawValue >> 8), UInt8(code.rawValue & 0xFF)] + text(message)
        case let .optionAck(options):
            return op(6) + options.flatMap { text($0.0) + text($0.1) }
        }
    }

    private var isRead: Bool { if case .readRequest = self { return true }; return false }

    /// NUL-terminated ASCII strings; every one must be terminated.
    private static func strings(_ bytes: ArraySlice<UInt8>) throws(DecodeError) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        for byte in bytes {
            if byte == 0 {
                guard let s = String(validating: current, as: UTF8.self) else { throw .notText }
                out.append(s)
                current = []
            } else {
                current.append(byte)
            }
        }
        guard current.isEmpty else { throw .missingTerminator }
        return out
    }
}

public enum TFTPMode: String, Sendable {
    case octet
    case netascii
}

public struct TFTPRequest: Equatable, Sendable {
    public let fileName: String
    public let mode: TFTPMode
    /// Option names in lower case, in the order sent.
    public let options: [(String, String)]

    public init(fileName: String, mode: TFTPMode, options: [(String, String)] = []) {
        self.fileName = fileName
        self.mode = mode
        self.options = options
    }

    public static func == (lhs: TFTPRequest, rhs: TFTPRequest) -> Bool {
        lhs.fileName == rhs.fileName && lhs.mode == rhs.mode && lhs.options.elementsEqual(rhs.options) { $0 == $1 }
    }
}

public enum TFTPErrorCode: UInt16, Sendable {
    case notDefined = 0
    case fileNotFound = 1
    case accessViolation = 2
    case diskFull = 3
    case illegalOperation = 4
    case unknownTransferID = 5
    case fileExists = 6
    case noSuchUser = 7
    case optionRefused = 8
}
