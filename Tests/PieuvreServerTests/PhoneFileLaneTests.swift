import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
@testable import PieuvreServer
import Testing

/// The lane alone on a channel: what it forwards to the router, what it holds, in which order
/// answers leave (the end-to-end test does the same over a real socket, with the router).
@Suite struct PhoneFileLaneTests {
    static func get(_ path: String) -> [HTTPRequestPart] {
        [.head(HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1", path: path)), .end(nil)]
    }

    static func statuses(_ channel: EmbeddedChannel) throws -> [Int] {
        var statuses: [Int] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            if case let .head(head) = part { statuses.append(head.status.code) }
        }
        return statuses
    }

    @Test func aPhoneRequestBehindARoutersWaitsForItsAnswerAndTooManyHeldClose() async throws {
        try await TestPlatform.run(.sqlite) { p in
            let lane = PhoneFileLane(.init(files: p.phones.files, transport: "http", trustedProxies: [], clientCertificates: false, logger: Logger(label: "lane-test")))
            let channel = EmbeddedChannel(handler: lane)
            try await channel.connect(to: SocketAddress(ipAddress: "192.0.2.10", port: 5060)).get()
            // Alone, a phone's request is answered at once (a name no phone fetches: 404).
            for part in Self.get("/sip-ps/nothing.txt") { try channel.writeInbound(part) }
            #expect(try Self.statuses(channel) == [404])
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)

            // A router's request goes on, whole; the phone's request after it is held.
            for part in Self.get("/health/live") + Self.get("/sip-ps/nothing.txt") { try channel.writeInbound(part) }
            guard case let .head(forwarded)? = try channel.readInbound(as: HTTPRequestPart.self) else { Issue.record("nothing forwarded"); return }
            #expect(forwarded.path == "/health/live")
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == .end(nil))
            #expect(try channel.readInbound(as: HTTPRequestPart.self) == nil)
            #expect(try Self.statuses(channel) == [])

            // The router answers: its answer first, then the held one's.
            try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
            try channel.writeOutbound(HTTPResponsePart.end(nil))
            channel.embeddedEventLoop.run()
            #expect(try Self.statuses(channel) == [200, 404])

            // Paths the lane does not own go to the router as they came.
            for path in ["/sip-ps", "/sip-ps/", "/sip-ps/directory/805ec0021c1b/contacts.xml", "/sip-ps-other/a.cfg"] {
                #expect(PhoneFileLane.fileName(path) == nil, "\(path)")
            }
            #expect(PhoneFileLane.fileName("/sip-ps/805ec0021c1b.cfg?x=1") == "805ec0021c1b.cfg")

            // More requests piled behind an unanswered one than any phone sends: closed.
            for part in Self.get("/health/live") { try channel.writeInbound(part) }
            _ = try channel.readInbound(as: HTTPRequestPart.self)
            _ = try channel.readInbound(as: HTTPRequestPart.self)
            for _ in 0..<(PhoneFileLane.heldLimit / 2) {
                for part in Self.get("/sip-ps/nothing.txt") { try channel.writeInbound(part) }
            }
            #expect(channel.isActive)
            try channel.writeInbound(Self.get("/sip-ps/nothing.txt")[0])
            channel.embeddedEventLoop.run()
            #expect(!channel.isActive)
            _ = try? channel.finish()
        }
    }
}
