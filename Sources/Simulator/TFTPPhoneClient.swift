import NIOCore
import NIOPosix

/// The NIO shell of one phone over TFTP: each file from a new UDP port (a new transfer ID, as
/// phones do), ACKs to the server's transfer port, the last packet sent again after 1 s of
/// silence, given up after 5 tries.
struct TFTPPhoneClient: Sendable {
    let server: SocketAddress
    let group: any EventLoopGroup

    func boot(_ phone: SimulatedPhone, from source: String?) async -> PhoneOutcome {
        var outcome = PhoneOutcome()
        let clock = ContinuousClock()
        for file in phone.files {
            let started = clock.now
            do {
                _ = try await fetchRetrying(file.name, from: source)
                outcome.timings.append((file.kind, HTTPPhoneClient.seconds(clock.now - started)))
            } catch let error as TFTPFailure where file.kind == .boot && error.reason.hasPrefix("TFTP error 1:") {
                // No boot file for a phone that cannot say which it is (TFTP has no User-Agent):
                // a Yealink goes on to the common file and its own.
                outcome.timings.append((file.kind, HTTPPhoneClient.seconds(clock.now - started)))
            } catch let error as TFTPFailure {
                outcome.failure = "\(file.kind): \(error.reason)"
                return outcome
            } catch {
                outcome.failure = "\(file.kind): \(SimulatorError.reason(error))"
                return outcome
            }
        }
        return outcome
    }

    /// A server at its transfer limit says "try again later" (error 0): phones do, after a
    /// moment; so does the simulator, up to five times.
    func fetchRetrying(_ name: String, from source: String?) async throws -> [UInt8] {
        var attempt = 0
        while true {
            do {
                return try await fetch(name, from: source)
            } catch let error as TFTPFailure where error.reason.hasPrefix("TFTP error 0:") && attempt < 5 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...150) * attempt))
            }
        }
    }

    func fetch(_ name: String, from source: String?) async throws -> [UInt8] {
        let promise = group.next().makePromise(of: [UInt8].self)
        let server = self.server
        let bind = source ?? (server.protocol == .inet6 ? "::" : "0.0.0.0")
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TFTPReadHandler(script: TFTPReadScript(fileName: name), server: server, promise: promise))
                }
            }
            .bind(host: bind, port: 0).get()
        defer { channel.close(promise: nil) }
        return try await promise.futureResult.get()
    }
}

struct TFTPFailure: Error {
    let reason: String
}

/// Feeds the server's packets to the script and sends what it says; owns the retry timer.
final class TFTPReadHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private var script: TFTPReadScript
    private let server: SocketAddress
    private var peer: SocketAddress?
    private let promise: EventLoopPromise<[UInt8]>
    private var timer: Scheduled<Void>?
    private var tries = 0
    private var settled = false

    init(script: TFTPReadScript, server: SocketAddress, promise: EventLoopPromise<[UInt8]>) {
        self.script = script
        self.server = server
        self.promise = promise
    }

    func channelActive(context: ChannelHandlerContext) {
        send(script.request, to: server, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        // The server answers from a new port (its transfer ID); anything else is not for us.
        if let peer, envelope.remoteAddress != peer { return }
        guard envelope.remoteAddress.ipAddress == server.ipAddress else { return }
        peer = envelope.remoteAddress
        switch script.received(Array(envelope.data.readableBytesView)) {
        case let .send(bytes):
            tries = 0
            send(bytes, to: envelope.remoteAddress, context: context)
        case let .done(ack, file):
            write(ack, to: envelope.remoteAddress, context: context)
            finish(.success(file))
        case let .failed(reason):
            finish(.failure(TFTPFailure(reason: reason)))
        case .ignore:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(TFTPFailure(reason: "socket closed")))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable comes back as ECONNREFUSED on the next read.
        finish(.failure(TFTPFailure(reason: "no TFTP server (\(SimulatorError.reason(error)))")))
    }

    private func send(_ bytes: [UInt8], to address: SocketAddress, context: ChannelHandlerContext) {
        write(bytes, to: address, context: context)
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: .seconds(1)) {
            let (handler, context) = loopBound.value
            handler.retry(context: context)
        }
    }

    private func retry(context: ChannelHandlerContext) {
        guard !settled else { return }
        tries += 1
        guard tries < 5 else { return finish(.failure(TFTPFailure(reason: "timeout"))) }
        send(script.lastSent, to: peer ?? server, context: context)
    }

    private func write(_ bytes: [UInt8], to address: SocketAddress, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(AddressedEnvelope(remoteAddress: address, data: ByteBuffer(bytes: bytes))), promise: nil)
    }

    private func finish(_ result: Result<[UInt8], any Error>) {
        guard !settled else { return }
        settled = true
        timer?.cancel()
        promise.completeWith(result)
    }
}
