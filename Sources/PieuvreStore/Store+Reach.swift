import FluentKit
import Foundation
import PieuvreCore
import SQLKit

extension Store {
    /// The numbers of the lines whose phones a change of this settings layer reaches (their
    /// effective configuration may have moved): what check-sync tells. The platform and reseller
    /// layers reach every phone they hold and are left to the phones' periodic checks (a storm
    /// of NOTIFYs over a whole platform would be worse than the wait).
    public func numbersReached(by target: LayerTarget) async throws -> Set<String> {
        let sql = try storage.sql
        var query: SQLQueryString
        switch target {
        case .platform, .reseller:
            return []
        case let .customer(reference):
            guard let customer = try await Customer.query(on: db).filter(\.$reference == reference).first() else { return [] }
            query = "SELECT DISTINCT l.sda AS sda FROM phones p JOIN lines l ON l.id = p.line_id WHERE p.customer_id = \(bind: customer.id!)"
        case let .department(reference, name):
            guard let customer = try await Customer.query(on: db).filter(\.$reference == reference).first() else { return [] }
            let departments = try await Department.query(on: db).filter(\.$customer.$id == customer.id!).all()
            guard let root = departments.first(where: { $0.name == name }) else { return [] }
            // The department and every department under it.
            var subtree: Set<UUID> = [root.id!]
            var grew = true
            while grew {
                grew = false
                for d in departments where d.$parent.id.map(subtree.contains) == true && !subtree.contains(d.id!) {
                    subtree.insert(d.id!)
                    grew = true
                }
            }
            let rows = try await sql.raw("""
                SELECT DISTINCT l.sda AS sda, p.department_id AS pd, l.department_id AS ld FROM phones p JOIN lines l ON l.id = p.line_id
                WHERE p.customer_id = \(bind: customer.id!)
                """).all()
            var numbers: Set<String> = []
            for row in rows {
                let phoneDepartment = try row.decodeNil(column: "pd") ? nil : try row.decode(column: "pd", as: UUID.self)
                let lineDepartment = try row.decodeNil(column: "ld") ? nil : try row.decode(column: "ld", as: UUID.self)
                if let department = phoneDepartment ?? lineDepartment, subtree.contains(department) {
                    numbers.insert(try row.decode(column: "sda", as: String.self))
                }
            }
            return numbers
        case let .line(sda):
            let number = (try? DirectNumber(parsing: sda).digits) ?? sda
            query = "SELECT DISTINCT l.sda AS sda FROM phones p JOIN lines l ON l.id = p.line_id WHERE l.sda = \(bind: number)"
        case let .phone(mac):
            guard let parsed = try? MACAddress(parsing: mac) else { return [] }
            query = "SELECT l.sda AS sda FROM phones p JOIN lines l ON l.id = p.line_id WHERE p.mac = \(bind: parsed.hex)"
        }
        return Set(try await sql.raw(query).all().map { try $0.decode(column: "sda", as: String.self) })
    }
}

/// A phone a SIP message concerns, for its provisioning log.
public struct PhoneOnLine: Sendable, Equatable {
    public let phoneID: UUID
    public let customerID: UUID
    public let mac: MACAddress
}

extension Store {
    /// The phones on a number (a line has a handful; at most 50 are named).
    public func phones(onNumber sda: String) async throws -> [PhoneOnLine] {
        try await storage.sql.raw("""
            SELECT p.id AS id, p.customer_id AS customer, p.mac AS mac FROM phones p JOIN lines l ON l.id = p.line_id
            WHERE l.sda = \(bind: sda) ORDER BY p.mac LIMIT 50
            """).all().compactMap { row in
            guard let mac = try? MACAddress(parsing: try row.decode(column: "mac", as: String.self)) else { return nil }
            return PhoneOnLine(phoneID: try row.decode(column: "id", as: UUID.self), customerID: try row.decode(column: "customer", as: UUID.self), mac: mac)
        }
    }
}
