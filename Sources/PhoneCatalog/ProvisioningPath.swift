import PieuvreCore

/// A file name a phone asks for under `/sip-ps/` (or over TFTP), and what it means.
/// Names are never mapped to the file system: anything not recognised here is not found.
public enum ProvisioningPath: Sendable, Equatable {
    /// `y000000000000.boot`: the common boot file, the same name for every Yealink model.
    case yealinkBoot
    /// `<mac>.boot`: answered 404 on purpose, so the phone reads the common boot file
    /// (a MAC boot file stops the phone from fetching the other files, reference §1.2).
    case yealinkMACBoot(MACAddress)
    /// `y0000000000XX.cfg`: a model's common file, no secret in it.
    case common(PhoneModel)
    /// `<mac>.cfg` or `snomD765-<MAC>.htm`: the device file with the line's account.
    case device(MACAddress)
    /// `pieuvre-ca.crt`: the CA certificates phones are told to trust (no secret in it); with an
    /// index, `pieuvre-ca-N.crt`, the Nth of them alone.
    case trustedCertificates(index: Int?)
    /// `firmware-<filename>.xml`: the `<firmware-settings>` naming an uploaded firmware file,
    /// what a snom's `firmware_status` points at (no secret in it).
    case firmwareSettings(String)
    /// Files Pieuvre does not provide (`<mac>-local.cfg`, `<mac>-contact.xml`, `*.enc`).
    case notProvided(MACAddress?)

    public static let maxNameLength = 128
    public static let caFileName = "pieuvre-ca.crt"
    public static func caFileName(index: Int) -> String { "pieuvre-ca-\(index).crt" }

    public init?(fileName: String) {
        guard !fileName.isEmpty, fileName.utf8.count <= Self.maxNameLength,
              fileName.utf8.allSatisfy(Self.isNameByte) else { return nil }
        if fileName.hasPrefix("firmware-"), fileName.hasSuffix(".xml"), fileName.count > 13 {
            // The firmware's own file name, case kept: uploads are named as the vendor ships them.
            self = .firmwareSettings(String(fileName.dropFirst(9).dropLast(4)))
            return
        }
        let name = fileName.lowercased()
        if name == "y000000000000.boot" { self = .yealinkBoot; return }
        if name == Self.caFileName { self = .trustedCertificates(index: nil); return }
        if name.hasPrefix("pieuvre-ca-"), name.hasSuffix(".crt") {
            // At most two digits: a handful of certificates, never a number to overflow.
            let digits = name.dropFirst("pieuvre-ca-".count).dropLast(4)
            guard (1...2).contains(digits.count), digits.allSatisfy(\.isASCII), let n = Int(digits), n >= 1, String(n) == digits else { return nil }
            self = .trustedCertificates(index: n)
            return
        }
        if name.hasPrefix("y0"), name.hasSuffix(".cfg"), name.count == 17 {
            // Twelve digits: the model's code after the zeros (`…028`, `…108`).
            guard let model = Catalogue.model(yealinkCommonFile: name) else { return nil }
            self = .common(model)
            return
        }
        if name.hasSuffix(".enc") { self = .notProvided(Self.mac(in: name)); return }
        if name.hasPrefix("snom"), name.hasSuffix(".htm") {
            let stem = name.dropFirst(4).dropLast(4)
            let parts = stem.split(separator: "-", maxSplits: 1)
            // `snom.htm` has an empty stem: no part at all (found by fuzzing: it used to trap).
            guard let first = parts.first, let model = Catalogue.model(vendor: .snom, token: String(first)) else { return nil }
            if parts.count == 1 { self = .common(model); return }
            guard let mac = Self.hexMAC(parts[1]) else { return nil }
            self = .device(mac)
            return
        }
        guard name.count >= 16, let mac = Self.hexMAC(name.prefix(12)) else { return nil }
        switch name.dropFirst(12) {
        case ".cfg": self = .device(mac)
        case ".boot": self = .yealinkMACBoot(mac)
        case "-local.cfg", "-contact.xml": self = .notProvided(mac)
        default: return nil
        }
    }

    public var mac: MACAddress? {
        switch self {
        case .yealinkBoot, .common, .trustedCertificates, .firmwareSettings: return nil
        case let .yealinkMACBoot(mac), let .device(mac): return mac
        case let .notProvided(mac): return mac
        }
    }

    /// ASCII letters, digits, `.`, `_` and `-`: what a phone's file is named with.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }

    private static func hexMAC(_ text: some StringProtocol) -> MACAddress? {
        // Twelve bytes that are twelve hex digits: anything else has fewer and is refused.
        let text = String(text)
        guard text.utf8.count == 12 else { return nil }
        return try? MACAddress(parsing: text)
    }

    private static func mac(in name: String) -> MACAddress? { hexMAC(name.prefix(12)) }
}
