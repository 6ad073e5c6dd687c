import FluentKit
import Foundation
import PieuvreCore

extension Store {
    public func customer(_ actor: Actor, reference: String) async throws -> CustomerSheet {
        Self.sheet(try await visibleCustomer(actor, reference, on: db))
    }

    /// Creates a customer for the calling reseller. Without a reference, the next free number
    /// from 10000 up (the seed's first customer is 10000).
    public func createCustomer(_ actor: Actor, _ input: NewCustomer, createdAt: Date? = nil) async throws -> CustomerSheet {
        try actor.require([.reseller], to: "create customers")
        let customer = Customer()
        customer.companyName = try FieldRules.text(input.companyName, field: "companyName")
        customer.siret = try SIRET(parsing: input.siret ?? "").digits
        customer.address = try FieldRules.text(input.address, field: "address")
        customer.postalCode = try FieldRules.postalCode(input.postalCode)
        customer.city = try FieldRules.text(input.city, field: "city", max: 100)
        customer.$reseller.id = actor.resellerID!
        customer.active = true
        customer.createdAt = createdAt ?? clock.now
        let given = try input.reference.map { r throws(DomainError) in try FieldRules.reference(r) }
        // Two resellers creating at once may draw the same next number: the unique index refuses
        // one, which then draws again.
        for attempt in 0..<5 {
            customer.id = nil
            if let given { customer.reference = given } else { customer.reference = try await nextReference() }
            do {
                // A new customer has no phone yet: nothing cached is stale.
                return try await transaction(duplicate: ("reference", customer.reference), changes: []) { db in
                    try await customer.create(on: db)
                    guard let reseller = try await Reseller.find(customer.$reseller.id, on: db) else {
                        throw DomainError.notFound(what: "reseller", key: actor.login)
                    }
                    customer.$reseller.value = reseller
                    let sheet = Self.sheet(customer)
                    try await audit(db, actor, "customer.create", "customer", sheet.reference, before: Optional<CustomerSheet>.none, after: sheet)
                    return sheet
                }
            } catch DomainError.duplicate where given == nil && attempt < 4 {
                continue
            }
        }
        throw DomainError.unprocessable(Reason("no-free-reference", en: "could not draw a free customer reference", fr: "Aucune référence client libre n'a pu être tirée : réessayez."))
    }

    private func nextReference() async throws -> String {
        let references = try await Customer.query(on: db).all(\.$reference)
        let highest = references.compactMap { Int($0) }.max() ?? 9999
        return String(max(highest + 1, 10000))
    }

    static func sheet(_ c: Customer) -> CustomerSheet {
        CustomerSheet(reference: c.reference, companyName: c.companyName, siret: c.siret, address: c.address, postalCode: c.postalCode, city: c.city, reseller: c.reseller.name, active: c.active, createdAt: c.createdAt)
    }

    // MARK: departments

    /// Renames a department; its lines, phones and sub-departments follow (they point at it).
    public func renameDepartment(_ actor: Actor, reference: String, name: String, to newName: String?) async throws -> DepartmentView {
        try actor.require([.operator, .reseller, .administrator], to: "rename departments")
        let customer = try await visibleCustomer(actor, reference, on: db)
        let department = try await self.department(named: name, customerID: customer.id!, on: db)
        let renamed = try FieldRules.text(newName, field: "name", max: 100)
        let parent = try await department.$parent.get(on: db)?.name
        let before = DepartmentView(name: name, parent: parent)
        let after = DepartmentView(name: renamed, parent: parent)
        department.name = renamed
        return try await transaction(duplicate: ("department", renamed), changes: [.customer(customer.id!)]) { db in
            try await department.save(on: db)
            try await audit(db, actor, "department.rename", "department", "\(reference)/\(renamed)", before: before, after: after)
            return after
        }
    }

    public func createDepartment(_ actor: Actor, reference: String, name: String?, parent: String?) async throws -> DepartmentView {
        try actor.require([.operator, .reseller, .administrator], to: "create departments")
        let customer = try await visibleCustomer(actor, reference, on: db)
        let name = try FieldRules.text(name, field: "name", max: 100)
        let department = Department()
        department.name = name
        department.$customer.id = customer.id!
        department.createdAt = clock.now
        if let parent {
            department.$parent.id = try await self.department(named: parent, customerID: customer.id!, on: db).id
        }
        let view = DepartmentView(name: name, parent: parent)
        return try await transaction(duplicate: ("department", name), changes: []) { db in
            try await department.create(on: db)
            try await audit(db, actor, "department.create", "department", "\(reference)/\(name)", before: Optional<DepartmentView>.none, after: view)
            return view
        }
    }
}
