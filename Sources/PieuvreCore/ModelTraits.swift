/// What the settings catalogue needs to know of a phone model to say whether the model has a
/// setting. The phone catalogue fills it from its one entry per model (`PhoneModel.traits`), so
/// a model added there gets its settings here with no list of ids to keep in step.
public struct ModelTraits: Sendable, Hashable {
    /// The vendor's lower-case name: "yealink", "snom".
    public var vendor: String
    /// Programmable soft keys of the idle screen (0: none the platform sets).
    public var softKeys: Int
    /// Line keys (or the CP960's memory keys).
    public var lineKeys: Int
    /// Reads an LDAP directory from its files.
    public var ldap: Bool

    public init(vendor: String, softKeys: Int, lineKeys: Int, ldap: Bool) {
        self.vendor = vendor
        self.softKeys = softKeys
        self.lineKeys = lineKeys
        self.ldap = ldap
    }
}

/// Which models have a setting, in terms of their traits.
public enum ModelScope: Sendable, Equatable {
    case everyModel
    case vendor(String)
    /// Models with at least this many soft keys.
    case softKeys(atLeast: Int)
    /// Models with at least this many line keys.
    case lineKeys(atLeast: Int)
    case ldap

    public func includes(_ model: ModelTraits) -> Bool {
        switch self {
        case .everyModel: return true
        case let .vendor(name): return model.vendor == name
        case let .softKeys(n): return model.softKeys >= n
        case let .lineKeys(n): return model.lineKeys >= n
        case .ldap: return model.ldap
        }
    }
}
