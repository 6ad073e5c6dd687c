import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import SIPCore

/// The thin SwiftNIO shell (UDP) around SIPCore: sends requests as non-INVITE client
/// transactions (resent on RFC 3261's timers, matched to their response by the Via branch) and
/// answers the requests it does not serve. A failed bind is a warning: HTTP and TFTP serve on.
public final class SIPService: Service, Sendable {
    let host: String
    let port: Int
    let logger: Logger
    /// Answers plug-and-play SUBSCRIBEs (`Event: ua-profile`) with the provisioning URL; nil
    /// when `--sip-pnp` is off. Set once, before the service runs (it needs the phone files,
    /// which need this service's notifier).
    private let pnp = NIOLockedValueBox<PlugAndPlay?>(nil)
    var plugAndPlay: PlugAndPlay? { pnp.withLockedValue { $0 } }

    func enable(_ plugAndPlay: PlugAndPlay) { pnp.withLockedValue { $0 = plugAndPlay } }
    /// Answers message-summary SUBSCRIBEs (set with the notifier, when a SIP platform is named).
    private let summaries = NIOLockedValueBox<MessageWaitingNotifier?>(nil)
    func enable(_ notifier: MessageWaitingNotifier) { summaries.withLockedValue { $0 = notifier } }
    private let channel = NIOLockedValueBox<(any Channel)?>(nil)
    private let pending = NIOLockedValueBox([String: Pending]())
    private let ready = NIOLockedValueBox<[CheckedContinuation<Void, Never>]>([])

    struct Pending {
        var transaction: NonInviteTransaction
        let continuation: CheckedContinuation<Int?, Never>
        let destination: SocketAddress
        var timer: Scheduled<Void>?
    }

    let work: BackgroundWork

    public init(host: String, port: Int, work: BackgroundWork, logger: Logger) {
        self.host = host
        self.port = port
        self.work = work
        self.logger = logger
    }

    public func run() async throws {
        let service = self
        let bound = try? await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPHandler(service: service))
                }
            }
            .bind(host: host, port: port).get()
        guard let bound else {
            logger.warning("SIP disabled: cannot listen on UDP \(host):\(port) (--sip-port 0 turns SIP off)")
            try? await gracefulShutdown()
            return
        }
        channel.withLockedValue { $0 = bound }
        logger.notice("pieuvre SIP listening", metadata: ["sip": "\(host):\(bound.localAddress?.port ?? port)", "pnp": "\(plugAndPlay != nil)"])
        // Plug and play: phones on a LAN multicast their SUBSCRIBE to 224.0.1.75:5060.
        let multicast = plugAndPlay == nil ? nil : await joinPnPGroup()
        try? await gracefulShutdown()
        channel.withLockedValue { $0 = nil }
        try? await multicast?.close()
        try? await bound.close()
        // Transactions still waiting will get no answer now.
        for branch in pending.withLockedValue({ Array($0.keys) }) { finish(branch, status: nil) }
    }

    /// A listener on the PnP multicast group; answers go out of the main SIP socket. A failure
    /// (no multicast route, port 5060 taken) is a warning: unicast SUBSCRIBEs are answered still.
    private func joinPnPGroup() async -> (any Channel)? {
        guard let plugAndPlay else { return nil }
        let service = self
        do {
            let group = try SocketAddress(ipAddress: "224.0.1.75", port: plugAndPlay.multicastPort)
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(SIPHandler(service: service)) }
                }
                .bind(host: plugAndPlay.bindAddress, port: plugAndPlay.multicastPort).get()
            try await (channel as! MulticastChannel).joinGroup(group).get()
            logger.notice("pieuvre SIP plug and play listening", metadata: ["group": "224.0.1.75:\(plugAndPlay.multicastPort)"])
            return channel
        } catch {
            logger.warning("SIP plug and play: cannot join 224.0.1.75:\(plugAndPlay.multicastPort) (\(String(reflecting: type(of: error)))); SUBSCRIBEs sent to the SIP port are still answered")
            return nil
        }
    }

    /// The local port (once bound), for Via and Contact.
    var localPort: Int? { channel.withLockedValue { $0?.localAddress?.port } }

    /// Sends a request and waits for its final status (nil when it timed out or SIP is off).
    func send(_ request: SIPMessage, to destination: SocketAddress) async -> Int? {
        guard let channel = channel.withLockedValue({ $0 }) else { return nil }
        let now = MonotonicClock.now()
        let transaction = NonInviteTransaction(request: request, now: now)
        let branch = transaction.branch
        // A cancelled caller (a shutdown) stops waiting for the answer at once.
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                pending.withLockedValue { $0[branch] = Pending(transaction: transaction, continuation: continuation, destination: destination) }
                if Task.isCancelled { finish(branch, status: nil) } else { perform(transaction.start(now: now), branch: branch, on: channel) }
            }
        } onCancel: {
            finish(branch, status: nil)
        }
    }

    private func perform(_ actions: [NonInviteTransaction.Action], branch: String, on channel: any Channel) {
        for action in actions {
            switch action {
            case let .send(bytes):
                guard let destination = pending.withLockedValue({ $0[branch]?.destination }) else { return }
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: channel.allocator.buffer(bytes: bytes)), promise: nil)
            case let .wait(until):
                let delay = TimeAmount.nanoseconds(Int64(max(0, until - MonotonicClock.now()) * 1e9))
                let timer = channel.eventLoop.scheduleTask(in: delay) { [self] in
                    let actions = pending.withLockedValue { pending -> [NonInviteTransaction.Action] in
                        guard var entry = pending[branch] else { return [] }
                        let actions = entry.transaction.tick(now: MonotonicClock.now())
                        pending[branch] = entry
                        return actions
                    }
                    perform(actions, branch: branch, on: channel)
                }
                pending.withLockedValue { $0[branch]?.timer = timer }
            case let .completed(status):
                finish(branch, status: status)
            case .timedOut:
                finish(branch, status: nil)
            }
        }
    }

    private func finish(_ branch: String, status: Int?) {
        guard let entry = pending.withLockedValue({ $0.removeValue(forKey: branch) }) else { return }
        entry.timer?.cancel()
        entry.continuation.resume(returning: status)
    }

    /// A datagram: a response completes its transaction; a request we do not serve is answered.
    func received(_ bytes: [UInt8], from source: SocketAddress, on channel: any Channel) {
        guard let message = try? SIPMessage.parse(bytes) else { return }  // garbage is dropped, never answered
        if message.status != nil {
            guard let branch = message.topViaBranch else { return }
            let actions = pending.withLockedValue { pending -> [NonInviteTransaction.Action] in
                guard var entry = pending[branch] else { return [] }
                let actions = entry.transaction.receive(message, now: MonotonicClock.now())
                pending[branch] = entry
                return actions
            }
            perform(actions, branch: branch, on: channel)
            return
        }
        if message.method == "SUBSCRIBE", message.header("Event")?.lowercased().hasPrefix("ua-profile") == true, let plugAndPlay {
            work.spawn { await plugAndPlay.answer(message, from: source, service: self) }
            return
        }
        if message.method == "SUBSCRIBE", let event = message.header("Event"), let notifier = summaries.withLockedValue({ $0 }) {
            guard event.lowercased().hasPrefix("message-summary") else {
                if let answer = SIPService.reply(to: message, status: 489, reason: "Bad Event") { reply(answer, to: source) }
                return
            }
            work.spawn { await notifier.subscribe(message, from: source) }
            return
        }
        guard message.method != "ACK", let answer = SIPService.reply(to: message, status: 501, reason: "Not Implemented") else { return }
        reply(answer, to: source)
    }

    /// Sends a response (or any message that needs no transaction) from the SIP socket.
    func reply(_ message: SIPMessage, to destination: SocketAddress) {
        guard let channel = channel.withLockedValue({ $0 }) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: destination, data: channel.allocator.buffer(bytes: message.encoded())), promise: nil)
    }

    /// A response echoing the request's Via, From, To (with a tag), Call-ID and CSeq.
    static func reply(to request: SIPMessage, status: Int, reason: String) -> SIPMessage? {
        guard let via = request.header("Via"), let from = request.header("From"), let to = request.header("To"),
              let callID = request.header("Call-ID"), let cseq = request.header("CSeq") else { return nil }
        return SIPMessage(start: .response(status: status, reason: reason), headers: [
            ("Via", via), ("From", from), ("To", to.contains("tag=") ? to : to + ";tag=pieuvre"), ("Call-ID", callID), ("CSeq", cseq),
        ])
    }

}

final class SIPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let service: SIPService

    init(service: SIPService) { self.service = service }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        service.received(Array(envelope.data.readableBytesView), from: envelope.remoteAddress, on: context.channel)
    }
}
