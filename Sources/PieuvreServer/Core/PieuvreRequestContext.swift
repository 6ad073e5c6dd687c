import Hummingbird
import NIOCore
import PieuvreCore

/// The per-request context: Hummingbird's core storage plus who is calling.
public struct PieuvreRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `BearerAuthenticator` when the request carries a valid token.
    var actor: Actor?
    /// The client's address (the peer's, or behind `--trusted-proxies` the one they forward),
    /// for the provisioning log, the scan guard and the sign-in throttle.
    var remoteIP: String
    /// The connection, for what only it knows (the phone's TLS certificate).
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        actor = nil
        remoteIP = source.channel.remoteAddress?.ipAddress ?? "unknown"
        channel = source.channel
    }

    /// JSON bodies are small; an import has its own, larger cap.
    public var maxUploadSize: Int { 64 * 1024 }

    func requireActor() throws -> Actor {
        guard let actor else { throw APIError(.unauthorized, "authentication required: send Authorization: Bearer <token> from POST /api/v1/sessions") }
        return actor
    }
}
