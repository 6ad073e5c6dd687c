import Foundation
import PieuvreCore

/// The SIP account of the line a phone is assigned to, as the phone must be told it.
public struct SIPAccount: Sendable, Equatable {
    public var number: String
    public var authName: String
    public var password: String
    public var displayName: String
    public var label: String

    public init(number: String, authName: String, password: String, displayName: String, label: String) {
        self.number = number
        self.authName = authName
        self.password = password
        self.displayName = displayName
        self.label = label
    }
}

/// What the operator's platform looks like from a phone: where to register, where to fetch.
public struct PlatformProfile: Sendable, Equatable {
    /// The `/sip-ps/` directory URL, ending in `/`.
    public var provisioningURL: String
    public var sipDomain: String
    /// `host[:port]` of the outbound proxy, if the platform has one.
    public var sipProxy: String?
    /// Whether phones are given the platform's CA (`--phone-ca`) to check the server with.
    public var pushesCA: Bool
    /// The `/sip-ps/` directory where a phone fetches the CA before it trusts the server: plain
    /// HTTP (`--phone-ca-url`), since a phone cannot fetch over HTTPS the certificate it needs
    /// to check HTTPS with. Defaults to the provisioning URL.
    public var caDirectoryURL: String
    /// How many certificates `--phone-ca` holds: each is served alone (`pieuvre-ca-N.crt`),
    /// one certificate a file being what both vendors document for an upload.
    public var caCount: Int

    public init(provisioningURL: String, sipDomain: String, sipProxy: String?, pushesCA: Bool = false, caDirectoryURL: String? = nil, caCount: Int = 1) {
        self.provisioningURL = provisioningURL.hasSuffix("/") ? provisioningURL : provisioningURL + "/"
        self.sipDomain = sipDomain
        self.sipProxy = sipProxy
        self.pushesCA = pushesCA
        let directory = caDirectoryURL ?? self.provisioningURL
        self.caDirectoryURL = directory.hasSuffix("/") ? directory : directory + "/"
        self.caCount = max(caCount, 1)
    }

    /// Where phones fetch each certificate they check the server with, one a file: the whole
    /// file (`pieuvre-ca.crt`) when it holds one, else `pieuvre-ca-1.crt` … in its order.
    public var caURLs: [String] {
        caCount == 1 ? [caDirectoryURL + ProvisioningPath.caFileName] : (1...caCount).map { caDirectoryURL + ProvisioningPath.caFileName(index: $0) }
    }

    /// The one certificate a Yealink is given (it takes one URL): the last, the root of a chain
    /// written in the usual order (server's issuer first, root last).
    public var caAnchorURL: String { caURLs[caURLs.count - 1] }
}

/// Everything a renderer needs for one phone's device file. Renderers are pure functions of it.
public struct DeviceProfile: Sendable, Equatable {
    public var model: PhoneModel
    public var mac: MACAddress
    /// nil for a phone assigned to no line: its file carries no account.
    public var account: SIPAccount?
    public var platform: PlatformProfile
    /// The per-device provisioning credentials the phone presents on later fetches.
    public var deviceUsername: String
    public var devicePassword: String
    /// Password of the phone's own web page (`admin`).
    public var webAdminPassword: String
    /// Effective settings by neutral key (see `SettingsCatalogue`).
    public var settings: [String: String]
    /// Remote phonebooks the phone fetches (name and full URL, credentials included).
    public var phonebooks: [RemotePhonebook]
    /// The phone fetched the platform's CA (seen by its MAC): only then is it told to check the
    /// server with it, so a first contact never switches on a check it cannot pass.
    public var hasPlatformCA: Bool

    public init(model: PhoneModel, mac: MACAddress, account: SIPAccount?, platform: PlatformProfile, deviceUsername: String, devicePassword: String, webAdminPassword: String, settings: [String: String], phonebooks: [RemotePhonebook] = [], hasPlatformCA: Bool = false) {
        self.phonebooks = phonebooks
        self.hasPlatformCA = hasPlatformCA
        self.model = model
        self.mac = mac
        self.account = account
        self.platform = platform
        self.deviceUsername = deviceUsername
        self.devicePassword = devicePassword
        self.webAdminPassword = webAdminPassword
        self.settings = settings
    }

    func setting(_ key: String) -> String {
        settings[key] ?? SettingsCatalogue.definition(key)?.defaultValue ?? ""
    }

    func flag(_ key: String) -> Bool { setting(key) == "1" }
}

/// One remote phonebook as a phone is told of it.
public struct RemotePhonebook: Sendable, Equatable {
    public let name: String
    public let url: String

    public init(name: String, url: String) {
        self.name = name
        self.url = url
    }

    /// The seed's two "Network Contacts" books, in the order the phone lists them.
    public static let extensions = "Extensions"
    public static let contacts = "Contacts"

    /// A book's URL under the provisioning URL, with the credentials as userinfo (how Yealink
    /// phones are given HTTP credentials for a book) and the phone's `#SEARCH` placeholder.
    public static func url(provisioningURL: String, mac: MACAddress, file: String, username: String, password: String) -> String {
        var base = provisioningURL
        var scheme = ""
        if let range = base.range(of: "://") {
            scheme = String(base[..<range.upperBound])
            base = String(base[range.upperBound...])
        }
        return "\(scheme)\(userinfo(username)):\(userinfo(password))@\(base)directory/\(mac.hex)/\(file)?q=#SEARCH"
    }

    private static func userinfo(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// A rendered phone file: its bytes and the MIME type to serve it with.
public struct RenderedFile: Sendable, Equatable {
    public let bytes: [UInt8]
    public let contentType: String

    public init(_ text: String, contentType: String) {
        self.bytes = Array(text.utf8)
        self.contentType = contentType
    }

    public init(bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
    }
}

/// The media choices both renderers read the same way.
enum MediaChoice {
    /// The operator's codecs the model has, in the operator's order; none of them: every codec
    /// the model has (a phone without a codec could not call).
    static func codecs(_ p: DeviceProfile) -> [String] {
        let chosen = p.setting("sip.codecs").split(separator: ",").map(String.init).filter(p.model.codecs.contains)
        return chosen.isEmpty ? p.model.codecs : chosen
    }
}

/// The vendor's renderer for a model.
public enum Renderer {
    public static func common(model: PhoneModel, platform: PlatformProfile, settings: [String: String]) -> RenderedFile {
        switch model.vendor {
        case .yealink: return YealinkRenderer.common(model: model, platform: platform, settings: settings)
        case .snom: return SnomRenderer.common(model: model, platform: platform, settings: settings)
        }
    }

    public static func device(_ profile: DeviceProfile) -> RenderedFile {
        switch profile.model.vendor {
        case .yealink: return YealinkRenderer.device(profile)
        case .snom: return SnomRenderer.device(profile)
        }
    }
}

/// Time-zone facts both renderers need: the UTC offset in winter and the DST rule.
/// What a time zone means to each vendor: the offset and zone name, and the country whose call
/// progress tones phones there play (tones are the network's, so they follow where the phone
/// is, not the language its user reads).
struct TimeZoneRule {
    let yealinkOffset: String
    let yealinkName: String
    let snomName: String
    let dst: Bool
    /// Yealink `voice.tone.country` (wazo writes `France` for fr_FR).
    let yealinkTones: String
    /// snom `tone_scheme` [U: the list of snom schemes has no Belgium; French tones there].
    let snomTones: String

    static func of(_ name: String) -> TimeZoneRule {
        switch name {
        case "Europe/London": return .init(yealinkOffset: "0", yealinkName: "United Kingdom(London)", snomName: "GBR-0", dst: true, yealinkTones: "Great Britain", snomTones: "GBR")
        case "Europe/Brussels": return .init(yealinkOffset: "+1", yealinkName: "Belgium(Brussels)", snomName: "BEL+1", dst: true, yealinkTones: "Belgium", snomTones: "FRA")
        // Neither vendor's zone list has Switzerland: Germany's entry has the same offset and the
        // same (EU) summer-time rule, so the automatic switch happens on the same days.
        case "Europe/Zurich": return .init(yealinkOffset: "+1", yealinkName: "Germany(Berlin)", snomName: "GER+1", dst: true, yealinkTones: "Switzerland", snomTones: "SWI")
        // Neither vendor has a Martinique or Réunion entry: the zones of the same offset without
        // daylight saving that nethesis/tancredi uses [I] (summer time is written off anyway).
        case "America/Martinique": return .init(yealinkOffset: "-4", yealinkName: "United Kingdom(Bermuda)", snomName: "BMU-4", dst: false, yealinkTones: "France", snomTones: "FRA")
        case "Indian/Reunion": return .init(yealinkOffset: "+4", yealinkName: "Kazakhstan(Aktau)", snomName: "KAZ+4", dst: false, yealinkTones: "France", snomTones: "FRA")
        default: return .init(yealinkOffset: "+1", yealinkName: "France(Paris)", snomName: "FRA+1", dst: true, yealinkTones: "France", snomTones: "FRA")
        }
    }

    /// The tones of `preferences.tones`: a country chosen on a layer, or ("zone") the time zone's.
    static func tones(_ settings: [String: String]) -> (yealink: String, snom: String) {
        switch settings["preferences.tones"] ?? "zone" {
        case "France": return ("France", "FRA")
        case "Belgium": return ("Belgium", "FRA")
        case "Switzerland": return ("Switzerland", "SWI")
        case "United Kingdom": return ("Great Britain", "GBR")
        // Yealink's country names and snom's three-letter schemes (snom wiki tone_scheme [U]).
        case "Germany": return ("Germany", "GER")
        case "Italy": return ("Italy", "ITA")
        case "Spain": return ("Spain", "ESP")
        default:
            let zone = of(settings["preferences.timeZone"] ?? "Europe/Paris")
            return (zone.yealinkTones, zone.snomTones)
        }
    }
}
