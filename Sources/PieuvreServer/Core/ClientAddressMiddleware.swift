import HTTPTypes
import Hummingbird
import PieuvreCore

/// Behind a load balancer, takes the client's address from `Forwarded` or `X-Forwarded-For`
/// when (and only when) the peer is one of `--trusted-proxies`.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = PieuvreRequestContext
    let trusted: [CIDR]
    static let forwarded = HTTPField.Name("Forwarded")!
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trusted.isEmpty else { return try await next(request, context) }
        var context = context
        context.remoteIP = Self.client(peer: context.remoteIP, headers: request.headers, trusted: trusted)
        return try await next(request, context)
    }

    /// The peer, or behind one of `trusted` the client it forwards (the router's and the
    /// phone-file lane's one rule).
    static func client(peer: String, headers: HTTPFields, trusted: [CIDR]) -> String {
        guard !trusted.isEmpty else { return peer }
        return ClientAddress.resolve(peer: peer, forwarded: headers[forwarded], xForwardedFor: headers[xForwardedFor], trusted: trusted)
    }
}
