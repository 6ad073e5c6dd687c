import TFTPServer

/// One TFTP read as a phone does it (RFC 1350 with the blksize option of RFC 2348), as a pure
/// state machine: the request, then for each packet from the server what to send back.
public struct TFTPReadScript: Sendable {
    public enum Step: Sendable, Equatable {
        /// Send these bytes to the server's transfer port (an ACK), and wait for more.
        case send([UInt8])
        /// The file is complete; send the last ACK.
        case done(ack: [UInt8], file: [UInt8])
        /// The server refused or spoke nonsense.
        case failed(String)
        /// A duplicate or stray packet: nothing to do.
        case ignore
    }

    public let fileName: String
    public let blockSize: Int
    /// 512 until an OACK says otherwise (a server that ignores the option sends 512-byte blocks).
    private var negotiatedSize = 512
    private var expected: UInt16 = 1
    private var data: [UInt8] = []
    /// The read request (RRQ with the blksize option), the first thing sent.
    public let request: [UInt8]
    /// What was sent last, sent again when the server is silent.
    public private(set) var lastSent: [UInt8]

    public init(fileName: String, blockSize: Int = 1428) {
        self.fileName = fileName
        self.blockSize = blockSize
        self.request = TFTPPacket.readRequest(TFTPRequest(fileName: fileName, mode: .octet, options: [("blksize", String(blockSize))])).encode()
        self.lastSent = request
    }

    public mutating func received(_ bytes: [UInt8]) -> Step {
        let packet: TFTPPacket
        do { packet = try TFTPPacket.decode(bytes) } catch { return .failed("TFTP: undecodable packet") }
        switch packet {
        case let .optionAck(options):
            guard expected == 1, data.isEmpty else { return .ignore }
            if let size = options.first(where: { $0.0 == "blksize" }).flatMap({ Int($0.1) }), (8...blockSize).contains(size) { negotiatedSize = size }
            return send(TFTPPacket.ack(block: 0).encode())
        case let .data(block, payload):
            guard block == expected else {
                // A retransmission of the block before: its ACK was lost, send it again.
                return block == expected &- 1 ? send(TFTPPacket.ack(block: block).encode()) : .ignore
            }
            data += payload
            expected &+= 1
            let ack = TFTPPacket.ack(block: block).encode()
            lastSent = ack
            return payload.count < negotiatedSize ? .done(ack: ack, file: data) : .send(ack)
        case let .error(code, message):
            return .failed("TFTP error \(code.rawValue): \(message)")
        default:
            return .ignore
        }
    }

    private mutating func send(_ bytes: [UInt8]) -> Step {
        lastSent = bytes
        return .send(bytes)
    }
}
