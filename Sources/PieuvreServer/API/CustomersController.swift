import Hummingbird
import PieuvreStore

/// Customers and their departments.
struct CustomersController {
    let store: Store

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("customers", use: list)
        group.post("customers", use: create)
        group.get("customers/:reference", use: show)
        group.get("customers/:reference/departments", use: departments)
        group.post("customers/:reference/departments", use: createDepartment)
    }

    @Sendable func list(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.customers(try context.requireActor()))
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
        return try JSONResponse.make(try await store.customer(actor, reference: try context.parameters.require("reference")))
    }

    @Sendable func departments(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(try await store.departments(actor, reference: try context.parameters.require("reference")))
    }

    @Sendable func createDepartment(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["name", "parent"])
        let view = try await store.createDepartment(actor, reference: try context.parameters.require("reference"), name: try body.string("name"), parent: try body.string("parent"))
        return try JSONResponse.make(view, status: .created)
    }
}
