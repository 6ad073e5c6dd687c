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
        if let code = yealinkCode { return "y0000000000\(code).cfg" }
        return "\(snomType ?? id).htm"
    }

    /// The device file's name for a phone of this model.
    public func deviceFileName(_ mac: MACAddress) -> String {
        if vendor == .snom { return "\(snomType ?? id)-\(mac.hex.uppercased()).htm" }
        return "\(mac.hex).cfg"
    }
}

extension Catalogue {
    public static func model(yealinkCode code: String) -> PhoneModel? {
        models.first { $0.yealinkCode == code }
    }

    /// The model a User-Agent names: `T46G`, `CP920` (Yealink) or `725`, `D765` (snom).
    public static func model(vendor: Vendor, token: String) -> PhoneModel? {
        let t = token.uppercased()
        switch vendor {
        case .yealink: return models.first { $0.vendor == .yealink && $0.name == t }
        case .snom: return models.first { $0.vendor == .snom && ($0.name == t || $0.name == "D" + t) }
        }
    }
}
