import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes
import PieuvreCore

/// The connection caps every HTTP(S) listener shares (`--http-max-connections`,
/// `--http-max-connections-per-address`) and the timeouts each connection is held to.
public final class ConnectionGate: Sendable {
    let timeouts: ConnectionTimeouts.Limits
    let trustedProxies: [CIDR]
    private let limits: NIOLockedValueBox<ConnectionLimits>
    let logger: Logger

    public init(limits: ConnectionLimits, timeouts: ConnectionTimeouts.Limits, trustedProxies: [CIDR], logger: Logger) {
        self.limits = NIOLockedValueBox(limits)
        self.timeouts = timeouts
        self.trustedProxies = trustedProxies
        self.logger = logger
    }

    /// A load balancer's many connections are its clients': held to the total only.
    private func counted(_ address: String) -> Bool { !trustedProxies.contains { $0.contains(address) } }

    func admit(_ address: String) -> Bool {
        let counted = counted(address)
        return limits.withLockedValue { $0.admit(address, counted: counted) }
    }

    func release(_ address: String) {
        let counted = counted(address)
        limits.withLockedValue { $0.release(address, counted: counted) }
    }

    /// Connections open now (for tests and diagnostics).
    var open: Int { limits.withLockedValue { $0.open } }
}

/// The NIO shell of `ConnectionTimeouts` and `ConnectionLimits`, first of the handlers after
/// HTTP decoding on every connection (phone lane and router alike): admits the connection or
/// closes it at once, and closes it when the deadline its state gives passes.
final class ConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let gate: ConnectionGate
    private var state: ConnectionTimeouts
    private var timer: Scheduled<Void>?
    /// The address whose place this connection holds (nil: not admitted yet, or released).
    private var address: String?
    private var started = false

    init(_ gate: ConnectionGate) {
        self.gate = gate
        self.state = ConnectionTimeouts(limits: gate.timeouts)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let ip = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard gate.admit(ip) else {
            gate.logger.debug("connection refused: too many open", metadata: ["ip": "\(ip)"])
            context.close(promise: nil)
            return
        }
        address = ip
        arm(context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { finish() }

    private func finish() {
        timer?.cancel()
        timer = nil
        if let address { gate.release(address) }
        address = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: state.headRead()
        case .body: state.bodyRead()
        case .end: state.requestEnded()
        }
        arm(context)
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            state.answerEnded()
            arm(context)
        }
        context.write(data, promise: promise)
    }

    /// One timer at a time, for the deadline the state gives now (none while the server answers).
    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        guard address != nil, let seconds = state.deadline else { return }
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .nanoseconds(Int64(seconds * 1_000_000_000))) { [weak self] in
            guard let self, self.address != nil else { return }
            self.gate.logger.debug("connection closed: it owed the server a request for too long", metadata: ["ip": "\(self.address ?? "")"])
            context.close(promise: nil)
        }
    }
}
