import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import TFTPServer

/// The thin SwiftNIO shell around the TFTP state machines: the well-known port admits read
/// requests; each transfer runs on its own ephemeral port, as RFC 1350 asks. Files come from
/// the same phone-facing core as HTTP, so routing, the window and the log are the same.
public final class TFTPService: Service, Sendable {
    let host: String
    let port: Int
    /// Where files come from: the phone-facing core in `serve`, a synthetic file in benchmarks.
    let lookup: @Sendable (_ fileName: String, _ source: String) async throws -> PhoneFiles.Answer
    /// Where `firmware/<filename>` lies on disk (nil in benchmarks: no firmware).
    let firmware: (@Sendable (_ fileName: String, _ source: String) async throws -> PhoneFiles.FirmwareLookup)?
    let logger: Logger
    let limiter: NIOLockedValueBox<TFTPLimiter>
    let limits = TFTPTransfer.Limits()
    /// Where lookups run (tracked, so a shutdown waits for them before the database closes).
    let work: BackgroundWork?

    public convenience init(host: String, port: Int, files: PhoneFiles, maxTransfers: Int, maxPerSource: Int, work: BackgroundWork? = nil, logger: Logger) {
        self.init(host: host, port: port, maxTransfers: maxTransfers, maxPerSource: maxPerSource, work: work, logger: logger, firmware: { name, source in
            try await files.firmwareFile(PhoneFiles.Request(fileName: name, path: "tftp:\(name)", userAgent: nil, authorization: nil, sourceIP: source, transport: "tftp"))
        }) { name, source in
            try await files.answer(PhoneFiles.Request(fileName: name, path: "tftp:\(name)", userAgent: nil, authorization: nil, sourceIP: source, transport: "tftp"))
        }
    }

    public init(host: String, port: Int, maxTransfers: Int, maxPerSource: Int, work: BackgroundWork? = nil, logger: Logger,
                firmware: (@Sendable (String, String) async throws -> PhoneFiles.FirmwareLookup)? = nil,
                lookup: @escaping @Sendable (String, String) async throws -> PhoneFiles.Answer) {
        self.firmware = firmware
        self.work = work
        self.host = host
        self.port = port
        self.lookup = lookup
        self.logger = logger
        self.limiter = NIOLockedValueBox(TFTPLimiter(maxTotal: maxTransfers, maxPerSource: maxPerSource))
    }

    public func run() async throws {
        let service = self
        let bound = try? await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(service: service))
                }
            }
            .bind(host: host, port: port).get()
        guard let channel = bound else {
            // Not fatal: HTTP(S) still serves phones. Port 69 needs root or CAP_NET_BIND_SERVICE.
            logger.warning("TFTP disabled: cannot listen on UDP \(host):\(port) (port 69 needs root or CAP_NET_BIND_SERVICE; --tftp-port 0 turns TFTP off)")
            try? await gracefulShutdown()
            return
        }
        logger.notice("pieuvre TFTP listening", metadata: ["tftp": "\(host):\(channel.localAddress?.port ?? port)"])
        try? await gracefulShutdown()
        try? await channel.close()
    }

    /// Looks the file up through the phone-facing core and starts the transfer, or answers
    /// with the TFTP error that fits.
    func start(_ request: TFTPRequest, from client: SocketAddress, on channel: any Channel) async {
        let source = client.ipAddress ?? "unknown"
        guard limiter.withLockedValue({ $0.acquire(source) }) else {
            PieuvreMetrics.shared.tftpTransfer("refused")
            send(.error(.notDefined, "too many transfers, try again later"), to: client, on: channel)
            return
        }
        if request.fileName.hasPrefix("firmware/") {
            return await startFirmware(request, from: client, on: channel, source: source)
        }
        let answer: PhoneFiles.Answer
        do {
            answer = try await lookup(request.fileName, source)
        } catch {
            logger.error("TFTP lookup failed", metadata: ["file": "\(request.fileName)"])
            answer = .notFound
        }
        let file: [UInt8]
        switch answer {
        case let .file(rendered):
            file = request.mode == .netascii ? TFTPTransfer.netascii(rendered.bytes) : rendered.bytes
        case .notFound:
            release(source)
            return send(.error(.fileNotFound, "file not found"), to: client, on: channel)
        case .throttled:
            release(source)
            return send(.error(.notDefined, "try again later"), to: client, on: channel)
        case .challenge, .forbidden:
            // TFTP carries no credentials: outside the window the device file is not given.
            release(source)
            return send(.error(.accessViolation, "provisioning window closed: use HTTPS with the device credentials"), to: client, on: channel)
        }
        await transfer(request, file, from: client, on: channel, source: source)
    }

    /// A firmware image: looked up, then read from disk block by block (octet mode only).
    private func startFirmware(_ request: TFTPRequest, from client: SocketAddress, on channel: any Channel, source: String) async {
        guard request.mode == .octet else {
            release(source)
            return send(.error(.illegalOperation, "firmware is sent in octet mode only"), to: client, on: channel)
        }
        let found: PhoneFiles.FirmwareLookup
        do {
            found = try await firmware?(request.fileName, source) ?? .notFound
        } catch {
            logger.error("TFTP lookup failed", metadata: ["file": "\(request.fileName)"])
            found = .notFound
        }
        switch found {
        case let .file(path):
            guard let file = FirmwareFile(path: path) else {
                release(source)
                return send(.error(.fileNotFound, "file not found"), to: client, on: channel)
            }
            await transfer(request, file, from: client, on: channel, source: source)
        case .notFound:
            release(source)
            send(.error(.fileNotFound, "file not found"), to: client, on: channel)
        case .throttled:
            release(source)
            send(.error(.notDefined, "try again later"), to: client, on: channel)
        }
    }

    /// Runs the transfer on its own ephemeral port (RFC 1350).
    private func transfer(_ request: TFTPRequest, _ file: any TFTPSource, from client: SocketAddress, on channel: any Channel, source: String) async {
        let service = self
        do {
            let bindHost = channel.localAddress?.ipAddress ?? host
            _ = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { transferChannel in
                    transferChannel.eventLoop.makeCompletedFuture {
                        try transferChannel.pipeline.syncOperations.addHandler(TransferHandler(service: service, request: request, file: file, client: client, source: source))
                    }
                }
                .bind(host: bindHost, port: 0).get()
        } catch {
            release(source)
            send(.error(.notDefined, "no port for the transfer"), to: client, on: channel)
        }
    }

    func release(_ source: String, proven: Bool = false) {
        limiter.withLockedValue { $0.release(source, proven: proven) }
    }

    func prove(_ source: String) {
        limiter.withLockedValue { $0.prove(source) }
    }

    func send(_ packet: TFTPPacket, to client: SocketAddress, on channel: any Channel) {
        let buffer = channel.allocator.buffer(bytes: packet.encode())
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: buffer), promise: nil)
    }

}

/// The well-known port: decodes, admits, and hands read requests to the service.
final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let service: TFTPService

    init(service: TFTPService) { self.service = service }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        let client = envelope.remoteAddress
        switch TFTPGate.admit(bytes) {
        case .ignore:
            return
        case let .refuse(reply):
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: client, data: context.channel.allocator.buffer(bytes: reply))), promise: nil)
        case let .read(request):
            let service = self.service
            let channel = context.channel
            if let work = service.work {
                work.spawn { await service.start(request, from: client, on: channel) }
            } else {
                Task { await service.start(request, from: client, on: channel) }
            }
        }
    }

    typealias OutboundOut = AddressedEnvelope<ByteBuffer>
}

/// One transfer's port: feeds the client's datagrams and the timer to its state machine.
final class TransferHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let service: TFTPService
    let request: TFTPRequest
    let file: any TFTPSource
    let client: SocketAddress
    let source: String
    var transfer: TFTPTransfer?
    var timer: Scheduled<Void>?
    var released = false

    init(service: TFTPService, request: TFTPRequest, file: any TFTPSource, client: SocketAddress, source: String) {
        self.service = service
        self.request = request
        self.file = file
        self.client = client
        self.source = source
    }

    func channelActive(context: ChannelHandlerContext) {
        // Already translated for netascii by the lookup: sent as it is.
        let (transfer, actions) = TFTPTransfer.start(request: request, source: file, now: MonotonicClock.now(), limits: service.limits)
        self.transfer = transfer
        perform(actions, context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == client else {
            // Another sender on this transfer's port: tell it, leave the transfer alone (RFC 1350).
            let reply = TFTPPacket.error(.unknownTransferID, "unknown transfer").encode()
            context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(bytes: reply))), promise: nil)
            return
        }
        guard var transfer else { return }
        let wasProven = transfer.proven
        let actions = transfer.receive(Array(envelope.data.readableBytesView), now: MonotonicClock.now())
        self.transfer = transfer
        if transfer.proven && !wasProven { service.prove(source) }
        perform(actions, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        releaseOnce()
    }

    private func perform(_ actions: [TFTPTransfer.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case let .send(bytes):
                context.write(wrapOutboundOut(AddressedEnvelope(remoteAddress: client, data: context.channel.allocator.buffer(bytes: bytes))), promise: nil)
            case let .wait(until):
                timer?.cancel()
                let delay = TimeAmount.nanoseconds(Int64(max(0, until - MonotonicClock.now()) * 1e9))
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                timer = context.eventLoop.scheduleTask(in: delay) {
                    let (handler, context) = bound.value
                    guard var transfer = handler.transfer else { return }
                    let actions = transfer.tick(now: MonotonicClock.now())
                    handler.transfer = transfer
                    handler.perform(actions, context: context)
                }
            case let .finish(success):
                PieuvreMetrics.shared.tftpTransfer(success ? "completed" : "failed")
                timer?.cancel()
                context.flush()
                releaseOnce()
                context.close(promise: nil)
                return
            }
        }
        context.flush()
    }

    private func releaseOnce() {
        guard !released else { return }
        released = true
        service.release(source, proven: transfer?.proven ?? false)
    }
}
