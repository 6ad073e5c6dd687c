import HTTPTypes
import Logging
import NIOCore
import NIOHTTPTypes
import PieuvreCore

/// Serves `GET /sip-ps/<file>` on the connection's own thread, in front of Hummingbird's
/// pipeline: a phone's fetch answered from memory (a cached phone, the common file) is written
/// here without a task, a hop to another thread or the router, which cost the phone path more
/// than half of its time (bench-provisioning: the router's bare route alone reached 0.43x
/// nginx). What needs the database is awaited in a task and written when it comes. Every other
/// request goes on to the router unchanged.
///
/// Answers leave in the order requests came (HTTP/1.1 pipelining): while one is in progress
/// (at the router, or awaiting the database), later requests are held here, a bounded number.
final class PhoneFileLane: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    struct Setup: Sendable {
        let files: PhoneFiles
        /// `http` or `https`, for the log.
        let transport: String
        /// `--trusted-proxies`: only their `Forwarded` / `X-Forwarded-For` name the client.
        let trustedProxies: [CIDR]
        /// `--tls-client-ca`: a phone's factory certificate names the only MAC it may fetch.
        let clientCertificates: Bool
        let logger: Logger
    }

    private let setup: Setup
    /// Requests ahead of the next one not answered yet: at the router, or awaiting the database.
    private var inProgress = 0
    /// Parts of requests that came while one was in progress.
    private var held = CircularBuffer<HTTPRequestPart>()
    /// The current request's later parts go to the router (else it was a phone's, answered here).
    private var forwarding = false
    /// The connection closed: an answer the database gave too late is dropped, held requests too.
    private var gone = false
    /// Once per connection: the peer, and the MAC its certificate names.
    private var peer: String?
    private var certified: MACAddress??

    /// More held parts than this is no phone: the connection is closed.
    static let heldLimit = 64

    init(_ setup: Setup) { self.setup = setup }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if !held.isEmpty || (inProgress > 0 && part.isHead) {
            guard held.count < Self.heldLimit else {
                context.close(promise: nil)
                return
            }
            held.append(part)
            return
        }
        handle(part, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        gone = true
        held.removeAll()
        context.fireChannelInactive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Only the router's answers pass here (the lane writes its own past itself).
        let ended = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if ended {
            // After the router's write returns: what was held may go to it again.
            context.eventLoop.assumeIsolated().execute { self.finished(context: context) }
        }
    }

    private func handle(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch part {
        case let .head(head):
            if head.method == .get, let fileName = Self.fileName(head.path) {
                forwarding = false
                answer(head, fileName: fileName, context: context)
            } else {
                forwarding = true
                inProgress += 1
                context.fireChannelRead(wrapInboundOut(part))
            }
        case .body, .end:
            if forwarding { context.fireChannelRead(wrapInboundOut(part)) }
        }
    }

    /// One request done: the held ones are handled until one is in progress again.
    private func finished(context: ChannelHandlerContext) {
        inProgress -= 1
        guard !gone else { return }
        var handled = false
        while let next = held.first, inProgress == 0 || !next.isHead {
            held.removeFirst()
            handle(next, context: context)
            handled = true
        }
        // Outside a read: the router's side takes what it was given only at a read's end.
        if handled { context.fireChannelReadComplete() }
    }

    /// `/sip-ps/<file>` (one segment, any query), as the router's `sip-ps/:file` matched it.
    static func fileName(_ path: String?) -> String? {
        guard var path = path?.utf8[...], path.starts(with: "/sip-ps/".utf8) else { return nil }
        path = path.dropFirst(8)
        if let query = path.firstIndex(of: UInt8(ascii: "?")) { path = path[..<query] }
        guard !path.isEmpty, !path.contains(UInt8(ascii: "/")) else { return nil }
        return String(path)
    }

    private func answer(_ head: HTTPRequest, fileName: String, context: ChannelHandlerContext) {
        // The three headers a phone's request is read for, in one pass over its fields.
        var userAgent: String?, authorization: String?, closes = false
        for field in head.headerFields {
            switch field.name {
            case .userAgent: userAgent = userAgent ?? field.value
            case .authorization: authorization = authorization ?? field.value
            case .connection: closes = closes || SecurityHeaders.closes(connection: field.value)
            default: break
            }
        }
        let request = PhoneFiles.Request(
            fileName: fileName, path: head.path ?? "", userAgent: userAgent, authorization: authorization,
            sourceIP: client(head, context: context), transport: setup.transport, certifiedMAC: certifiedMAC(context: context))
        switch setup.files.reply(request) {
        case let .now(answer):
            send(PhoneFileResponse(answer), closes: closes, context: context)
        case let .later(rest):
            inProgress += 1
            let lane = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let logger = setup.logger
            Task {
                let response: PhoneFileResponse
                do {
                    response = PhoneFileResponse(try await rest())
                } catch {
                    logger.error("a phone file could not be answered", metadata: ["file": "\(fileName)", "error": "\(String(reflecting: type(of: error)))"])
                    response = .unavailable
                }
                lane.eventLoop.execute {
                    let (lane, context) = lane.value
                    guard !lane.gone else { return }
                    lane.send(response, closes: closes, context: context)
                    lane.finished(context: context)
                }
            }
        }
    }

    /// What the router's answers carry too: the security headers and the server's name.
    private static let common = SecurityHeaders.fields + [HTTPField(name: .server, value: "pieuvre")]
    private static let close = HTTPField(name: .connection, value: "close")

    private func send(_ response: PhoneFileResponse, closes: Bool, context: ChannelHandlerContext) {
        // Appended, not set: these names are not in the answer's own headers, and appending
        // fields made once skips their lookup and validation on every fetch.
        var headers = response.headers
        headers.append(contentsOf: Self.common)
        headers.append(HTTPField(name: .contentLength, value: String(response.body.readableBytes)))
        headers.append(HTTPField(name: .date, value: HTTPDate.now))
        if closes { headers.append(Self.close) }
        context.write(wrapOutboundOut(.head(HTTPResponse(status: response.status, headerFields: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(response.body)), promise: nil)
        if closes {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// The peer, or behind `--trusted-proxies` the client they name.
    private func client(_ head: HTTPRequest, context: ChannelHandlerContext) -> String {
        let peer = self.peer ?? context.channel.remoteAddress?.ipAddress ?? "unknown"
        self.peer = peer
        return ClientAddressMiddleware.client(peer: peer, headers: head.headerFields, trusted: setup.trustedProxies)
    }

    private func certifiedMAC(context: ChannelHandlerContext) -> MACAddress? {
        guard setup.clientCertificates else { return nil }
        if let certified { return certified }
        // The handshake is over before the first request: the certificate is there to read.
        let mac = DeviceCertificate.mac(in: context.pipeline.syncOperations)
        certified = .some(mac)
        return mac
    }
}

private extension HTTPRequestPart {
    var isHead: Bool { if case .head = self { true } else { false } }
}
