import PieuvreCore

/// The models the platform supports. Account and line-key counts: reference/yealink-snom.md §1.1, §4.
///
/// Directories: every Yealink model here reads remote phonebooks (`remote_phonebook.data.N`,
/// present in public templates for the T4x, CP920/CP960/CP860 and W52P); the seed's "Network
/// Contacts" (Extensions, Contacts) are two such books. The CP860 and CP920 also get the LDAP
/// block the seed's §3.1.1 has users fill in. Opus is offered where the model's firmware has
/// it: the CP920 (V86) and CP960 (V85) [I: Yealink data sheets]; the T4xG, CP860, W52P and snom
/// D7xx get G.711, G.722 and G.729 (docs/phones.md). The snom D7xx use neither here yet (their XML
/// directory is `dkey_directory`, unverified).
public enum Catalogue {
    public static let models: [PhoneModel] = [
        PhoneModel(id: "yealink-cp920", vendor: .yealink, name: "CP920", fileCode: "78", sipAccounts: 1, lineKeys: 0, remotePhonebook: true, ldap: true, mailLamp: true,
                   newestFirmware: 86, codecs: PhoneModel.baseCodecs + ["OPUS"]),
        PhoneModel(id: "yealink-cp960", vendor: .yealink, name: "CP960", fileCode: "73", sipAccounts: 1, lineKeys: 30, remotePhonebook: true, softKeys: 0, keyParameter: "memorykey", mailLamp: true,
                   newestFirmware: 85, codecs: PhoneModel.baseCodecs + ["OPUS"]),
        PhoneModel(id: "yealink-cp860", vendor: .yealink, name: "CP860", fileCode: "37", sipAccounts: 1, lineKeys: 0, remotePhonebook: true, ldap: true, mailLamp: true, newestFirmware: 81),
        PhoneModel(id: "yealink-t41p", vendor: .yealink, name: "T41P", fileCode: "36", sipAccounts: 6, lineKeys: 15, remotePhonebook: true),
        PhoneModel(id: "yealink-t42g", vendor: .yealink, name: "T42G", fileCode: "29", sipAccounts: 12, lineKeys: 15, remotePhonebook: true),
        PhoneModel(id: "yealink-t46g", vendor: .yealink, name: "T46G", fileCode: "28", sipAccounts: 16, lineKeys: 27, remotePhonebook: true),
        PhoneModel(id: "yealink-t48g", vendor: .yealink, name: "T48G", fileCode: "35", sipAccounts: 16, lineKeys: 29, remotePhonebook: true),
        PhoneModel(id: "yealink-w52p", vendor: .yealink, name: "W52P", fileCode: "25", sipAccounts: 5, lineKeys: 0, remotePhonebook: true, softKeys: 0, handsets: 5, newestFirmware: 81),
        PhoneModel(id: "snom-d725", vendor: .snom, name: "D725", fileCode: "snom725", sipAccounts: 12, lineKeys: 18),
        PhoneModel(id: "snom-d765", vendor: .snom, name: "D765", fileCode: "snomD765", sipAccounts: 12, lineKeys: 16),
    ]

    private static let byKey: [String: PhoneModel] = {
        var map: [String: PhoneModel] = [:]
        for model in models {
            for key in [model.id, model.displayName, model.name, "\(model.vendor.rawValue) \(model.name)"] {
                map[normalise(key)] = model
            }
        }
        return map
    }()

    /// The model named by its id ("yealink-cp920") or, as people type it, its display name
    /// ("Yealink CP920", "snom D765") in any case.
    public static func model(named text: String, field: String = "model") throws(DomainError) -> PhoneModel {
        if let model = byKey[normalise(text)] { return model }
        throw .invalid(field: field, value: text, reason: Reason("unknown-model", en: "is not a model of the catalogue (\(models.map(\.id).joined(separator: ", ")))", fr: "n'est pas un modèle du catalogue (\(models.map(\.id).joined(separator: ", ")))."))
    }

    public static func model(id: String) -> PhoneModel? { byKey[normalise(id)] }

    /// The models that have a setting; nil when every model has it.
    public static func models(having definition: SettingDefinition) -> [PhoneModel]? {
        definition.scope == .everyModel ? nil : models.filter { definition.applies(to: $0.traits) }
    }

    private static func normalise(_ s: String) -> String {
        s.lowercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "_" }
    }
}
