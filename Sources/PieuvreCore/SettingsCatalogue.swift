/// The one place where a phone setting is defined: its neutral key, type, default, the models
/// that have it and the least role allowed to change it. The API, the portals and the
/// renderers all read this catalogue, so a setting added here appears everywhere.
public struct SettingDefinition: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case bool
        case integer(ClosedRange<Int>)
        case text(maxLength: Int)
        case choice([String])
        /// A secret text (a password): stored, rendered, never shown back by the API.
        case secret(maxLength: Int)
        /// A dialled-number pattern (a dial plan's prefix): digits, `+ * #`, `x` (any digit),
        /// `.` (anything), `( )` groups and `[ ]` ranges; anything else would never match.
        case dialPattern(maxLength: Int)
        /// Some of these options, in an order of preference, comma-separated (`PCMA,G722`).
        case orderedChoices([String])
        /// `host[:port]`, or empty: a server name or address and its port.
        case hostPort
    }

    public let key: String
    public let group: String
    public let kind: Kind
    public let defaultValue: String
    /// The models that have the setting, by their traits.
    public let scope: ModelScope
    /// The least role that may set or lock it.
    public let editRole: Role

    public init(_ key: String, group: String, _ kind: Kind, default defaultValue: String, models scope: ModelScope = .everyModel, editRole: Role) {
        self.key = key
        self.group = group
        self.kind = kind
        self.defaultValue = defaultValue
        self.scope = scope
        self.editRole = editRole
    }

    public var isSecret: Bool { if case .secret = kind { return true }; return false }

    public func applies(to model: ModelTraits) -> Bool { scope.includes(model) }

    /// The value in its canonical form, or an error naming the key and the value.
    public func validate(_ value: String) throws(DomainError) -> String {
        switch kind {
        case .bool:
            switch value.lowercased() {
            case "1", "true", "on", "yes": return "1"
            case "0", "false", "off", "no": return "0"
            default: throw .invalid(field: key, value: value, reason: .trueOrFalse)
            }
        case let .integer(range):
            guard let n = Int(value.trimmingWhitespace()), range.contains(n) else {
                throw .invalid(field: key, value: value, reason: .wholeNumber(range.lowerBound, range.upperBound))
            }
            return String(n)
        case let .text(max), let .secret(max):
            return try FieldRules.optionalText(value, field: key, max: max)
        case let .dialPattern(max):
            let text = try FieldRules.optionalText(value, field: key, max: max)
            guard text.allSatisfy({ $0.isASCII && ($0.isNumber || "+*#xX.()[]-".contains($0)) }) else {
                throw .invalid(field: key, value: value, reason: Reason("bad-pattern", en: "must be a dialled-number pattern: digits, + * #, x for any digit, . for anything, ( ) and [ ]; anything else never matches a number", fr: "doit être un motif de numérotation : chiffres, + * #, x pour un chiffre quelconque, . pour la suite, ( ) et [ ]."))
            }
            var depth = 0
            for character in text {
                if character == "(" { depth += 1 }
                if character == ")" { depth -= 1; if depth < 0 { break } }
            }
            guard depth == 0 else { throw .invalid(field: key, value: value, reason: Reason("unbalanced", en: "has unbalanced parentheses", fr: "a des parenthèses mal appariées.")) }
            return text
        case let .orderedChoices(options):
            var picked: [String] = []
            for item in value.split(separator: ",").map({ String($0).trimmingWhitespace() }) where !item.isEmpty {
                guard let match = options.first(where: { $0.lowercased() == item.lowercased() }) else {
                    throw .invalid(field: key, value: value, reason: .oneOf(options))
                }
                guard !picked.contains(match) else {
                    throw .invalid(field: key, value: value, reason: Reason("repeated", en: "names \(match) twice", fr: "cite \(match) deux fois."))
                }
                picked.append(match)
            }
            guard !picked.isEmpty else {
                throw .invalid(field: key, value: value, reason: Reason("empty-list", en: "must name at least one of \(options.joined(separator: ", "))", fr: "doit citer au moins l'un de \(options.joined(separator: ", "))."))
            }
            return picked.joined(separator: ",")
        case .hostPort:
            let text = try FieldRules.optionalText(value, field: key, max: 255)
            guard !text.isEmpty else { return "" }
            var host = Substring(text)
            if let colon = text.lastIndex(of: ":") {
                let port = text[text.index(after: colon)...]
                guard let n = Int(port), (1...65535).contains(n) else {
                    throw .invalid(field: key, value: value, reason: Reason("bad-port", en: "must be host or host:port with a port from 1 to 65535", fr: "doit être hôte ou hôte:port, port de 1 à 65535."))
                }
                host = text[..<colon]
            }
            guard !host.isEmpty, !host.hasPrefix("-"), !host.hasPrefix("."), host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
                throw .invalid(field: key, value: value, reason: Reason("bad-host", en: "must be a host name or IPv4 address (letters, digits, dots, hyphens), optionally :port", fr: "doit être un nom d'hôte ou une adresse IPv4 (lettres, chiffres, points, tirets), suivi au besoin de :port."))
            }
            return text.lowercased()
        case let .choice(options):
            guard let match = options.first(where: { $0.lowercased() == value.lowercased() }) else {
                throw .invalid(field: key, value: value, reason: .oneOf(options))
            }
            return match
        }
    }
}

public enum SettingsCatalogue {
    /// The most line keys a model may have: the catalogue defines `keys.line.1` to this.
    public static let maxLineKeys = 30
    static let yealink = ModelScope.vendor("yealink")

    /// What a programmable or line key can do, in neutral terms; each renderer maps them.
    public static let keyTypes = ["none", "line", "speed_dial", "blf", "dnd", "forward", "voicemail", "directory", "history", "pickup", "park", "conference", "transfer", "url"]

    public static let languages = ["French", "English", "German", "Italian", "Spanish"]
    public static let toneCountries = ["zone", "France", "Belgium", "Switzerland", "United Kingdom", "Germany", "Italy", "Spain"]
    public static let timeZones = ["Europe/Paris", "Europe/London", "Europe/Brussels", "Europe/Zurich", "America/Martinique", "Indian/Reunion"]
    public static let dateFormats = ["DD/MM/YYYY", "YYYY-MM-DD", "DD-MMM-YY", "MM/DD/YY", "DD MMM YYYY", "WWW MMM DD", "WWW DD MMM"]

    public static let all: [SettingDefinition] = build()

    private static let byKey: [String: SettingDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    public static func definition(_ key: String) -> SettingDefinition? { byKey[key] }

    private static func build() -> [SettingDefinition] {
        var s: [SettingDefinition] = []
        // Programmable keys: the four soft keys of the idle screen (Touche1..Touche4).
        for n in 1...4 {
            s.append(.init("keys.soft.\(n).type", group: "Programmable Keys - Soft key", .choice(keyTypes), default: "none", models: .softKeys(atLeast: n), editRole: .user))
            s.append(.init("keys.soft.\(n).value", group: "Programmable Keys - Soft key", .text(maxLength: 64), default: "", models: .softKeys(atLeast: n), editRole: .user))
            s.append(.init("keys.soft.\(n).label", group: "Programmable Keys - Soft key", .text(maxLength: 32), default: "", models: .softKeys(atLeast: n), editRole: .user))
        }
        // Line keys of desk phones and snom, the CP960's 30 memory keys (`memorykey.N`, wazo:
        // the seed's "Programmable Keys - Line Key" page of the CP960); the first carries the line.
        for n in 1...maxLineKeys {
            let models = ModelScope.lineKeys(atLeast: n)
            // The first key carries the line (an administrator's); the others are the user's, as
            // the soft keys are (a CP960 user sets their memory keys), unless a layer locks them.
            let role: Role = n == 1 ? .administrator : .user
            s.append(.init("keys.line.\(n).type", group: "Programmable Keys - Line Key", .choice(keyTypes), default: n == 1 ? "line" : "none", models: models, editRole: role))
            s.append(.init("keys.line.\(n).value", group: "Programmable Keys - Line Key", .text(maxLength: 64), default: "", models: models, editRole: role))
            s.append(.init("keys.line.\(n).label", group: "Programmable Keys - Line Key", .text(maxLength: 32), default: "", models: models, editRole: role))
        }
        // Features.
        for n in 1...5 {
            s.append(.init("features.dialPlan.\(n).prefix", group: "Features - Dial Plan", .dialPattern(maxLength: 32), default: "", editRole: .administrator))
            s.append(.init("features.dialPlan.\(n).replace", group: "Features - Dial Plan", .text(maxLength: 32), default: "", editRole: .administrator))
        }
        s.append(.init("features.callLog.save", group: "Features - Call Log", .bool, default: "1", editRole: .user))
        s.append(.init("features.callLog.missed", group: "Features - Call Log", .bool, default: "1", editRole: .user))
        s.append(.init("features.dnd.enabled", group: "Features - DND&Forward", .bool, default: "0", editRole: .user))
        s.append(.init("features.forward.always.enabled", group: "Features - DND&Forward", .bool, default: "0", editRole: .user))
        s.append(.init("features.forward.always.target", group: "Features - DND&Forward", .text(maxLength: 32), default: "", editRole: .user))
        s.append(.init("features.forward.busy.enabled", group: "Features - DND&Forward", .bool, default: "0", editRole: .user))
        s.append(.init("features.forward.busy.target", group: "Features - DND&Forward", .text(maxLength: 32), default: "", editRole: .user))
        s.append(.init("features.forward.noAnswer.enabled", group: "Features - DND&Forward", .bool, default: "0", editRole: .user))
        s.append(.init("features.forward.noAnswer.target", group: "Features - DND&Forward", .text(maxLength: 32), default: "", editRole: .user))
        s.append(.init("features.forward.noAnswer.rings", group: "Features - DND&Forward", .integer(0...20), default: "2", editRole: .user))
        // The seed's "CommPortal Phone Applications": the directory login of the CP960.
        s.append(.init("directory.network.enabled", group: "Features - CommPortal Phone Applications", .bool, default: "1", models: yealink, editRole: .administrator))
        s.append(.init("directory.commPortal.username", group: "Features - CommPortal Phone Applications", .text(maxLength: 64), default: "", models: yealink, editRole: .user))
        s.append(.init("directory.commPortal.password", group: "Features - CommPortal Phone Applications", .secret(maxLength: 64), default: "", models: yealink, editRole: .user))
        // LDAP directory of the CP860 and CP920 (the seed's §3.1.1: the user configures an LDAP
        // account in their portal; an administrator may fill or lock it above).
        let ldap = ModelScope.ldap
        s.append(.init("directory.ldap.enabled", group: "Features - LDAP", .bool, default: "0", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.server", group: "Features - LDAP", .text(maxLength: 128), default: "", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.port", group: "Features - LDAP", .integer(1...65535), default: "389", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.security", group: "Features - LDAP", .choice(["none", "starttls", "ldaps"]), default: "none", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.base", group: "Features - LDAP", .text(maxLength: 200), default: "", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.bindUser", group: "Features - LDAP", .text(maxLength: 200), default: "", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.bindPassword", group: "Features - LDAP", .secret(maxLength: 128), default: "", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.nameFilter", group: "Features - LDAP", .text(maxLength: 200), default: "(|(cn=%)(sn=%))", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.numberFilter", group: "Features - LDAP", .text(maxLength: 200), default: "(|(telephoneNumber=%)(mobile=%))", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.nameAttributes", group: "Features - LDAP", .text(maxLength: 128), default: "cn sn", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.numberAttributes", group: "Features - LDAP", .text(maxLength: 128), default: "telephoneNumber mobile", models: ldap, editRole: .user))
        s.append(.init("directory.ldap.displayName", group: "Features - LDAP", .text(maxLength: 64), default: "%cn", models: ldap, editRole: .user))
        // Notification popups.
        for (key, value) in [("missedCall", "1"), ("voicemail", "1"), ("textMessage", "0"), ("forward", "1")] {
            s.append(.init("notifications.popup.\(key)", group: "Notification Popups", .bool, default: value, models: yealink, editRole: .user))
        }
        // Preferences.
        s.append(.init("preferences.language", group: "Preferences", .choice(languages), default: "French", editRole: .user))
        s.append(.init("preferences.timeZone", group: "Preferences", .choice(timeZones), default: "Europe/Paris", editRole: .administrator))
        s.append(.init("preferences.timeFormat", group: "Preferences", .choice(["24h", "12h"]), default: "24h", editRole: .user))
        s.append(.init("preferences.dateFormat", group: "Preferences", .choice(dateFormats), default: "DD/MM/YYYY", editRole: .user))
        // Call progress tones: the network's, so by default those of the time zone's country;
        // a layer may choose a country (a site abroad on a French platform).
        s.append(.init("preferences.tones", group: "Preferences", .choice(toneCountries), default: "zone", editRole: .administrator))
        s.append(.init("preferences.ringtone", group: "Preferences", .choice((1...8).map { "Ring\($0)" }), default: "Ring1", editRole: .user))
        // Line 1: empty means the line's own name and number.
        s.append(.init("line.1.displayName", group: "Line 1", .text(maxLength: 64), default: "", editRole: .user))
        s.append(.init("line.1.label", group: "Line 1", .text(maxLength: 32), default: "", editRole: .user))
        // Platform: what the operator sets for every phone.
        s.append(.init("voicemail.number", group: "Platform", .text(maxLength: 32), default: "*97", editRole: .operator))
        s.append(.init("voicemail.subscribeMWI", group: "Platform", .bool, default: "1", editRole: .operator))
        // Dialled before a supervised (BLF) number to pick up its ringing call (wazo's
        // `_format_funckey_blf`; the platform's directed pickup code).
        s.append(.init("features.pickupCode", group: "Platform", .text(maxLength: 8), default: "**", editRole: .operator))
        // The firmware version phones should run (empty: whatever they have). A phone reporting
        // another version is given the uploaded file of this version for its model.
        s.append(.init("firmware.version", group: "Platform", .text(maxLength: 32), default: "", editRole: .reseller))
        s.append(.init("provisioning.repeatMinutes", group: "Platform", .integer(5...43200), default: "1440", editRole: .operator))
        s.append(.init("time.ntpServer", group: "Platform", .text(maxLength: 128), default: "0.fr.pool.ntp.org", editRole: .operator))
        s.append(.init("sip.transport", group: "Platform", .choice(["udp", "tcp", "tls"]), default: "udp", editRole: .operator))
        s.append(.init("sip.port", group: "Platform", .integer(1...65535), default: "5060", editRole: .operator))
        s.append(.init("sip.registrationExpires", group: "Platform", .integer(60...86400), default: "3600", editRole: .operator))
        // What every Centrex platform sets per phone (media encryption, codecs, DTMF, NAT
        // keep-alive, a backup registrar); each model keeps the codecs it has, in this order.
        s.append(.init("sip.srtp", group: "Platform", .choice(["off", "optional", "required"]), default: "off", editRole: .operator))
        s.append(.init("sip.codecs", group: "Platform", .orderedChoices(["PCMA", "PCMU", "G722", "G729", "OPUS"]), default: "PCMA,PCMU,G722,G729", editRole: .operator))
        s.append(.init("sip.dtmf", group: "Platform", .choice(["rfc2833", "info", "inband"]), default: "rfc2833", editRole: .operator))
        // 0: no keep-alive packets (a phone without NAT in front of it).
        s.append(.init("sip.keepAliveSeconds", group: "Platform", .integer(0...3600), default: "30", editRole: .operator))
        s.append(.init("sip.backupServer", group: "Platform", .hostPort, default: "", editRole: .operator))
        return s
    }
}
