import FluentKit
import Foundation
import PieuvreCore

extension Store {
    /// The networks a window's first fetch must come from, for one customer (empty: anywhere).
    public func allowedNetworks(_ actor: Actor, reference: String) async throws -> [String] {
        try actor.require([.operator, .reseller, .administrator], to: "read allowed networks")
        let customer = try await visibleCustomer(actor, reference, on: db)
        return Self.networks(customer.allowedNetworks).map(\.description)
    }

    /// Replaces the customer's allowed networks; each must be a CIDR (named when it is not).
    public func setAllowedNetworks(_ actor: Actor, reference: String, _ networks: [String]) async throws -> [String] {
        try actor.require([.operator, .reseller, .administrator], to: "change allowed networks")
        let customer = try await visibleCustomer(actor, reference, on: db)
        guard networks.count <= 100 else { throw DomainError.invalid(field: "allowedNetworks", value: String(networks.count), reason: Reason("too-many-networks", en: "is more than 100 networks", fr: "dépasse 100 réseaux.")) }
        let parsed = try networks.enumerated().map { index, text throws(DomainError) -> CIDR in
            guard let cidr = CIDR(text) else {
                throw DomainError.invalid(field: "allowedNetworks[\(index)]", value: text, reason: Reason("bad-network", en: "is not a network like 192.0.2.0/24", fr: "n'est pas un réseau comme 192.0.2.0/24."))
            }
            return cidr
        }
        let before = Self.networks(customer.allowedNetworks).map(\.description)
        customer.allowedNetworks = parsed.isEmpty ? nil : parsed.map(\.description).joined(separator: ",")
        let after = parsed.map(\.description)
        try await transaction(changes: [.customer(customer.id!)]) { db in
            try await customer.save(on: db)
            try await audit(db, actor, "customer.networks", "customer", reference, before: before, after: after)
        }
        return after
    }

    static func networks(_ stored: String?) -> [CIDR] {
        (stored ?? "").split(separator: ",").compactMap { CIDR(String($0)) }
    }
}
