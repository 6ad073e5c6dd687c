/// Where a settings layer sits, from the widest to the narrowest.
public enum LayerScope: String, Sendable, Codable, CaseIterable, Comparable {
    case catalogue
    case platform
    case reseller
    case customer
    case department
    case line
    case phone

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// The layer named in a French sentence ("verrouillé au niveau du client").
    public var frenchName: String {
        switch self {
        case .catalogue: return "des valeurs par défaut"
        case .platform: return "de la plateforme"
        case .reseller: return "du revendeur"
        case .customer: return "du client"
        case .department: return "du département"
        case .line: return "de la ligne"
        case .phone: return "du téléphone"
        }
    }
    public static func < (lhs: LayerScope, rhs: LayerScope) -> Bool { lhs.rank < rhs.rank }

    /// The least role that may write this layer at all.
    public var writerRole: Role {
        switch self {
        case .catalogue, .platform: return .operator
        case .reseller: return .reseller
        case .customer, .department: return .administrator
        case .line, .phone: return .user
        }
    }
}

/// One layer's values and the keys it locks for the layers below it.
public struct SettingsLayer: Sendable, Equatable {
    public let scope: LayerScope
    /// For departments, the department's name (a chain may hold several).
    public let name: String
    public var values: [String: String]
    public var locked: Set<String>

    public init(scope: LayerScope, name: String = "", values: [String: String] = [:], locked: Set<String> = []) {
        self.scope = scope
        self.name = name
        self.values = values
        self.locked = locked
    }
}

/// A setting's value for one phone and where it comes from.
public struct EffectiveSetting: Sendable, Equatable, Codable {
    public let value: String
    public let source: LayerScope
    public let sourceName: String
    /// Locked by a layer above the one asked about: the value cannot be changed there.
    public let lockedBy: LayerScope?

    public init(value: String, source: LayerScope, sourceName: String, lockedBy: LayerScope?) {
        self.value = value
        self.source = source
        self.sourceName = sourceName
        self.lockedBy = lockedBy
    }
}

public enum EffectiveSettings {
    /// Merges the layers, widest first. A narrower layer overrides a wider one unless a wider
    /// layer locked the key: then the first locking layer's value stands (its own value, or
    /// what was in force when it locked).
    public static func compute(_ layers: [SettingsLayer], model: ModelTraits? = nil) -> [String: EffectiveSetting] {
        var result: [String: EffectiveSetting] = [:]
        for definition in SettingsCatalogue.all where model.map(definition.applies(to:)) ?? true {
            result[definition.key] = setting(definition, in: layers)
        }
        return result
    }

    /// One setting through the layers (what `compute` does for every key): for callers that
    /// need a single value and not the whole catalogue.
    public static func setting(_ definition: SettingDefinition, in layers: [SettingsLayer]) -> EffectiveSetting {
        var current = EffectiveSetting(value: definition.defaultValue, source: .catalogue, sourceName: "", lockedBy: nil)
        for layer in layers {
            if current.lockedBy != nil { break }
            let value = layer.values[definition.key]
            let locks = layer.locked.contains(definition.key)
            if let value {
                current = EffectiveSetting(value: value, source: layer.scope, sourceName: layer.name, lockedBy: locks ? layer.scope : nil)
            } else if locks {
                current = EffectiveSetting(value: current.value, source: current.source, sourceName: current.sourceName, lockedBy: layer.scope)
            }
        }
        return current
    }

    /// The keys a write to `target` may not touch because a wider layer locked them.
    public static func lockedAbove(_ target: LayerScope, targetName: String = "", in layers: [SettingsLayer]) -> [String: LayerScope] {
        var locked: [String: LayerScope] = [:]
        for layer in layers {
            if layer.scope == target && layer.name == targetName { break }
            for key in layer.locked where locked[key] == nil { locked[key] = layer.scope }
        }
        return locked
    }
}
