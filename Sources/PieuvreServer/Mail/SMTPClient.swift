import MailCore
import NIOCore
import NIOPosix
import NIOSSL

/// The thin NIO shell around `SMTPConversation`: one connection per mail, TLS from the start
/// (`smtps://`) or after STARTTLS, certificates checked against the system's trust store.
struct SMTPClient: Sendable {
    let endpoint: SMTPEndpoint
    /// A step that takes longer than this ends the attempt (the outbox retries later).
    var stepTimeout: TimeAmount = .seconds(30)

    /// Delivers one message; answers the server's acceptance line or throws why not.
    func send(_ conversation: SMTPConversation) async throws -> String {
        let tls = try NIOSSLContext(configuration: .makeClientConfiguration())
        let endpoint = endpoint
        let timeout = stepTimeout
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.any().makePromise(of: String.self)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = SMTPHandler(conversation: conversation, promise: promise, tls: tls, host: endpoint.host, timeout: timeout)
                    if endpoint.implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try SMTPHandler.tlsHandler(tls, host: endpoint.host))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            promise.fail(error)
            throw MailDeliveryError.unreachable("\(endpoint.host):\(endpoint.port)")
        }
        defer { channel.close(promise: nil) }
        return try await promise.futureResult.get()
    }
}

enum MailDeliveryError: Error, CustomStringConvertible {
    case unreachable(String)
    case closed
    case timedOut

    var description: String {
        switch self {
        case let .unreachable(address): "cannot connect to \(address)"
        case .closed: "the server closed the connection"
        case .timedOut: "the server did not answer in time"
        }
    }
}

final class SMTPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var conversation: SMTPConversation
    private var parser = SMTPReplyParser()
    private let promise: EventLoopPromise<String>
    private let tls: NIOSSLContext
    private let host: String
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var done = false

    init(conversation: SMTPConversation, promise: EventLoopPromise<String>, tls: NIOSSLContext, host: String, timeout: TimeAmount) {
        self.conversation = conversation
        self.promise = promise
        self.tls = tls
        self.host = host
        self.timeout = timeout
    }

    /// An IP literal has no name to check a certificate against SNI-wise; the check still runs.
    static func tlsHandler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let isAddress = host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
    }

    func handlerAdded(context: ChannelHandlerContext) { arm(context) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let replies: [SMTPReply]
        do {
            replies = try parser.feed(buffer.readableBytesView)
        } catch {
            finish(context, .failure(error))
            return
        }
        for reply in replies {
            arm(context)
            perform(conversation.receive(reply), context: context)
        }
    }

    private func perform(_ actions: [SMTPConversation.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case let .send(bytes):
                context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
            case .startTLS:
                do {
                    // Writes made while the handshake runs are held by the TLS handler.
                    try context.pipeline.syncOperations.addHandler(try Self.tlsHandler(tls, host: host), position: .first)
                    perform(conversation.tlsEstablished(), context: context)
                } catch {
                    finish(context, .failure(error))
                }
            case let .delivered(text):
                finish(context, .success(text))
            case let .failed(error):
                finish(context, .failure(error))
            }
        }
    }

    private func arm(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (handler, context) = loopBound.value
            handler.finish(context, .failure(MailDeliveryError.timedOut))
        }
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<String, any Error>) {
        guard !done else { return }
        done = true
        timer?.cancel()
        promise.completeWith(result)
        if case .failure = result { context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context, .failure(MailDeliveryError.closed))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, .failure(error))
    }
}
