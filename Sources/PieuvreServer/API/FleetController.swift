import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// The operator's console in JSON: `GET /api/v1/fleet` (phones by state, model and firmware,
/// requests per hour, alerts to see), `GET /api/v1/fleet/stuck` (phones support must act on),
/// `POST /api/v1/alerts/{id}/acknowledge`.
struct FleetController {
    let store: Store
    /// Flushed before a read: the states and counts include the requests of the last quarter second.
    let journal: ProvisioningJournal

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("fleet", use: fleet)
        group.get("fleet/stuck", use: stuck)
        group.get("fleet/unknown", use: unknown)
        group.post("alerts/:id/acknowledge", use: acknowledge)
    }

    /// `?reseller=<login>` (operator) and `?customer=<reference>` narrow the caller's fleet.
    static func scope(_ request: Request) throws -> FleetScope {
        FleetScope(reseller: try ListQuery.text(request, "reseller").flatMap { $0.isEmpty ? nil : $0 },
                   customer: try ListQuery.text(request, "customer").flatMap { $0.isEmpty ? nil : $0 })
    }

    @Sendable func fleet(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        await journal.flush()
        return try JSONResponse.make(try await store.fleet(actor, try Self.scope(request)))
    }

    @Sendable func stuck(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        await journal.flush()
        return try JSONResponse.make(try await store.stuckPhones(actor, try Self.scope(request), try ListQuery.read(request)))
    }

    @Sendable func unknown(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        await journal.flush()
        return try JSONResponse.make(try await store.unknownMACs(actor, try Self.scope(request), try ListQuery.read(request)))
    }

    @Sendable func acknowledge(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.acknowledgeAlert(try context.requireActor(), id: try context.parameters.text("id")))
    }
}
