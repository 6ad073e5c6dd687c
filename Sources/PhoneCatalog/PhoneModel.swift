import PieuvreCore

/// A phone vendor the platform renders files for.
public enum Vendor: String, Sendable, Codable, CaseIterable {
    case yealink
    case snom

    public var displayName: String {
        switch self {
        case .yealink: return "Yealink"
        case .snom: return "snom"
        }
    }
}

/// One model of the catalogue. The id is stable: it is stored with every phone and used by the API.
public struct PhoneModel: Sendable, Hashable, Codable {
    public let id: String
    public let vendor: Vendor
    /// The model's own name, as on the phone's label: "CP920", "D765".
    public let name: String
    /// How many SIP accounts the phone can carry.
    public let sipAccounts: Int
    /// Line keys (T4x desk phones, snom; the CP960's memory keys); 0 for the CP920, CP860 and
    /// the DECT base.
    public let lineKeys: Int
    /// The parameter prefix of those keys in Yealink files: `linekey`, or `memorykey` (CP960).
    public let keyParameter: String
    /// Reads remote phonebooks (Yealink's `remote_phonebook.data.N`): the seed's "Network
    /// Contacts", books "Extensions" and "Contacts".
    public let remotePhonebook: Bool
    /// Reads an LDAP directory configured in its files (`ldap.*`).
    public let ldap: Bool
    /// How the model names itself in file names: Yealink's firmware prefix (the XX of
    /// `y0000000000XX.cfg`, reference §1.1), snom's phone type (`snomD765`, §4.1).
    public let fileCode: String
    /// DECT handsets a base carries (W52P: 5); 0 for desk phones.
    public let handsets: Int
    /// Programmable soft keys of the idle screen the platform may set (0 on the CP960 and the
    /// DECT base, whose screens have none to set).
    public let softKeys: Int
    /// Has the setting that lets the power lamp blink for waiting voicemail
    /// (`phone_setting.mail_power_led_flash_enable`, written by fusion for the CP models).
    public let mailLamp: Bool
    /// The newest firmware generation the model has (the second number of `37.81.0.10`: 81).
    /// V81/V82 read the language under `static.lang.*` (wazo v81 templates); the CP860 stops at
    /// 37.81 and the W52P base at 25.81, the others run V83 or later.
    public let newestFirmware: Int
    /// Codecs the model offers, in Pieuvre's names (`sip.codecs` keeps only these).
    public let codecs: [String]

    /// What the settings catalogue reads to say which settings the model has.
    public var traits: ModelTraits {
        ModelTraits(vendor: vendor.rawValue, softKeys: softKeys, lineKeys: lineKeys, ldap: ldap)
    }

    public var displayName: String { "\(vendor.displayName) \(name)" }

    enum CodingKeys: String, CodingKey { case id, vendor, name, displayName, sipAccounts, lineKeys }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(vendor, forKey: .vendor)
        try c.encode(name, forKey: .name)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(sipAccounts, forKey: .sipAccounts)
        try c.encode(lineKeys, forKey: .lineKeys)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        vendor = try c.decode(Vendor.self, forKey: .vendor)
        name = try c.decode(String.self, forKey: .name)
        sipAccounts = try c.decode(Int.self, forKey: .sipAccounts)
        lineKeys = try c.decode(Int.self, forKey: .lineKeys)
        let known = Catalogue.model(id: id)
        remotePhonebook = known?.remotePhonebook ?? false
        ldap = known?.ldap ?? false
        fileCode = known?.fileCode ?? id
        handsets = known?.handsets ?? 0
        keyParameter = known?.keyParameter ?? "linekey"
        softKeys = known?.softKeys ?? 0
        mailLamp = known?.mailLamp ?? false
        newestFirmware = known?.newestFirmware ?? 83
        codecs = known?.codecs ?? PhoneModel.baseCodecs
    }

    /// What every model of the catalogue offers (G.711 both laws, G.722, G.729).
    public static let baseCodecs = ["PCMA", "PCMU", "G722", "G729"]

    /// Reads its language under `static.` (V81/V82 firmware).
    public var readsStaticLanguage: Bool { vendor == .yealink && newestFirmware <= 82 }

    /// A model's entry: everything the renderers and the file names need to know about it.
    public init(id: String, vendor: Vendor, name: String, fileCode: String, sipAccounts: Int, lineKeys: Int, remotePhonebook: Bool = false, ldap: Bool = false, softKeys: Int = 4, handsets: Int = 0, keyParameter: String = "linekey", mailLamp: Bool = false,
                newestFirmware: Int = 83, codecs: [String] = PhoneModel.baseCodecs) {
        precondition(lineKeys <= SettingsCatalogue.maxLineKeys, "the settings catalogue defines \(SettingsCatalogue.maxLineKeys) line keys")
        self.id = id
        self.vendor = vendor
        self.name = name
        self.fileCode = fileCode
        self.sipAccounts = sipAccounts
        self.lineKeys = lineKeys
        self.remotePhonebook = remotePhonebook
        self.ldap = ldap
        self.handsets = handsets
        self.keyParameter = keyParameter
        self.softKeys = softKeys
        self.mailLamp = mailLamp
        self.newestFirmware = newestFirmware
        self.codecs = codecs
    }
}
