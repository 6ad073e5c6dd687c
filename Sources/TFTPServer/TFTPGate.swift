/// What the server's well-known port does with a datagram: start a read, answer with an
/// error, or ignore it. File names are never mapped to a file system; the rules here only
/// refuse names no phone asks for.
public enum TFTPGate {
    public enum Admission: Equatable, Sendable {
        case read(TFTPRequest)
        case refuse([UInt8])
        case ignore
    }

    public static let maxFileNameLength = 128

    public static func admit(_ bytes: [UInt8]) -> Admission {
        let packet: TFTPPacket
        do {
            packet = try TFTPPacket.decode(bytes)
        } catch {
            return .refuse(TFTPPacket.error(.illegalOperation, "malformed request (\(error))").encode())
        }
        switch packet {
        case let .readRequest(request):
            let name = request.fileName
            if name.isEmpty || name.utf8.count > maxFileNameLength || name.contains("/") || name.contains("\\") || name.contains("..")
                || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return .refuse(TFTPPacket.error(.accessViolation, "file names are plain names of phone files").encode())
            }
            return .read(request)
        case .writeRequest:
            return .refuse(TFTPPacket.error(.accessViolation, "write requests are refused").encode())
        case .error:
            return .ignore
        case .data, .ack, .optionAck:
            return .refuse(TFTPPacket.error(.unknownTransferID, "no transfer on this port").encode())
        }
    }
}

/// Bounds on concurrent transfers, in all and per source address, so that a flood of read
/// requests cannot exhaust memory or ports.
public struct TFTPLimiter: Sendable {
    public let maxTotal: Int
    public let maxPerSource: Int
    public private(set) var active: [String: Int] = [:]
    public private(set) var total = 0

    public init(maxTotal: Int, maxPerSource: Int) {
        self.maxTotal = maxTotal
        self.maxPerSource = maxPerSource
    }

    public mutating func acquire(_ source: String) -> Bool {
        guard total < maxTotal, active[source, default: 0] < maxPerSource else { return false }
        total += 1
        active[source, default: 0] += 1
        return true
    }

    public mutating func release(_ source: String) {
        guard let count = active[source] else { return }
        total -= 1
        active[source] = count > 1 ? count - 1 : nil
    }
}
