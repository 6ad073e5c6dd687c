import Synchronization
import Testing
@testable import TFTPServer

/// A transfer reads its file a block at a time and holds at most a bounded window (issue #26,
/// item 2: firmware over TFTP was read whole into memory for every transfer).
@Suite struct TFTPSourceTests {
    /// A large file that is never in memory: bytes computed from their offset; every read noted.
    final class Generated: TFTPSource {
        let count: Int
        let failAt: Int?
        let reads = Mutex<[Range<Int>]>([])
        init(count: Int, failAt: Int? = nil) { self.count = count; self.failAt = failAt }
        func read(_ range: Range<Int>) -> [UInt8]? {
            reads.withLock { $0.append(range) }
            if let failAt, range.contains(failAt) { return nil }
            return range.map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        }
    }

    @Test func aLargeFileIsReadAsTheClientAcknowledgesWithinABoundedWindow() throws {
        let source = Generated(count: 64 * 1024 * 1024)
        let request = TFTPRequest(fileName: "firmware/x.rom", mode: .octet, options: [("blksize", "65464"), ("windowsize", "64"), ("tsize", "0")])
        var (transfer, actions) = TFTPTransfer.start(request: request, source: source, now: 0)
        guard case let .optionAck(options) = try #require(TFTPTransferTests.sent(actions).first) else { Issue.record("no OACK"); return }
        let agreed = Dictionary(uniqueKeysWithValues: options)
        #expect(agreed["windowsize"] == "4", "64 blocks of 65464 bytes are more than the 256 KiB a window may hold")
        #expect(agreed["tsize"] == String(64 * 1024 * 1024) && agreed["blksize"] == "65464")
        #expect(source.reads.withLock { $0.isEmpty }, "nothing read before the client answers")

        // The client proves its address; the first window goes, read from the source.
        actions = transfer.receive(TFTPTransferTests.ack(0), now: 1)
        #expect(TFTPTransferTests.blocks(actions) == [1, 2, 3, 4])
        let inFlight = source.reads.withLock { $0.reduce(0) { $0 + $1.count } }
        #expect(inFlight == 4 * 65464)
        // Acknowledged: the next window only.
        actions = transfer.receive(TFTPTransferTests.ack(4), now: 2)
        #expect(TFTPTransferTests.blocks(actions) == [5, 6, 7, 8])
        #expect(source.reads.withLock { $0.last } == (7 * 65464)..<(8 * 65464))
    }

    @Test func anUnprovenClientGetsOneBlockAndThenNothing() {
        let source = Generated(count: 10_000_000)
        var (transfer, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "firmware/x.rom", mode: .octet), source: source, now: 0)
        #expect(TFTPTransferTests.blocks(actions) == [1])
        for tick in 1...5 { actions = transfer.tick(now: Double(tick) * 10) }
        #expect(transfer.finished)
        #expect(source.reads.withLock { $0.count } <= 3, "the first block, sent again at most twice")
    }

    @Test func aFileThatCannotBeReadEndsTheTransferWithAnError() {
        let source = Generated(count: 5_000, failAt: 1_200)
        var (transfer, actions) = TFTPTransfer.start(request: TFTPRequest(fileName: "firmware/x.rom", mode: .octet), source: source, now: 0)
        actions = transfer.receive(TFTPTransferTests.ack(1), now: 1)
        actions = transfer.receive(TFTPTransferTests.ack(2), now: 2)
        #expect(transfer.finished)
        #expect(actions.contains(.finish(success: false)))
        #expect(TFTPTransferTests.sent(actions).contains { if case .error = $0 { return true }; return false })
    }
}
