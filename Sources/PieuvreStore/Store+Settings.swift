import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore

/// Which settings layer an API call reads or writes.
public enum LayerTarget: Sendable {
    case platform
    /// The calling reseller's own layer.
    case reseller
    case customer(reference: String)
    case department(reference: String, name: String)
    case line(sda: String)
    case phone(mac: String)
}

/// A layer as the API shows it, with what is locked above it and, for a line or a phone,
/// the effective value of every setting and where it comes from.
public struct LayerView: Codable, Sendable {
    public let scope: LayerScope
    public let name: String
    public let values: [String: String]
    public let locked: [String]
    public let lockedAbove: [String: LayerScope]
    public let effective: [String: EffectiveSetting]?
}

extension Store {
    public static let maskedSecret = "********"

    public func settingsLayer(_ actor: Actor, _ target: LayerTarget) async throws -> LayerView {
        let resolved = try await resolve(actor, target)
        return view(resolved)
    }

    /// Replaces the settings of a layer that the caller may edit; settings above the caller's
    /// role stay as they are. Refuses unknown keys, invalid values, keys above the caller's role
    /// and keys a wider layer locked, naming each.
    public func replaceSettingsLayer(_ actor: Actor, _ target: LayerTarget, values: [String: String], locked: [String]) async throws -> LayerView {
        let resolved = try await resolve(actor, target)
        guard actor.role >= resolved.scope.writerRole else {
            throw DomainError.forbidden(Reason("settings-layer-forbidden", en: "a \(actor.role.rawValue) may not change the \(resolved.scope.rawValue) settings", fr: "Votre rôle ne permet pas de modifier les paramètres au niveau \(resolved.scope.frenchName)."))
        }
        let above = EffectiveSettings.lockedAbove(resolved.scope, targetName: resolved.name, in: resolved.chain)
        let current = resolved.chain.last!
        var newValues: [String: String] = [:]
        for (key, raw) in values {
            let definition = try editable(key, actor: actor, above: above)
            if definition.isSecret && raw == Self.maskedSecret {
                // The API shows secrets masked; sending the mask back keeps the stored value.
                if let kept = current.values[key] { newValues[key] = kept }
                continue
            }
            newValues[key] = try definition.validate(raw)
        }
        // A key's value must suit its type (a speed dial or BLF takes a number), whether the
        // type is set here or comes from a wider layer.
        for (key, value) in newValues where key.hasPrefix("keys.") && key.hasSuffix(".value") && !value.isEmpty {
            let typeKey = String(key.dropLast("value".count)) + "type"
            let type = newValues[typeKey] ?? resolved.chain.dropLast().reversed().lazy.compactMap { $0.values[typeKey] }.first
                ?? SettingsCatalogue.definition(typeKey)?.defaultValue ?? ""
            newValues[key] = try KeyValue.validate(type: type, value: value, field: key)
        }
        if actor.role == .user && !locked.isEmpty {
            throw DomainError.forbidden(Reason("lock-forbidden", en: "a user may not lock settings", fr: "Un utilisateur ne peut pas verrouiller de paramètre."))
        }
        for key in locked { _ = try editable(key, actor: actor, above: above) }
        let lockedSet = Set(locked)
        let owner = resolved.owner
        let scope = resolved.scope
        let before = view(resolved)
        let finalValues = newValues
        var shown = newValues
        for key in shown.keys where SettingsCatalogue.definition(key)?.isSecret == true { shown[key] = Self.maskedSecret }
        let after = shown
        try await transaction(changes: [resolved.stale]) { db in
            let rows = try await SettingValue.query(on: db).filter(\.$scope == scope.rawValue).filter(\.$ownerID == owner).all()
            for row in rows {
                // What the caller may not edit is not theirs to remove.
                guard let definition = SettingsCatalogue.definition(row.key), actor.role >= definition.editRole else { continue }
                try await row.delete(on: db)
            }
            for key in Set(finalValues.keys).union(lockedSet) {
                let row = SettingValue()
                row.scope = scope.rawValue
                row.ownerID = owner
                row.key = key
                // Secret settings (a CommPortal or LDAP password) are sealed like other secrets.
                row.value = finalValues[key].map { SettingsCatalogue.definition(key)?.isSecret == true ? self.secrets.seal($0) : $0 }
                row.locked = lockedSet.contains(key)
                try await row.create(on: db)
            }
            try await audit(db, actor, "settings.replace", "settings", "\(scope.rawValue) \(resolved.name)", before: before.values, after: after)
        }
        return try await settingsLayer(actor, target)
    }

    private func editable(_ key: String, actor: Actor, above: [String: LayerScope]) throws -> SettingDefinition {
        guard let definition = SettingsCatalogue.definition(key) else {
            throw DomainError.invalid(field: "settings", value: key, reason: Reason("unknown-setting", en: "is not a setting of the catalogue", fr: "n'est pas un paramètre du catalogue."))
        }
        guard actor.role >= definition.editRole else {
            throw DomainError.forbidden(Reason("setting-admin-only", en: "setting \(key) may be changed by an \(definition.editRole.rawValue) or above, not a \(actor.role.rawValue)", fr: "Votre rôle ne permet pas de modifier le paramètre \(key)."))
        }
        if let lockedBy = above[key] {
            throw DomainError.forbidden(Reason("setting-locked", en: "setting \(key) is locked by the \(lockedBy.rawValue) settings", fr: "Le paramètre \(key) est verrouillé au niveau \(lockedBy.frenchName)."))
        }
        return definition
    }

    private struct ResolvedLayer {
        let scope: LayerScope
        let owner: UUID
        let name: String
        /// The layers from the platform down to this one, this one last.
        let chain: [SettingsLayer]
        let model: String?
        /// The phones a change of this layer reaches, in the caches' terms.
        let stale: CacheChange
    }

    private func view(_ r: ResolvedLayer) -> LayerView {
        let layer = r.chain.last!
        var values = layer.values
        for (key, _) in values where SettingsCatalogue.definition(key)?.isSecret == true { values[key] = Self.maskedSecret }
        // What a phone under this layer gets, and from where (the model narrows it for a phone).
        let effective: [String: EffectiveSetting]? = r.scope == .platform ? nil : EffectiveSettings.compute(r.chain, model: r.model.flatMap(Catalogue.model(id:))?.traits)
        return LayerView(
            scope: r.scope, name: r.name, values: values, locked: layer.locked.sorted(),
            lockedAbove: EffectiveSettings.lockedAbove(r.scope, targetName: r.name, in: r.chain),
            effective: effective.map { all in
                all.reduce(into: [:]) { out, pair in
                    let secret = SettingsCatalogue.definition(pair.key)?.isSecret == true && !pair.value.value.isEmpty
                    out[pair.key] = secret ? EffectiveSetting(value: Self.maskedSecret, source: pair.value.source, sourceName: pair.value.sourceName, lockedBy: pair.value.lockedBy) : pair.value
                }
            })
    }

    private func resolve(_ actor: Actor, _ target: LayerTarget) async throws -> ResolvedLayer {
        let db = try self.db
        var owners: [(LayerScope, UUID, String)] = [(.platform, Self.platformOwner, "")]
        var model: String?
        switch target {
        case .platform:
            try actor.require([.operator], to: "read the platform settings")
        case .reseller:
            try actor.require([.reseller], to: "read reseller settings")
            owners.append((.reseller, actor.resellerID!, actor.login))
        case let .customer(reference):
            try actor.require([.operator, .reseller, .administrator], to: "read customer settings")
            let customer = try await visibleCustomer(actor, reference, on: db)
            owners += [(.reseller, customer.$reseller.id, ""), (.customer, customer.id!, reference)]
        case let .department(reference, name):
            try actor.require([.operator, .reseller, .administrator], to: "read department settings")
            let customer = try await visibleCustomer(actor, reference, on: db)
            let department = try await self.department(named: name, customerID: customer.id!, on: db)
            owners += [(.reseller, customer.$reseller.id, ""), (.customer, customer.id!, reference)]
            owners += try await departmentChain(department.id, on: db).map { (.department, $0.id!, $0.name) }
        case let .line(sda):
            let line = try await visibleLine(actor, sda, on: db)
            owners += [(.reseller, line.customer.$reseller.id, ""), (.customer, line.$customer.id, line.customer.reference)]
            owners += try await departmentChain(line.$department.id, on: db).map { (.department, $0.id!, $0.name) }
            owners.append((.line, line.id!, line.sda))
        case let .phone(mac):
            // A line's user reads the phones on their own line (visiblePhone says which).
            let phone = try await visiblePhone(actor, mac, on: db)
            let line = phone.$line.value ?? nil
            owners += [(.reseller, phone.customer.$reseller.id, ""), (.customer, phone.$customer.id, phone.customer.reference)]
            owners += try await departmentChain(phone.$department.id ?? line?.$department.id, on: db).map { (.department, $0.id!, $0.name) }
            if let line { owners.append((.line, line.id!, line.sda)) }
            owners.append((.phone, phone.id!, phone.displayMAC))
            model = phone.model
        }
        let chain = try await layers(owners, on: db)
        let last = owners.last!
        let stale: CacheChange = switch last.0 {
        case .catalogue, .platform, .reseller: .everything
        case .customer, .department: owners.first(where: { $0.0 == .customer }).map { .customer($0.1) } ?? .everything
        case .line: .line(last.1)
        case .phone: (try? MACAddress(parsing: last.2)).map(CacheChange.phone) ?? .everything
        }
        return ResolvedLayer(scope: last.0, owner: last.1, name: last.2, chain: chain, model: model, stale: stale)
    }
}
