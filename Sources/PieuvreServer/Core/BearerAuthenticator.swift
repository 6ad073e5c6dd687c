import Hummingbird
import PieuvreStore

/// Puts the caller behind `Authorization: Bearer <token>` into the context. A token that is
/// present but unknown or expired is refused at once, so a client learns its session is over.
struct BearerAuthenticator: RouterMiddleware {
    typealias Context = PieuvreRequestContext
    let store: Store

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthorized, "the Authorization header must be 'Bearer <token>'")
        }
        guard let actor = try await store.actor(forToken: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            throw APIError(.unauthorized, "the token is unknown or has expired: open a new session")
        }
        var context = context
        context.actor = actor
        return try await next(request, context)
    }
}
