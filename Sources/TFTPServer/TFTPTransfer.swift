/// One read transfer (the server sending a file), as a pure state machine: datagrams and clock
/// ticks go in, datagrams and timer deadlines come out. No sockets, no clock of its own.
///
/// RFC 1350 lock-step, RFC 2347 option negotiation with blksize (RFC 2348), tsize and timeout
/// (RFC 2349) and windowsize (RFC 7440). Block numbers wrap past 65535 (files over 32 MB at
/// blksize 512). Duplicate ACKs are ignored, which avoids the Sorcerer's Apprentice syndrome.
public struct TFTPTransfer: Sendable {
    public struct Limits: Sendable {
        public var maxBlockSize = 65464
        public var maxWindowSize = 64
        /// The most bytes one window may hold (blocks × block size): what one transfer can have
        /// in flight, so memory stays bounded whatever the transfers and their options.
        public var maxWindowBytes = 262_144
        public var defaultTimeout: Double = 2
        public var maxRetries = 5
        /// Until the client has acknowledged something, its address is unproven (it may be a
        /// spoofed victim's): one block (or the OACK) at a time, sent at most this many times
        /// again, so a request can never make the server an amplifier.
        public var maxRetriesUnproven = 2
        public init() {}
    }

    public enum Action: Equatable, Sendable {
        case send([UInt8])
        /// Call `tick` at this time (seconds, on the caller's monotonic clock) if nothing arrives.
        case wait(until: Double)
        /// The transfer is over (done, refused or abandoned): close its port.
        case finish(success: Bool)
    }

    private let data: any TFTPSource
    public private(set) var blockSize = 512
    public private(set) var windowSize = 1
    public private(set) var timeout: Double
    private let limits: Limits
    /// Absolute index of the first block not yet acknowledged (block 1 is index 1).
    private var nextUnacked = 1
    /// The OACK sent, while its ACK (block 0) has not come: resent on timeout.
    private var optionAck: [UInt8]?
    private var awaitingOptionAck: Bool { optionAck != nil }
    private var retries = 0
    public private(set) var finished = false
    /// The client acknowledged something: its address is real, the full window may go.
    public private(set) var proven = false

    /// Blocks in the file: the last one is shorter than blockSize, possibly empty.
    private var blockCount: Int { data.count / blockSize + 1 }

    /// Starts a transfer for a read request already accepted. The file is sent as is in octet
    /// mode, or translated to netascii (CR LF line ends).
    public static func start(request: TFTPRequest, file: [UInt8], now: Double, limits: Limits = Limits()) -> (TFTPTransfer, [Action]) {
        start(request: request, source: request.mode == .netascii ? Self.netascii(file) : file, now: now, limits: limits)
    }

    /// The same for a file read block by block (firmware from disk), sent as it is (the caller
    /// refuses netascii for it: translating would need the whole file first).
    public static func start(request: TFTPRequest, source: any TFTPSource, now: Double, limits: Limits = Limits()) -> (TFTPTransfer, [Action]) {
        var transfer = TFTPTransfer(data: source, limits: limits)
        var acknowledged: [(String, String)] = []
        for (name, value) in request.options {
            switch name {
            case "blksize":
                guard let n = Int(value), n >= 8 else { return transfer.refuse("blksize '\(value)' is not a number from 8 to 65464") }
                transfer.blockSize = min(n, limits.maxBlockSize)
                acknowledged.append((name, String(transfer.blockSize)))
            case "tsize":
                // A reader sends 0 and learns the size (RFC 2349).
                guard Int(value) != nil else { return transfer.refuse("tsize '\(value)' is not a number") }
                acknowledged.append((name, String(transfer.data.count)))
            case "timeout":
                guard let n = Int(value), (1...255).contains(n) else { return transfer.refuse("timeout '\(value)' is not a number from 1 to 255") }
                transfer.timeout = Double(n)
                acknowledged.append((name, value))
            case "windowsize":
                guard let n = Int(value), (1...65535).contains(n) else { return transfer.refuse("windowsize '\(value)' is not a number from 1 to 65535") }
                transfer.windowSize = min(n, limits.maxWindowSize)
                acknowledged.append((name, String(transfer.windowSize)))
            default:
                continue  // unknown options are left out of the OACK, as RFC 2347 says
            }
        }
        // A window never holds more than maxWindowBytes, whatever blksize and windowsize asked
        // (the OACK says the window the server will use).
        let cap = max(1, limits.maxWindowBytes / transfer.blockSize)
        if transfer.windowSize > cap {
            transfer.windowSize = cap
            acknowledged = acknowledged.map { $0.0 == "windowsize" ? ($0.0, String(cap)) : $0 }
        }
        if !acknowledged.isEmpty {
            let packet = TFTPPacket.optionAck(acknowledged).encode()
            transfer.optionAck = packet
            return (transfer, [.send(packet), .wait(until: now + transfer.timeout)])
        }
        let actions = transfer.sendWindow(now: now)
        return (transfer, actions)
    }

    private init(data: any TFTPSource, limits: Limits) {
        self.data = data
        self.limits = limits
        self.timeout = limits.defaultTimeout
    }

    private func refuse(_ message: String) -> (TFTPTransfer, [Action]) {
        var copy = self
        copy.finished = true
        return (copy, [.send(TFTPPacket.error(.optionRefused, message).encode()), .finish(success: false)])
    }

    /// A datagram from the client's transfer address.
    public mutating func receive(_ bytes: [UInt8], now: Double) -> [Action] {
        guard !finished else { return [] }
        switch try? TFTPPacket.decode(bytes) {
        case let .ack(block)?:
            return acknowledge(block, now: now)
        case .error?:
            // The client gave up (for instance: it refused our options): stop quietly.
            finished = true
            return [.finish(success: false)]
        default:
            finished = true
            return [.send(TFTPPacket.error(.illegalOperation, "expected an ACK").encode()), .finish(success: false)]
        }
    }

    /// Nothing arrived before the deadline: send the window again, or give up.
    public mutating func tick(now: Double) -> [Action] {
        guard !finished else { return [] }
        retries += 1
        guard retries <= (proven ? limits.maxRetries : limits.maxRetriesUnproven) else {
            finished = true
            return [.send(TFTPPacket.error(.notDefined, "timed out").encode()), .finish(success: false)]
        }
        if let optionAck { return [.send(optionAck), .wait(until: now + timeout)] }
        return sendWindow(now: now)
    }

    private mutating func acknowledge(_ block: UInt16, now: Double) -> [Action] {
        if awaitingOptionAck {
            guard block == 0 else { return [] }
            optionAck = nil
            retries = 0
            proven = true
            return sendWindow(now: now)
        }
        // Which absolute block does this 16-bit number name? The one in the window in flight.
        let windowEnd = min(nextUnacked + windowSize - 1, blockCount)
        var acked: Int?
        for index in nextUnacked...windowEnd where UInt16(truncatingIfNeeded: index) == block {
            acked = index
            break
        }
        // A duplicate or stale ACK (for a block already acknowledged) is ignored: answering it
        // would double every later packet (the Sorcerer's Apprentice syndrome).
        guard let acked else { return [] }
        retries = 0
        proven = true
        nextUnacked = acked + 1
        if nextUnacked > blockCount {
            finished = true
            return [.finish(success: true)]
        }
        // With a window, an ACK short of its end means the rest was lost: send on from there.
        return sendWindow(now: now)
    }

    private mutating func sendWindow(now: Double) -> [Action] {
        var actions: [Action] = []
        let last = min(nextUnacked + (proven ? windowSize : 1) - 1, blockCount)
        for index in nextUnacked...last {
            let start = min((index - 1) * blockSize, data.count)
            let end = min(start + blockSize, data.count)
            guard let payload = data.read(start..<end), payload.count == end - start else {
                finished = true
                return [.send(TFTPPacket.error(.notDefined, "the file could not be read").encode()), .finish(success: false)]
            }
            actions.append(.send(TFTPPacket.data(block: UInt16(truncatingIfNeeded: index), payload: payload[...]).encode()))
        }
        actions.append(.wait(until: now + timeout))
        return actions
    }

    /// RFC 764 netascii: line feeds as CR LF, a lone CR as CR NUL.
    public static func netascii(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for byte in bytes {
            switch byte {
            case 0x0A: out += [0x0D, 0x0A]
            case 0x0D: out += [0x0D, 0x00]
            default: out.append(byte)
            }
        }
        return out
    }
}
