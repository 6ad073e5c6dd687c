import Foundation
import Hummingbird
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// `GET /api/v1/models`, `GET /api/v1/audit` and `GET /api/v1/openapi.yaml`.
struct PlatformController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("models", use: models)
        group.get("audit", use: audit)
        group.get("alerts", use: alerts)
        group.get("openapi.yaml", use: openAPI)
        group.get("integration-keys", use: integrationKeys)
        group.post("integration-keys", use: createIntegrationKey)
        group.delete("integration-keys/:name", use: deleteIntegrationKey)
    }

    @Sendable func integrationKeys(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(["items": try await store.integrationKeys(try context.requireActor())])
    }

    /// `{"name"}` → 201 `{"name", "scope", "createdAt", "token"}`: the token is shown this once.
    @Sendable func createIntegrationKey(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["name"])
        guard let name = try body.string("name") else { throw DomainError.missing(field: "name") }
        let (key, token) = try await store.createIntegrationKey(actor, name: name)
        struct Created: Encodable { let name: String; let scope: String; let createdAt: Date; let token: String }
        return try JSONResponse.make(Created(name: key.name, scope: key.scope, createdAt: key.createdAt, token: token), status: .created)
    }

    @Sendable func deleteIntegrationKey(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await store.deleteIntegrationKey(try context.requireActor(), name: try context.parameters.text("name"))
        return Response(status: .noContent)
    }

    @Sendable func models(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        _ = try context.requireActor()
        return try JSONResponse.make(Catalogue.models)
    }

    /// Security alerts: MAC scanners blocked, unexpected first fetches (operator: all; reseller:
    /// those touching its customers).
    @Sendable func alerts(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.alerts(actor, try ListQuery.read(request)))
    }

    @Sendable func audit(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.auditLog(actor, try ListQuery.read(request)))
    }

    static let openAPIDocument: ByteBuffer = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let data = try? Data(contentsOf: url) else { return ByteBuffer(string: "openapi: 3.1.0\n") }
        return ByteBuffer(bytes: data)
    }()

    @Sendable func openAPI(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/yaml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: Self.openAPIDocument))
    }
}
