import Hummingbird
import PieuvreStore

/// `POST /api/v1/sessions`: a login and password for a bearer token.
struct SessionsController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.post("sessions", use: create)
        group.delete("sessions/current", use: delete)
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let body = try await JSONBody.read(request, context: context, allowed: ["login", "password"])
        guard let login = try body.string("login"), !login.isEmpty else { throw APIError(.unprocessableContent, "login is required") }
        guard let password = try body.string("password"), !password.isEmpty else { throw APIError(.unprocessableContent, "password is required") }
        guard let grant = try await store.openSession(login: login, password: password) else {
            throw APIError(.unauthorized, "login or password is wrong")
        }
        return try JSONResponse.make(grant, status: .created)
    }

    @Sendable func delete(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        _ = try context.requireActor()
        if let header = request.headers[.authorization], let token = header.split(separator: " ").last {
            try await store.closeSession(token: String(token))
        }
        return Response(status: .noContent)
    }
}
