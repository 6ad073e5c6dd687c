import PieuvreCore

/// Yealink `.boot` and `.cfg` files, V81+ parameter names (reference §2). Output is a pure
/// function of the input: same input, same bytes, so a phone's MD5 check skips unchanged files.
public enum YealinkRenderer {
    static let header = "#!version:1.0.0.1"

    /// The common boot file, rendered for the phone asking (known by its User-Agent's MAC):
    /// its model's common file, then its device file; later files override earlier ones.
    public static func boot(model: PhoneModel, mac: MACAddress) -> RenderedFile {
        let lines = [
            header,
            "## Pieuvre boot file",
            "include:config \"\(model.commonFileName)\"",
            "include:config \"\(mac.hex).cfg\"",
            "overwrite_mode = 1",
        ]
        return RenderedFile(lines.joined(separator: "\n") + "\n", contentType: "text/plain; charset=utf-8")
    }

    static func common(model: PhoneModel, platform: PlatformProfile, settings: [String: String]) -> RenderedFile {
        var out = Lines(header)
        out.comment("Pieuvre common file for \(model.displayName)")
        out["static.auto_provision.server.url"] = platform.provisioningURL
        out["static.auto_provision.pnp_enable"] = "0"
        out["static.auto_provision.power_on"] = "1"
        out["static.auto_provision.repeat.enable"] = "1"
        out["static.auto_provision.repeat.minutes"] = settings["provisioning.repeatMinutes"] ?? "1440"
        // Changes made on the handset (DND, forwarding) are kept in the phone's MAC-local file
        // and survive the next provisioning (wazo v81/v86 base.tpl; reference §1.2).
        out["static.auto_provision.custom.protect"] = "1"
        if platform.pushesCA {
            // The platform's CA, over plain HTTP: a phone cannot fetch over HTTPS the certificate
            // it needs to check HTTPS with (reference §2.5). The check itself is switched on in
            // the device file of a phone that has fetched it, never here, so no first contact
            // switches on a check the phone cannot pass yet.
            out["static.trusted_certificates.url"] = platform.caAnchorURL
        }
        out["sip.notify_reboot_enable"] = "0"
        timeAndLanguage(&out, model, settings)
        return out.file
    }

    static func device(_ p: DeviceProfile) -> RenderedFile {
        var out = Lines(header)
        out.comment("Pieuvre device file for \(p.mac) (\(p.model.displayName))")
        out["static.auto_provision.server.url"] = p.platform.provisioningURL
        out["static.auto_provision.server.username"] = p.deviceUsername
        out["static.auto_provision.server.password"] = p.devicePassword
        out["static.auto_provision.repeat.enable"] = "1"
        out["static.auto_provision.repeat.minutes"] = p.setting("provisioning.repeatMinutes")
        out["static.security.user_name.admin"] = "admin"
        out["static.security.user_password"] = "admin:\(p.webAdminPassword)"
        if p.platform.pushesCA {
            // Built-in and uploaded CAs both trusted (2: all [U: numeric codes]), so public
            // servers (firmware, a public certificate later) still pass; the check on only once
            // the phone has fetched the platform's CA, off until then (its factory default is
            // on, which a phone first reached over HTTP or TFTP would fail on at its next check).
            out["static.security.ca_cert"] = "2"
            out["static.security.trust_certificates"] = p.hasPlatformCA ? "1" : "0"
        }

        out.comment("Account 1")
        if let account = p.account {
            out["account.1.enable"] = "1"
            out["account.1.label"] = nonEmpty(p.setting("line.1.label"), account.label)
            out["account.1.display_name"] = nonEmpty(p.setting("line.1.displayName"), account.displayName)
            out["account.1.auth_name"] = account.authName
            out["account.1.user_name"] = account.number
            out["account.1.password"] = account.password
            out["account.1.sip_server.1.address"] = p.platform.sipDomain
            out["account.1.sip_server.1.port"] = p.setting("sip.port")
            out["account.1.sip_server.1.transport_type"] = transportCode(p.setting("sip.transport"))
            out["account.1.sip_server.1.expires"] = p.setting("sip.registrationExpires")
            let backup = p.setting("sip.backupServer")
            if !backup.isEmpty {
                // The second registrar, tried when the first does not answer (ref §2.2).
                let (host, port) = hostPort(backup, defaultPort: p.setting("sip.port"))
                out["account.1.sip_server.2.address"] = host
                out["account.1.sip_server.2.port"] = port
                out["account.1.sip_server.2.transport_type"] = transportCode(p.setting("sip.transport"))
                out["account.1.sip_server.2.expires"] = p.setting("sip.registrationExpires")
            }
            if let proxy = p.platform.sipProxy {
                let (host, port) = hostPort(proxy, defaultPort: p.setting("sip.port"))
                out["account.1.outbound_proxy_enable"] = "1"
                out["account.1.outbound_proxy.1.address"] = host
                out["account.1.outbound_proxy.1.port"] = port
            } else {
                out["account.1.outbound_proxy_enable"] = "0"
            }
            media(&out, p)
            out["account.1.subscribe_mwi"] = p.setting("voicemail.subscribeMWI")
            out["account.1.subscribe_mwi_expires"] = "3600"
            out["account.1.subscribe_mwi_to_vm"] = "0"
            out["account.1.missed_calllog"] = p.setting("features.callLog.missed")
            out["voice_mail.number.1"] = p.setting("voicemail.number")
        } else {
            out["account.1.enable"] = "0"
        }

        timeAndLanguage(&out, p.model, p.settings)
        out["local_time.time_format"] = p.setting("preferences.timeFormat") == "12h" ? "0" : "1"
        out["local_time.date_format"] = String(SettingsCatalogue.dateFormats.firstIndex(of: p.setting("preferences.dateFormat")).map(dateFormatCode) ?? 3)
        if p.model.handsets == 0 {
            // The DECT base rings nothing itself: its handsets' ringtones are their own.
            out["phone_setting.ring_type"] = "Resource:\(p.setting("preferences.ringtone")).wav"
        }

        out.comment("Features")
        out["features.save_call_history"] = p.setting("features.callLog.save")
        if p.model.handsets > 0 {
            // The DECT base keeps DND and forwarding per account (fusion w52p/{$mac}.cfg); the
            // per-account values apply only in the custom modes (1), not the phone-wide default.
            out["features.dnd_mode"] = "1"
            out["features.fwd_mode"] = "1"
            out["account.1.dnd.enable"] = p.setting("features.dnd.enabled")
            for (kind, yealink) in [("always", "always_fwd"), ("busy", "busy_fwd"), ("noAnswer", "timeout_fwd")] {
                out["account.1.\(yealink).enable"] = p.setting("features.forward.\(kind).enabled")
                out["account.1.\(yealink).target"] = p.setting("features.forward.\(kind).target")
            }
            out["account.1.timeout_fwd.timeout"] = p.setting("features.forward.noAnswer.rings")
        } else {
            out["features.dnd.enable"] = p.setting("features.dnd.enabled")
            for (kind, yealink) in [("always", "always"), ("busy", "busy"), ("noAnswer", "no_answer")] {
                out["forward.\(yealink).enable"] = p.setting("features.forward.\(kind).enabled")
                out["forward.\(yealink).target"] = p.setting("features.forward.\(kind).target")
            }
            out["forward.no_answer.timeout"] = p.setting("features.forward.noAnswer.rings")
        }
        var rule = 0
        for n in 1...5 {
            let prefix = p.setting("features.dialPlan.\(n).prefix")
            guard !prefix.isEmpty else { continue }
            rule += 1
            let (pattern, replacement) = dialRule(prefix: prefix, replace: p.setting("features.dialPlan.\(n).replace"))
            out["dialplan.replace.prefix.\(rule)"] = pattern
            out["dialplan.replace.replace.\(rule)"] = replacement
        }
        if p.model.handsets == 0 {
            // Pop-ups are the desk phone's screen; the DECT base has none (no reference writes
            // them there).
            out["features.missed_call_popup.enable"] = p.setting("notifications.popup.missedCall")
            out["features.voice_mail_popup.enable"] = p.setting("notifications.popup.voicemail")
            out["features.text_message_popup.enable"] = p.setting("notifications.popup.textMessage")
            out["features.forward_call_popup.enable"] = p.setting("notifications.popup.forward")
        }

        if p.model.remotePhonebook {
            out.comment("Network Contacts (remote phonebooks)")
            for (index, book) in p.phonebooks.enumerated() {
                out["remote_phonebook.data.\(index + 1).name"] = book.name
                out["remote_phonebook.data.\(index + 1).url"] = book.url
            }
            // Incoming calls show the caller's name from the books.
            out["features.remote_phonebook.enable"] = p.phonebooks.isEmpty ? "0" : "1"
            out["features.remote_phonebook.flash_time"] = "3600"
        }
        if p.model.ldap {
            ldap(&out, p)
        }

        if p.model.mailLamp {
            // The lamp blinks only when the platform says messages wait; the lamp rules decide
            // what it says (fusion sets it for the CP920, CP860 and CP960).
            out["phone_setting.mail_power_led_flash_enable"] = "1"
        }
        if p.model.handsets > 0, let account = p.account {
            out.comment("Handsets: every one on the line, named after it")
            // fusion w52p/y000000000025.cfg [U]; the handset menus in the user's language (wazo
            // v81 W52P.tpl: 1 = French, 0 = English; other languages are left to the handset).
            if let code = ["English": "0", "French": "1"][p.setting("preferences.language")] { out["custom.handset.language"] = code }
            // The handsets' date in the user's format: the base's codes (wazo writes 2,
            // YYYY-MM-DD, the base's code for it; the same table as local_time.date_format [I]).
            out["custom.handset.date_format"] = String(SettingsCatalogue.dateFormats.firstIndex(of: p.setting("preferences.dateFormat")).map(dateFormatCode) ?? 3)
            for n in 1...p.model.handsets {
                out["handset.\(n).name"] = nonEmpty(p.setting("line.1.label"), account.label)
                out["handset.\(n).incoming_lines"] = "1"
                out["handset.\(n).dial_out_lines"] = "1"
                out["handset.\(n).dial_out_default_line"] = "1"
            }
        }

        if p.model.softKeys > 0 {
            // Only the keys set here: an unset key keeps the phone's factory function (key 4 is
            // Menu; fusion writes only configured keys, tancredi keeps the factory ones).
            let set = stride(from: 1, through: min(p.model.softKeys, 4), by: 1).filter { p.setting("keys.soft.\($0).type") != "none" }
            if !set.isEmpty { out.comment("Programmable keys (soft keys 1-4)") }
            for n in set {
                key(&out, "programablekey.\(n)", p, "keys.soft.\(n)")
            }
        }
        if p.model.lineKeys > 0 {
            out.comment(p.model.keyParameter == "linekey" ? "Line keys" : "Memory keys")
            for n in 1...p.model.lineKeys {
                key(&out, "\(p.model.keyParameter).\(n)", p, "keys.line.\(n)")
            }
        }
        return out.file
    }

    /// The LDAP directory (reference §2.6): written when enabled, otherwise only switched off.
    private static func ldap(_ out: inout Lines, _ p: DeviceProfile) {
        out.comment("LDAP directory")
        guard p.flag("directory.ldap.enabled"), !p.setting("directory.ldap.server").isEmpty else {
            out["ldap.enable"] = "0"
            return
        }
        out["ldap.enable"] = "1"
        out["ldap.host"] = p.setting("directory.ldap.server")
        out["ldap.port"] = p.setting("directory.ldap.port")
        out["ldap.tls_mode"] = ["starttls": "1", "ldaps": "2"][p.setting("directory.ldap.security")] ?? "0"
        out["ldap.version"] = "3"
        out["ldap.base"] = p.setting("directory.ldap.base")
        out["ldap.user"] = p.setting("directory.ldap.bindUser")
        out["ldap.password"] = p.setting("directory.ldap.bindPassword")
        out["ldap.name_filter"] = p.setting("directory.ldap.nameFilter")
        out["ldap.number_filter"] = p.setting("directory.ldap.numberFilter")
        out["ldap.name_attr"] = p.setting("directory.ldap.nameAttributes")
        out["ldap.numb_attr"] = p.setting("directory.ldap.numberAttributes")
        out["ldap.display_name"] = p.setting("directory.ldap.displayName")
        out["ldap.max_hits"] = "50"
        out["ldap.call_in_lookup"] = "1"
        out["ldap.ldap_sort"] = "1"
    }

    private static func key(_ out: inout Lines, _ prefix: String, _ p: DeviceProfile, _ neutral: String) {
        let type = p.setting("\(neutral).type")
        out["\(prefix).type"] = keyCode(type)
        out["\(prefix).line"] = type == "none" ? "0" : "1"
        out["\(prefix).value"] = p.setting("\(neutral).value")
        if type == "blf" {
            // Pressed while the supervised number rings, the key dials this code and picks the
            // call up (wazo `_format_funckey_blf`).
            out["\(prefix).extension"] = p.setting("features.pickupCode")
        }
        out["\(prefix).label"] = p.setting("\(neutral).label")
    }

    /// A dial plan rule as Yealink reads it: the prefix is a pattern over the whole number, so
    /// a plain prefix `+33` becomes `+33(.)` (what follows, captured) and its replacement `0`
    /// becomes `0$1` (reference §2, review: "+33(.) → 0$1"); a prefix already written as a
    /// pattern (with a group) is left as it is.
    static func dialRule(prefix: String, replace: String) -> (String, String) {
        guard !prefix.contains("(") else { return (prefix, replace) }
        return (prefix + "(.)", replace + "$1")
    }

    private static func timeAndLanguage(_ out: inout Lines, _ model: PhoneModel, _ settings: [String: String]) {
        let zone = TimeZoneRule.of(settings["preferences.timeZone"] ?? "Europe/Paris")
        out["local_time.ntp_server1"] = settings["time.ntpServer"] ?? "0.fr.pool.ntp.org"
        out["local_time.time_zone"] = zone.yealinkOffset
        out["local_time.time_zone_name"] = zone.yealinkName
        out["local_time.summer_time"] = zone.dst ? "2" : "0"
        out["voice.tone.country"] = TimeZoneRule.tones(settings).yealink
        let language = settings["preferences.language"] ?? "French"
        // V81/V82 firmware reads the language under `static.` (wazo v81 templates), V83 and later
        // without it; a model whose newest firmware is V81 gets both, each firmware reading
        // its own. The DECT base has no screen: its handsets' language is `custom.handset.language`.
        if model.readsStaticLanguage {
            if model.handsets == 0 { out["static.lang.gui"] = language }
            out["static.lang.wui"] = language
        }
        if model.handsets == 0 { out["lang.gui"] = language }
        out["lang.wui"] = language
    }

    /// Media: SRTP, DTMF, NAT keep-alive and the codecs in the operator's order (ref §2.2).
    private static func media(_ out: inout Lines, _ p: DeviceProfile) {
        out["account.1.srtp_encryption"] = ["optional": "1", "required": "2"][p.setting("sip.srtp")] ?? "0"
        // 0 in-band, 1 RFC 2833, 2 SIP INFO (wazo `_SIP_DTMF_MODE`).
        out["account.1.dtmf.type"] = ["inband": "0", "info": "2"][p.setting("sip.dtmf")] ?? "1"
        let keepAlive = Int(p.setting("sip.keepAliveSeconds")) ?? 30
        out["account.1.nat.udp_update_enable"] = keepAlive > 0 ? "1" : "0"
        if keepAlive > 0 { out["account.1.nat.udp_update_time"] = String(keepAlive) }
        let chosen = MediaChoice.codecs(p)
        // Every codec the model has, on in the chosen order or off: one left unnamed would keep
        // whatever the phone had.
        for codec in p.model.codecs {
            let name = codec.lowercased()
            if let rank = chosen.firstIndex(of: codec) {
                out["account.1.codec.\(name).enable"] = "1"
                out["account.1.codec.\(name).priority"] = String(rank + 1)
            } else {
                out["account.1.codec.\(name).enable"] = "0"
            }
        }
    }

    /// Yealink DSS key type codes (reference §2.7).
    static func keyCode(_ type: String) -> String {
        switch type {
        case "line": return "15"
        case "speed_dial": return "13"
        case "blf": return "16"
        case "dnd": return "5"
        case "forward": return "2"
        case "voicemail": return "12"
        case "directory": return "29"
        case "history": return "28"
        case "pickup": return "9"
        case "park": return "10"
        case "conference": return "1"
        case "transfer": return "3"
        case "url": return "17"
        default: return "0"
        }
    }

    static func transportCode(_ transport: String) -> String {
        switch transport {
        case "tcp": return "1"
        case "tls": return "2"
        default: return "0"
        }
    }

    /// Catalogue order → Yealink's date format codes (0 WWW MMM DD … 6 WWW DD MMM).
    private static func dateFormatCode(_ index: Int) -> Int {
        [3, 2, 1, 4, 5, 0, 6][index]
    }

    private static func nonEmpty(_ a: String, _ b: String) -> String { a.isEmpty ? b : a }
}

func hostPort(_ text: String, defaultPort: String) -> (String, String) {
    if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]"), text[text.index(after: colon)...].allSatisfy(\.isNumber) {
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
    return (text, defaultPort)
}

/// `key = value` lines in insertion order.
struct Lines {
    private var text: String

    init(_ header: String) { text = header + "\n" }

    mutating func comment(_ line: String) { text += "## \(line)\n" }

    subscript(key: String) -> String? {
        get { nil }
        set {
            // Settings are validated free of control characters; a line break here would let a
            // value inject parameters, so any that slipped through is flattened.
            let value = (newValue ?? "").map { $0.isNewline ? " " : $0 }
            text += "\(key) = \(String(value))\n"
        }
    }

    var file: RenderedFile { RenderedFile(text, contentType: "text/plain; charset=utf-8") }
}
