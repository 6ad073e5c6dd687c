import FluentKit
import Foundation
import PieuvreCore

extension Store {
    public func line(_ actor: Actor, sda: String) async throws -> LineView {
        let line = try await visibleLine(actor, sda, on: db)
        return Self.view(line, customer: line.customer.reference)
    }

    public func createLine(_ actor: Actor, reference: String, _ input: NewLine) async throws -> LineView {
        try actor.require([.operator, .reseller, .administrator], to: "create lines")
        let customer = try await visibleCustomer(actor, reference, on: db)
        if input.internationalRestriction != nil { try Self.requireTollFraudRole(actor, field: "internationalRestriction") }
        if input.sipPassword != nil { try Self.requireTollFraudRole(actor, field: "sipPassword") }
        let sda = try DirectNumber(parsing: input.sda ?? "")
        let line = Line()
        line.sda = sda.digits
        line.name = try FieldRules.text(input.name, field: "name")
        line.licence = try input.licence.map { l throws(DomainError) in try FieldRules.optionalText(l, field: "licence") }
        line.$customer.id = customer.id!
        line.$customer.value = customer
        if let name = input.department {
            let department = try await department(named: name, customerID: customer.id!, on: db)
            line.$department.id = department.id
            line.$department.value = department
        } else {
            line.$department.value = .some(nil)
        }
        line.locked = input.locked ?? false
        line.presentedNumber = try DirectNumber(parsing: input.presentedNumber ?? sda.digits, field: "presentedNumber").digits
        line.internationalRestriction = try InternationalRestriction(parsing: input.internationalRestriction ?? InternationalRestriction.default.rawValue).rawValue
        line.administrator = input.administrator ?? false
        if let password = input.portalPassword {
            line.portalPasswordHash = try await Secrets.hashPassword(try FieldRules.password(password, field: "portalPassword"), cost: passwordCost)
        }
        line.sipAuthName = try input.sipAuthName.map { s throws(DomainError) in try FieldRules.text(s, field: "sipAuthName", max: 64) } ?? sda.digits
        line.sipPassword = secrets.seal(try input.sipPassword.map { p throws(DomainError) in try FieldRules.password(p, field: "sipPassword") } ?? Secrets.password())
        line.createdAt = clock.now
        let view = Self.view(line, customer: customer.reference)
        // A new line has no phone yet: nothing cached is stale.
        return try await transaction(duplicate: ("sda", sda.digits), changes: []) { db in
            try await line.create(on: db)
            try await audit(db, actor, "line.create", "line", sda.digits, before: Optional<LineView>.none, after: view)
            return view
        }
    }

    public func updateLine(_ actor: Actor, sda: String, _ patch: LinePatch) async throws -> LineView {
        try actor.require([.operator, .reseller, .administrator], to: "change lines")
        let line = try await visibleLine(actor, sda, on: db)
        if case .set = patch.internationalRestriction { try Self.requireTollFraudRole(actor, field: "internationalRestriction") }
        if case .set = patch.sipPassword { try Self.requireTollFraudRole(actor, field: "sipPassword") }
        let reference = line.customer.reference
        let before = Self.view(line, customer: reference)
        if case let .set(name) = patch.name { line.name = try FieldRules.text(name, field: "name") }
        if case let .set(licence) = patch.licence { line.licence = try licence.map { l throws(DomainError) in try FieldRules.optionalText(l, field: "licence") } }
        if case let .set(name) = patch.department {
            if let name {
                let department = try await department(named: name, customerID: line.$customer.id, on: db)
                line.$department.id = department.id
                line.$department.value = department
            } else {
                line.$department.id = nil
                line.$department.value = .some(nil)
            }
        }
        if case let .set(locked) = patch.locked { line.locked = locked }
        if case let .set(number) = patch.presentedNumber { line.presentedNumber = try DirectNumber(parsing: number, field: "presentedNumber").digits }
        if case let .set(restriction) = patch.internationalRestriction { line.internationalRestriction = try InternationalRestriction(parsing: restriction).rawValue }
        if case let .set(administrator) = patch.administrator { line.administrator = administrator }
        if case let .set(password) = patch.portalPassword {
            line.portalPasswordHash = try await password.asyncMap { p in
                try await Secrets.hashPassword(try FieldRules.password(p, field: "portalPassword"), cost: passwordCost)
            }
        }
        if case let .set(password) = patch.sipPassword {
            line.sipPassword = secrets.seal(try password.map { p throws(DomainError) in try FieldRules.password(p, field: "sipPassword") } ?? Secrets.password())
        }
        let after = Self.view(line, customer: reference)
        var passwordReset = false
        if case .set = patch.portalPassword { passwordReset = true }
        let resetting = passwordReset
        try await transaction(changes: [.line(line.id!)]) { db in
            try await line.save(on: db)
            // A reset signs the line's user out everywhere, remember-me tokens included.
            if resetting { try await APISession.query(on: db).filter(\.$line.$id == line.id!).delete() }
            try await audit(db, actor, "line.update", "line", line.sda, before: before, after: after)
        }
        return after
    }

    /// Deletes a line. Its phones stay with the customer, unassigned, so they can be given
    /// to another line without registering them again.
    public func deleteLine(_ actor: Actor, sda: String) async throws {
        try actor.require([.operator, .reseller, .administrator], to: "delete lines")
        let line = try await visibleLine(actor, sda, on: db)
        let before = Self.view(line, customer: line.customer.reference)
        try await transaction(changes: [.line(line.id!)]) { db in
            try await Phone.query(on: db).filter(\.$line.$id == line.id!).set(\.$line.$id, to: nil).update()
            // The line's personal contacts go with it; the audit says how many.
            let contacts = try await Contact.query(on: db).filter(\.$line.$id == line.id!).count()
            try await Contact.query(on: db).filter(\.$line.$id == line.id!).delete()
            try await line.delete(on: db)
            try await audit(db, actor, "line.delete", "line", line.sda, before: before, after: Optional<LineView>.none)
            if contacts > 0 {
                try await audit(db, actor, "contact.delete", "line", line.sda, before: ["count": contacts], after: Optional<String>.none)
            }
        }
    }

    /// Call barring and SIP passwords open the way to toll fraud: resellers and the operator
    /// hold them; a customer administrator reads them.
    static func requireTollFraudRole(_ actor: Actor, field: String) throws {
        guard actor.role >= .reseller else {
            throw DomainError.forbidden(Reason("reseller-only", en: "\(field) may be changed by a reseller or the operator, not a \(actor.role.rawValue)", fr: "Seuls le revendeur et l'opérateur peuvent modifier ce champ (\(field))."))
        }
    }

    static func view(_ line: Line, customer reference: String) -> LineView {
        LineView(
            sda: line.sda, name: line.name, customer: reference, licence: line.licence,
            department: line.$department.value??.name, locked: line.locked,
            presentedNumber: line.presentedNumber, internationalRestriction: line.internationalRestriction,
            administrator: line.administrator, sipAuthName: line.sipAuthName,
            hasPortalPassword: line.portalPasswordHash != nil, createdAt: line.createdAt)
    }
}

extension Optional {
    func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async throws -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
