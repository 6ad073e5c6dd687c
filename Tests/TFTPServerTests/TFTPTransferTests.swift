import Testing
@testable import TFTPServer

/// Every edge case of a read transfer, without a socket: datagrams and ticks in, actions out.
@Suite struct TFTPTransferTests {
    static func file(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } }

    static func sent(_ actions: [TFTPTransfer.Action]) -> [TFTPPacket] {
        actions.compactMap { if case let .send(bytes) = $0 { return try? TFTPPacket.decode(bytes) }; return nil }
    }

    static func blocks(_ actions: [TFTPTransfer.Action]) -> [UInt16] {
        sent(actions).compactMap { if case let .data(b, _) = $0 { return b }; return nil }
    }

    static func ack(_ n: UInt16) -> [UInt8] { TFTPPacket.ack(block: n).encode() }

    /// Drives a whole transfer as a well-behaved client and returns the bytes received.
    static func receiveAll(_ request: TFTPRequest, _ file: [UInt8]) -> (bytes: [UInt8], packets: Int) {
        var (transfer, actions) = TFTPTransfer.start(request: request, file: file, now: 0)
        var received: [UInt8] = []
        var packets = 0
        var expected: UInt16 = 1
        var now = 0.0
        while !transfer.finished {
            var last: UInt16?
            for packet in sent(actions) {
                packets += 1
                switch packet {
                case .optionAck: last = 0
                case let .data(block, payload):
                    #expect(block == expected)
                    received += payload
                    expected &+= 1
                    last = block
                default: Issue.record("unexpected \(packet)")
                }
            }
            now += 0.01
            actions = transfer.receive(ack(last!), now: now)
        }
        #expect(actions == [.finish(success: true)])
        return (received, packets)
    }

    @Test(arguments: [0, 1, 511, 512, 513, 1024, 5000])
    func lockStepTransfersOfEverySize(_ size: Int) {
        let file = Self.file(size)
        let (bytes, packets) = Self.receiveAll(TFTPRequest(fileName: "x", mode: .octet), file)
        #expect(bytes == file)
        #expect(packets == size / 512 + 1, "a file of an exact multiple of 512 ends with an empty block")
    }

    @Test func optionsAreNegotiatedAndAcknowledged() {
        let file = Self.file(3000)
        let request = TFTPRequest(fileName: "x", mode: .octet, options: [("blksize", "1428"), ("tsize", "0"), ("timeout", "3"), ("windowsize", "4"), ("colour", "red")])
        let (transfer, actions) = TFTPTransfer.start(request: request, file: file, now: 10)
        #expect(Self.sent(actions) == [.optionAck([("blksize", "1428"), ("tsize", "3000"), ("timeout", "3"), ("windowsize", "4")])])
        #expect(actions.last == .wait(until: 13))
        #expect(transfer.blockSize == 1428 && transfer.windowSize == 4)
        #expect(Self.receiveAll(request, file).bytes == file)
    }

    @Test func absurdOptionsAreRefusedOrClamped() {
        for (name, value) in [("blksize", "7"), ("blksize", "big"), ("timeout", "0"), ("timeout", "256"), ("windowsize", "0"), ("tsize", "-")] {
            let (transfer, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet, options: [(name, value)]), file: [1], now: 0)
            #expect(transfer.finished)
            guard case let .error(code, _)? = Self.sent(actions).first else { Issue.record("no error for \(name)=\(value)"); continue }
            #expect(code == .optionRefused)
        }
        let (big, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet, options: [("blksize", "70000")]), file: [1], now: 0)
        #expect(big.blockSize == 65464)
        #expect(Self.sent(actions) == [.optionAck([("blksize", "65464")])])
    }

    @Test func windowedTransferResendsFromTheFirstLostBlock() {
        let file = Self.file(512 * 10)
        var (transfer, _) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet, options: [("windowsize", "4")]), file: file, now: 0)
        var actions = transfer.receive(Self.ack(0), now: 0.1)
        #expect(Self.blocks(actions) == [1, 2, 3, 4])
        // Block 3 was lost: the client acknowledges 2, the server goes on from 3.
        actions = transfer.receive(Self.ack(2), now: 0.2)
        #expect(Self.blocks(actions) == [3, 4, 5, 6])
    }

    @Test func duplicateAcksAreIgnoredNoSorcerersApprentice() {
        var (transfer, _) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet), file: Self.file(2000), now: 0)
        #expect(Self.sent(transfer.receive(Self.ack(1), now: 1)).count == 1)
        #expect(transfer.receive(Self.ack(1), now: 1.1).isEmpty, "a duplicate ACK sends nothing")
        #expect(transfer.receive(Self.ack(0), now: 1.2).isEmpty)
        #expect(transfer.receive(Self.ack(9), now: 1.3).isEmpty, "an ACK from the future is ignored")
        #expect(Self.sent(transfer.receive(Self.ack(2), now: 1.4)).count == 1)
    }

    @Test func anUnacknowledgedFirstBlockIsSentAtMostTwiceMore() {
        // A request with a spoofed source: nothing is ever acknowledged. One block, two resends,
        // then the transfer gives up — never a window, never five resends.
        let request = TFTPRequest(fileName: "x", mode: .octet)
        var (transfer, actions) = TFTPTransfer.start(request: request, file: Self.file(100_000), now: 0)
        let first = Self.sent(actions)
        #expect(first.count == 1)
        var sent = first.count
        for attempt in 1...2 {
            actions = transfer.tick(now: Double(attempt) * 2)
            #expect(Self.sent(actions) == first, "attempt \(attempt) resends the same block")
            sent += Self.sent(actions).count
        }
        actions = transfer.tick(now: 6)
        #expect(actions.last == .finish(success: false))
        #expect(transfer.finished && !transfer.proven)
        #expect(transfer.tick(now: 8).isEmpty)
        #expect(sent == 3)
    }

    @Test func aBigWindowWaitsForTheClientsFirstAck() {
        // windowsize 64 at blksize 65464 would be 4 MB for a 60-byte request: only the OACK goes
        // until the client acknowledges it.
        let request = TFTPRequest(fileName: "x", mode: .octet, options: [("blksize", "65464"), ("windowsize", "64")])
        var (transfer, actions) = TFTPTransfer.start(request: request, file: Self.file(2_000_000), now: 0)
        #expect(Self.sent(actions).count == 1, "the OACK only")
        #expect(Self.sent(transfer.tick(now: 2)).count == 1)
        actions = transfer.receive(Self.ack(0), now: 2.5)
        #expect(transfer.proven)
        #expect(Self.sent(actions).count == 4, "the proven client gets its window: 4 blocks, the 256 KiB a window may hold")
    }

    @Test func aProvenTransferRetransmitsFiveTimesThenGivesUp() {
        var (transfer, _) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet), file: Self.file(2000), now: 0)
        let second = Self.sent(transfer.receive(Self.ack(1), now: 1))
        for attempt in 1...5 {
            #expect(Self.sent(transfer.tick(now: 1 + Double(attempt) * 2)) == second)
        }
        #expect(transfer.tick(now: 13).last == .finish(success: false))
    }

    @Test func aSourceHasAtMostFourUnprovenTransfers() {
        var limiter = TFTPLimiter(maxTotal: 100, maxPerSource: 16)
        for _ in 0..<4 {
            let admitted = limiter.acquire("192.0.2.1")
            #expect(admitted)
        }
        let fifth = limiter.acquire("192.0.2.1")
        #expect(!fifth, "a fifth unacknowledged transfer from one source is refused")
        let other = limiter.acquire("192.0.2.2")
        #expect(other, "another source is not affected")
        limiter.prove("192.0.2.1")
        let again = limiter.acquire("192.0.2.1")
        #expect(again, "a proven client frees its place")
        limiter.release("192.0.2.1", proven: false)
        #expect(limiter.active["192.0.2.1"] == 4 && limiter.unproven["192.0.2.1"] == 3)
    }

    @Test func aLostOptionAckIsSentAgain() {
        var (transfer, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet, options: [("tsize", "0")]), file: [1, 2], now: 0)
        let oack = Self.sent(actions)
        actions = transfer.tick(now: 2)
        #expect(Self.sent(actions) == oack)
    }

    @Test func blockNumbersRollOverPast65535() {
        // 70,000 blocks of 8 bytes: block numbers wrap like a 40 MB file at blksize 512.
        let file = [UInt8](repeating: 0x41, count: 8 * 70_000 + 3)
        var (transfer, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet, options: [("blksize", "8")]), file: file, now: 0)
        actions = transfer.receive(Self.ack(0), now: 0)
        var total = 0
        var blocks = 0
        var lastBlock: UInt16 = 0
        while !transfer.finished {
            guard case let .data(block, payload)? = Self.sent(actions).first else { Issue.record("no data"); return }
            #expect(block == lastBlock &+ 1)
            lastBlock = block
            total += payload.count
            blocks += 1
            actions = transfer.receive(Self.ack(block), now: 0)
        }
        #expect(total == file.count)
        #expect(blocks == 70_001)
        #expect(lastBlock == UInt16(70_001 % 65536))
    }

    @Test func netasciiTranslatesLineEnds() {
        let file = Array("a\nb\rc".utf8)
        let (transfer, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .netascii, options: [("tsize", "0")]), file: file, now: 0)
        #expect(Self.sent(actions) == [.optionAck([("tsize", "7")])])
        _ = transfer
        #expect(Self.receiveAll(TFTPRequest(fileName: "x", mode: .netascii), file).bytes == [0x61, 0x0D, 0x0A, 0x62, 0x0D, 0x00, 0x63])
    }

    @Test func theClientsErrorOrGarbageEndsTheTransfer() {
        var (a, _) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet), file: [1], now: 0)
        let stopped = a.receive(TFTPPacket.error(.optionRefused, "no").encode(), now: 0)
        #expect(stopped == [.finish(success: false)])
        var (b, _) = TFTPTransfer.start(request: TFTPRequest(fileName: "x", mode: .octet), file: [1], now: 0)
        let actions = b.receive([0, 9, 1], now: 0)
        #expect(actions.last == .finish(success: false))
    }
}

@Suite struct TFTPGateTests {
    static func request(_ name: String, _ mode: String = "octet", extra: [UInt8] = []) -> [UInt8] {
        [0, 1] + Array(name.utf8) + [0] + Array(mode.utf8) + [0] + extra
    }

    @Test func readRequestsInAnyModeCase() {
        #expect(TFTPGate.admit(Self.request("805ec0021c1b.cfg", "OCTET")) == .read(TFTPRequest(fileName: "805ec0021c1b.cfg", mode: .octet)))
        #expect(TFTPGate.admit(Self.request("y000000000078.cfg", "NetAscii")) == .read(TFTPRequest(fileName: "y000000000078.cfg", mode: .netascii)))
        let withOptions = Self.request("a.cfg", extra: Array("BLKSIZE\u{0}1428\u{0}tsize\u{0}0\u{0}".utf8))
        #expect(TFTPGate.admit(withOptions) == .read(TFTPRequest(fileName: "a.cfg", mode: .octet, options: [("blksize", "1428"), ("tsize", "0")])))
    }

    static func errorCode(_ admission: TFTPGate.Admission) -> TFTPErrorCode? {
        guard case let .refuse(bytes) = admission, case let .error(code, _)? = try? TFTPPacket.decode(bytes) else { return nil }
        return code
    }

    @Test func pathsAndStrangeNamesAreRefused() {
        for name in ["../etc/passwd", "/etc/passwd", "..\\boot.ini", "a/b.cfg", String(repeating: "a", count: 129), "a\u{1}b", "..", ""] {
            #expect(Self.errorCode(TFTPGate.admit(Self.request(name))) == .accessViolation, "\(name)")
        }
        // A NUL inside the name ends it early; what follows is not a valid mode.
        #expect(Self.errorCode(TFTPGate.admit([0, 1] + Array("a.cfg".utf8) + [0] + Array("x".utf8) + [0] + Array("octet".utf8) + [0])) == .illegalOperation)
    }

    @Test func malformedPacketsAndWritesAreRefused() {
        #expect(Self.errorCode(TFTPGate.admit([0, 2] + Array("x\u{0}octet\u{0}".utf8))) == .accessViolation, "write requests")
        #expect(Self.errorCode(TFTPGate.admit([0])) == .illegalOperation, "short")
        #expect(Self.errorCode(TFTPGate.admit([0, 9, 0, 0])) == .illegalOperation, "unknown opcode")
        #expect(Self.errorCode(TFTPGate.admit([0, 1] + Array("x.cfg".utf8))) == .illegalOperation, "missing terminators")
        #expect(Self.errorCode(TFTPGate.admit(Self.request("x.cfg", "mail"))) == .illegalOperation, "mode mail")
        #expect(Self.errorCode(TFTPGate.admit(Self.request("x.cfg", extra: Array("blksize\u{0}".utf8)))) == .illegalOperation, "option without value")
        #expect(Self.errorCode(TFTPGate.admit(TFTPPacket.ack(block: 1).encode())) == .unknownTransferID)
        #expect(TFTPGate.admit(TFTPPacket.error(.notDefined, "x").encode()) == .ignore)
    }

    @Test func limiterBoundsTotalAndPerSource() {
        var limiter = TFTPLimiter(maxTotal: 3, maxPerSource: 2)
        let results = [limiter.acquire("10.0.0.1"), limiter.acquire("10.0.0.1"), limiter.acquire("10.0.0.1"), limiter.acquire("10.0.0.2"), limiter.acquire("10.0.0.3")]
        #expect(results == [true, true, false, true, false], "two per source, three in all")
        limiter.release("10.0.0.1")
        let afterRelease = limiter.acquire("10.0.0.3")
        #expect(afterRelease)
        limiter.release("10.0.0.9")
        #expect(limiter.total == 3)
    }
}

@Suite struct FirmwareNamesAtTheGate {
    @Test func onlyTheFirmwareDirectoryIsAllowedAndNothingBelowIt() {
        func admitted(_ name: String) -> Bool {
            if case .read = TFTPGate.admit(TFTPPacket.readRequest(TFTPRequest(fileName: name, mode: .octet)).encode()) { return true }
            return false
        }
        #expect(admitted("firmware/T46-28.86.0.15.rom"))
        #expect(admitted("805ec0021c1b.cfg"))
        #expect(!admitted("firmware/"))
        #expect(!admitted("firmware/../secrets.key"))
        #expect(!admitted("firmware/a/b.rom"))
        #expect(!admitted("other/x.rom"))
        #expect(!admitted("/etc/passwd"))
    }
}
