import PieuvreCore

/// How each model names itself: the Yealink common-file code, the User-Agent token and the
/// snom file prefix (reference/yealink-snom.md §1.1, §4.1).
extension PhoneModel {
    /// The XX of Yealink's `y0000000000XX.cfg`, the model's firmware prefix.
    public var yealinkCode: String? { vendor == .yealink ? fileCode : nil }

    /// snom's phone type in file names and User-Agents: `snom725`, `snomD765`.
    public var snomType: String? { vendor == .snom ? fileCode : nil }

    /// The common file's name for this model.
    public var commonFileName: String {
        // Twelve digits after the `y`: `y000000000028.cfg` (T46G), `y000000000108.cfg` (T46U).
        if let code = yealinkCode { return "y" + String(repeating: "0", count: max(0, 12 - code.count)) + code + ".cfg" }
        return "\(snomType ?? id).htm"
    }

    /// The device file's name for a phone of this model.
    public func deviceFileName(_ mac: MACAddress) -> String {
        if vendor == .snom { return "\(snomType ?? id)-\(mac.hex.uppercased()).htm" }
        return "\(mac.hex).cfg"
    }
}

extension Catalogue {
    private static let byYealinkCommonFile: [String: PhoneModel] = Dictionary(
        models.filter { $0.vendor == .yealink }.map { ($0.commonFileName.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })

    /// The Yealink model whose common file this is (`y000000000028.cfg`: the T46G).
    public static func model(yealinkCommonFile name: String) -> PhoneModel? { byYealinkCommonFile[name.lowercased()] }

    /// The model a User-Agent names: `T46G`, `CP920` (Yealink) or `725`, `D765` (snom).
    public static func model(vendor: Vendor, token: String) -> PhoneModel? {
        let t = token.uppercased()
        switch vendor {
        case .yealink: return models.first { $0.vendor == .yealink && $0.name == t }
        case .snom: return models.first { $0.vendor == .snom && ($0.name == t || $0.name == "D" + t) }
        }
    }
}
