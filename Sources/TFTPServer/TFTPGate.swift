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
            // One directory exists: `firmware/<file>` (uploaded firmware).
            let name = request.fileName.hasPrefix("firmware/") ? String(request.fileName.dropFirst("firmware/".count)) : request.fileName
            if name.isEmpty || request.fileName.utf8.count > maxFileNameLength || name.contains("/") || name.contains("\\") || name.contains("..")
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
    /// Transfers from one source whose client has not acknowledged anything yet. Each sends at
    /// most one block or OACK, three times; with this cap a source (perhaps a spoofed victim)
    /// can receive at most 4 × 3 × (512 bytes or an OACK) that it did not acknowledge.
    public let maxUnprovenPerSource: Int
    public private(set) var active: [String: Int] = [:]
    public private(set) var unproven: [String: Int] = [:]
    public private(set) var total = 0

    public init(maxTotal: Int, maxPerSource: Int, maxUnprovenPerSource: Int = 4) {
        self.maxTotal = maxTotal
        self.maxPerSource = maxPerSource
        self.maxUnprovenPerSource = maxUnprovenPerSource
    }

    /// A new transfer (unproven until its client acknowledges).
    public mutating func acquire(_ source: String) -> Bool {
        guard total < maxTotal, active[source, default: 0] < maxPerSource, unproven[source, default: 0] < maxUnprovenPerSource else { return false }
        total += 1
        active[source, default: 0] += 1
        unproven[source, default: 0] += 1
        return true
    }

    /// The transfer's client acknowledged: it no longer counts as unproven.
    public mutating func prove(_ source: String) {
        guard let count = unproven[source] else { return }
        unproven[source] = count > 1 ? count - 1 : nil
    }

    /// The transfer ended; `proven` says whether `prove` was called for it.
    public mutating func release(_ source: String, proven: Bool = true) {
        if !proven { prove(source) }
        guard let count = active[source] else { return }
        total -= 1
        active[source] = count > 1 ? count - 1 : nil
    }
}
