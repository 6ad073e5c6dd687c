import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The NIO shell of one phone over HTTP(S): one new connection (and TLS handshake) per phone,
/// kept for its files, as a phone does at boot; the script decides every request.
struct HTTPPhoneClient: Sendable {
    let host: String
    let port: Int
    let basePath: String
    let tls: NIOSSLContext?
    let group: any EventLoopGroup

    func boot(_ phone: SimulatedPhone, credentials: DeviceCredentials?, from source: String?) async -> PhoneOutcome {
        var script = HTTPFetchScript(phone: phone, basePath: basePath, credentials: credentials)
        var outcome = PhoneOutcome()
        let clock = ContinuousClock()
        do {
            var bootstrap = ClientBootstrap(group: group).connectTimeout(.seconds(5))
            if let source { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: source, port: 0)) }
            let channel = try await bootstrap
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: host, port: port) { [tls, host] channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            let name = host.first?.isNumber == true || host.contains(":") ? nil : host
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: name))
                        }
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                    }
                }
            let hostHeader = port == (tls == nil ? 80 : 443) ? host : "\(host):\(port)"
            try await channel.executeThenClose { inbound, outbound in
                var responses = inbound.makeAsyncIterator()
                while let request = script.next() {
                    var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: request.path)
                    head.headers.add(name: "Host", value: hostHeader)
                    for (name, value) in request.headers { head.headers.add(name: name, value: value) }
                    let started = clock.now
                    try await outbound.write(.head(head))
                    try await outbound.write(.end(nil))
                    var status = 0, challenge: String?, body: [UInt8] = []
                    reading: while true {
                        guard let part = try await responses.next() else { throw SimulatorError.closed }
                        switch part {
                        case let .head(response):
                            status = Int(response.status.code)
                            challenge = response.headers.first(name: "WWW-Authenticate")
                        case let .body(buffer):
                            body += buffer.readableBytesView
                        case .end:
                            break reading
                        }
                    }
                    outcome.timings.append((request.kind, Self.seconds(clock.now - started)))
                    if case let .failed(reason) = script.received(status: status, wwwAuthenticate: challenge, body: body) {
                        outcome.failure = reason
                        break
                    }
                }
            }
        } catch {
            outcome.failure = SimulatorError.reason(error)
        }
        outcome.credentials = script.credentials
        return outcome
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

enum SimulatorError: Error {
    case closed
    case timeout

    /// A failure's reason, short and stable enough to count by (no addresses or ports).
    static func reason(_ error: any Error) -> String {
        switch error {
        case SimulatorError.closed: return "connection closed by the server"
        case SimulatorError.timeout: return "timeout"
        case is NIOSSLError: return "TLS: \(error)"
        case let error as IOError: return "connection: \(error.errnoCode == ECONNREFUSED ? "refused" : String(describing: error))"
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first?.error { return reason(first) }
            return "connection: cannot resolve \(error.host)"
        case ChannelError.connectTimeout: return "connection: timeout"
        case is ChannelError: return "connection: \(error)"
        default: return "\(type(of: error))"
        }
    }
}
