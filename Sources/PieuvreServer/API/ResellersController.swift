import Hummingbird
import PieuvreStore

/// `POST /api/v1/resellers`: the operator creates a reseller and its login.
struct ResellersController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.post("resellers", use: create)
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["name", "login", "password"])
        let view = try await store.createReseller(actor, name: body.string("name"), login: body.string("login"), password: body.string("password"))
        return try JSONResponse.make(view, status: .created)
    }
}
