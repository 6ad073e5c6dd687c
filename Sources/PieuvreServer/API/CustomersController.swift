import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// Customers and their departments.
struct CustomersController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("customers", use: list)
        group.post("customers", use: create)
        group.get("customers/:reference", use: show)
        group.get("customers/:reference/departments", use: departments)
        group.get("customers/:reference/allowed-networks", use: allowedNetworks)
        group.put("customers/:reference/allowed-networks", use: setAllowedNetworks)
        group.post("customers/:reference/departments", use: createDepartment)
    }

    @Sendable func list(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.customers(try context.requireActor(), try ListQuery.read(request)))
    }

    @Sendable func create(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["companyName", "siret", "address", "postalCode", "city", "reference"])
        let input = NewCustomer(
            companyName: try body.string("companyName"), siret: try body.string("siret"),
            address: try body.string("address"), postalCode: try body.string("postalCode"),
            city: try body.string("city"), reference: try body.string("reference"))
        return try JSONResponse.make(try await store.createCustomer(actor, input), status: .created)
    }

    @Sendable func show(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.customer(actor, reference: try context.parameters.text("reference")))
    }

    /// The networks a window's first fetch must come from: a bare JSON array of CIDRs.
    @Sendable func allowedNetworks(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.allowedNetworks(try context.requireActor(), reference: try context.parameters.text("reference")))
    }

    @Sendable func setAllowedNetworks(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard case let .array(items)? = JSONValue.parse(Data(buffer: buffer)) else {
            throw APIError(.badRequest, "the body must be a JSON array of networks, e.g. [\"192.0.2.0/24\"]")
        }
        let networks = try items.enumerated().map { index, item -> String in
            guard case let .string(text) = item else { throw APIError(.badRequest, "allowedNetworks[\(index)] must be a string, not \(item.typeName)") }
            return text
        }
        return try JSONResponse.make(try await store.setAllowedNetworks(actor, reference: try context.parameters.text("reference"), networks))
    }

    @Sendable func departments(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.departments(actor, reference: try context.parameters.text("reference"), try ListQuery.read(request)))
    }

    @Sendable func createDepartment(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["name", "parent"])
        let view = try await store.createDepartment(actor, reference: try context.parameters.text("reference"), name: try body.string("name"), parent: try body.string("parent"))
        return try JSONResponse.make(view, status: .created)
    }
}
