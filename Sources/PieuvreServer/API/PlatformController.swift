import Foundation
import Hummingbird
import PhoneCatalog
import PieuvreStore

/// `GET /api/v1/models`, `GET /api/v1/audit` and `GET /api/v1/openapi.yaml`.
struct PlatformController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("models", use: models)
        group.get("audit", use: audit)
        group.get("alerts", use: alerts)
        group.get("openapi.yaml", use: openAPI)
    }

    @Sendable func models(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        _ = try context.requireActor()
        return try JSONResponse.make(Catalogue.models)
    }

    /// Security alerts: MAC scanners blocked, unexpected first fetches (operator: all; reseller:
    /// those touching its customers).
    @Sendable func alerts(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 100
        return try JSONResponse.make(try await store.alerts(actor, limit: limit))
    }

    @Sendable func audit(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let limit = request.uri.queryParameters.get("limit", as: Int.self) ?? 100
        return try JSONResponse.make(try await store.auditLog(actor, limit: limit))
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
