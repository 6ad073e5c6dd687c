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
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        if token.hasPrefix(Store.integrationKeyPrefix) {
            guard let actor = try await store.actor(forIntegrationKey: token) else {
                throw APIError(.unauthorized, "the integration key is unknown or was deleted")
            }
            // A voicemail platform's key reports events, and nothing else.
            guard request.method == .post, Self.isVoicemailEvents(request.uri.path) else {
                throw APIError(.forbidden, "an integration key may only POST /api/v1/lines/{sda}/voicemail/events")
            }
            var context = context
            context.actor = actor
            return try await next(request, context)
        }
        guard let actor = try await store.actor(forToken: token) else {
            throw APIError(.unauthorized, "the token is unknown or has expired: open a new session")
        }
        var context = context
        context.actor = actor
        return try await next(request, context)
    }

    /// `/api/v1/lines/<one segment>/voicemail/events`.
    static func isVoicemailEvents(_ path: String) -> Bool {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return segments.count == 7 && segments[0].isEmpty && segments[1] == "api" && segments[2] == "v1" && segments[3] == "lines"
            && !segments[4].isEmpty && segments[5] == "voicemail" && segments[6] == "events"
    }
}
