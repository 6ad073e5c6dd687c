import Hummingbird
import PieuvreStore

/// `POST /api/v1/sessions`: a login and password for a bearer token, through the throttle the
/// portals share; `PUT /api/v1/me/password`: every role changes its own password here.
struct SessionsController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.post("sessions", use: create)
        group.delete("sessions/current", use: delete)
        group.delete("sessions", use: deleteAll)
        group.put("me/password", use: changePassword)
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, context: context, allowed: ["login", "password"])
        guard let login = try body.string("login"), !login.isEmpty else { throw APIError(.unprocessableContent, "login is required") }
        guard let password = try body.string("password"), !password.isEmpty else { throw APIError(.unprocessableContent, "password is required") }
        switch try await store.signIn(login: login, password: password, source: context.remoteIP) {
        case let .granted(grant):
            return try JSONResponse.make(grant, status: .created)
        case .refused:
            PieuvreMetrics.shared.loginFailure("api")
            throw APIError(.unauthorized, "login or password is wrong")
        case let .throttled(seconds):
            PieuvreMetrics.shared.loginFailure("api")
            throw APIError.throttled(seconds)
        }
    }

    @Sendable func delete(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        _ = try context.requireActor()
        if let token = Self.bearer(request) { try await store.closeSession(token: token) }
        return Response(status: .noContent)
    }

    /// Signs out everywhere: every session and remember-me token of the caller's account.
    @Sendable func deleteAll(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await store.closeAllSessions(try context.requireActor())
        return Response(status: .noContent)
    }

    @Sendable func changePassword(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["current", "new"])
        try await store.changeOwnPassword(actor, currentToken: Self.bearer(request), current: try body.string("current"), new: try body.string("new"))
        return Response(status: .noContent)
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }
}
