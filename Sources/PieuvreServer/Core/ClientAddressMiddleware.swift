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
        context.remoteIP = ClientAddress.resolve(peer: context.remoteIP, forwarded: request.headers[Self.forwarded],
                                                 xForwardedFor: request.headers[Self.xForwardedFor], trusted: trusted)
        return try await next(request, context)
    }
}
