import PieuvreCore

/// snom D7xx XML settings (reference §4.3): `snom725.htm` / `snomD765.htm` for the model and
/// `snomD765-<MAC>.htm` for the device. Pure and byte-stable like the Yealink renderer.
public enum SnomRenderer {
    static func common(model: PhoneModel, platform: PlatformProfile, settings: [String: String]) -> RenderedFile {
        var out = XML()
        out.open("settings")
        out.open("phone-settings", #" e="2""#)
        out.setting("setting_server", platform.provisioningURL, perm: "R")
        out.setting("settings_refresh_timer", String((Int(settings["provisioning.repeatMinutes"] ?? "1440") ?? 1440) * 60), perm: "R")
        out.setting("update_policy", "auto_update", perm: "R")
        out.setting("provisioning_order", "dhcp:stop redirection:stop", perm: "R")
        timeAndLanguage(&out, settings)
        out.close("phone-settings")
        if platform.pushesCA {
            // The platform's CAs, one certificate a file, over plain HTTP (a phone cannot fetch
            // over HTTPS what it needs to check HTTPS with), added to the ones the phone trusts
            // (ref §4.3 "Certificates" [U: placement in <settings>]).
            out.open("certificates")
            for url in platform.caURLs { out.empty("certificate", attributes: [("url", url)]) }
            out.close("certificates")
        }
        out.close("settings")
        return out.file
    }

    /// The `<firmware-settings>` document a snom reads from `firmware_status` (ref §4.3).
    public static func firmwareSettings(url: String) -> RenderedFile {
        var out = XML()
        out.open("firmware-settings")
        out.element("firmware", url, attributes: [("perm", "R")])
        out.close("firmware-settings")
        return out.file
    }

    static func device(_ p: DeviceProfile) -> RenderedFile {
        var out = XML()
        out.open("settings")
        out.open("phone-settings", #" e="2""#)
        out.setting("setting_server", p.platform.provisioningURL, perm: "R")
        out.setting("settings_refresh_timer", String((Int(p.setting("provisioning.repeatMinutes")) ?? 1440) * 60), perm: "R")
        out.setting("http_client_user", p.deviceUsername, perm: "R")
        out.setting("http_client_pass", p.devicePassword, perm: "R")
        out.setting("http_user", "admin", perm: "R")
        out.setting("http_pass", p.webAdminPassword, perm: "R")
        // The handset's admin menu, locked with the same password as the web page (reference §4.3).
        out.setting("admin_mode_password", p.webAdminPassword, perm: "R")
        // The platform's check-sync NOTIFY (and a message-waiting NOTIFY) carry no credentials:
        // with these on the phone answers them 401 and never re-reads its files (Gemeinschaft's
        // snom provisioning writes all three off).
        out.setting("challenge_checksync", "off", perm: "R")
        out.setting("challenge_response", "off", perm: "R")
        timeAndLanguage(&out, p.settings)
        out.setting("time_24_format", p.setting("preferences.timeFormat") == "12h" ? "off" : "on", perm: "")
        out.setting("date_us_format", p.setting("preferences.dateFormat") == "MM/DD/YY" ? "on" : "off", perm: "")
        if let account = p.account {
            let domain = p.platform.sipDomain + (p.setting("sip.port") == "5060" ? "" : ":\(p.setting("sip.port"))")
            out.setting("user_active", "on", idx: 1, perm: "R")
            out.setting("user_realname", p.setting("line.1.displayName").isEmpty ? account.displayName : p.setting("line.1.displayName"), idx: 1, perm: "R")
            out.setting("user_idle_text", p.setting("line.1.label").isEmpty ? account.label : p.setting("line.1.label"), idx: 1, perm: "R")
            out.setting("user_name", account.number, idx: 1, perm: "R")
            out.setting("user_pname", account.authName, idx: 1, perm: "R")
            out.setting("user_pass", account.password, idx: 1, perm: "R")
            out.setting("user_host", domain, idx: 1, perm: "R")
            // Always written with its transport (wazo base.tpl): without it a TCP or TLS transport
            // has nowhere to go. No proxy: the registrar itself.
            let outbound = p.platform.sipProxy ?? "\(p.platform.sipDomain):\(p.setting("sip.port"))"
            var outbounds = ["\(outbound);transport=\(p.setting("sip.transport"))"]
            let backup = p.setting("sip.backupServer")
            if !backup.isEmpty {
                // The backup after a comma: tried when the first does not answer (ref §4.3).
                let (host, port) = hostPort(backup, defaultPort: p.setting("sip.port"))
                outbounds.append("\(host):\(port);transport=\(p.setting("sip.transport"))")
            }
            out.setting("user_outbound", outbounds.joined(separator: ","), idx: 1, perm: "R")
            out.setting("user_expiry", p.setting("sip.registrationExpires"), idx: 1, perm: "R")
            out.setting("user_mailbox", p.setting("voicemail.number"), idx: 1, perm: "R")
            media(&out, p)
            out.setting("user_ringer", p.setting("preferences.ringtone").replacingOccurrences(of: "Ring", with: "Ringer"), idx: 1, perm: "")
            // `!`: a forward set on the handset survives the next provisioning (as Yealink's
            // custom.protect keeps it); the portal's value applies until the user changes it there.
            let kept = "!"
            out.setting("record_missed_calls", onOff(p.setting("features.callLog.missed")), idx: 1, perm: "")
            out.setting("fwd_all_enabled", onOff(p.setting("features.forward.always.enabled")), idx: 1, perm: kept)
            out.setting("fwd_all_target", p.setting("features.forward.always.target"), idx: 1, perm: kept)
            out.setting("fwd_busy_enabled", onOff(p.setting("features.forward.busy.enabled")), idx: 1, perm: kept)
            out.setting("fwd_busy_target", p.setting("features.forward.busy.target"), idx: 1, perm: kept)
            out.setting("fwd_time_enabled", onOff(p.setting("features.forward.noAnswer.enabled")), idx: 1, perm: kept)
            out.setting("fwd_time_target", p.setting("features.forward.noAnswer.target"), idx: 1, perm: kept)
            out.setting("fwd_time_secs", String((Int(p.setting("features.forward.noAnswer.rings")) ?? 2) * 6), idx: 1, perm: kept)
        } else {
            out.setting("user_active", "off", idx: 1, perm: "R")
        }
        let dialPlan = SnomRenderer.dialPlan(p)
        if !dialPlan.isEmpty { out.setting("user_dp_str", dialPlan, idx: 1, perm: "R") }
        out.setting("dnd_mode", onOff(p.setting("features.dnd.enabled")), perm: "!")
        out.setting("record_dialed_calls", onOff(p.setting("features.callLog.save")), perm: "")
        out.setting("record_received_calls", onOff(p.setting("features.callLog.save")), perm: "")
        // The lamp tells of waiting messages; no sound on top (FusionPBX's snom templates and
        // the reference's sample write `silent`).
        out.setting("mwi_notification", "silent", perm: "")
        // Only the soft keys set here: the others keep the phone's own functions (wazo touches
        // 1 and 4 only; forcing "none" took the factory keys away).
        for n in stride(from: 1, through: min(p.model.softKeys, 4), by: 1) where p.setting("keys.soft.\(n).type") != "none" {
            out.setting("gui_fkey\(n)", softKey(p, n), perm: "")
        }
        out.close("phone-settings")
        if p.model.lineKeys > 0 {
            out.open("functionKeys", #" e="2""#)
            for n in 1...p.model.lineKeys {
                let type = p.setting("keys.line.\(n).type")
                let value = p.setting("keys.line.\(n).value")
                out.element("fkey", function(type, value, p), attributes: [("idx", String(n - 1)), ("context", type == "line" ? "1" : "active"), ("label", p.setting("keys.line.\(n).label")), ("perm", "R")])
            }
            out.close("functionKeys")
        }
        out.close("settings")
        return out.file
    }

    private static func timeAndLanguage(_ out: inout XML, _ settings: [String: String]) {
        let zone = TimeZoneRule.of(settings["preferences.timeZone"] ?? "Europe/Paris")
        let language = settings["preferences.language"] ?? "French"
        out.setting("language", snomLanguage(language), perm: "")
        out.setting("web_language", snomLanguage(language), perm: "")
        out.setting("timezone", zone.snomName, perm: "")
        out.setting("ntp_server", settings["time.ntpServer"] ?? "0.fr.pool.ntp.org", perm: "")
        out.setting("tone_scheme", TimeZoneRule.tones(settings).snom, perm: "")
    }

    private static func snomLanguage(_ language: String) -> String {
        switch language {
        case "French": return "Français"
        case "German": return "Deutsch"
        case "Italian": return "Italiano"
        case "Spanish": return "Español"
        default: return "English"
        }
    }

    private static func softKey(_ p: DeviceProfile, _ n: Int) -> String {
        switch p.setting("keys.soft.\(n).type") {
        case "directory": return "keyevent F_ADR_BOOK"
        case "history": return "keyevent F_CALL_LIST"
        case "dnd": return "keyevent F_DND"
        case "forward": return "keyevent F_REDIRECT"
        case "voicemail": return "keyevent F_RETRIEVE"
        case "none": return "none"
        case let other: return function(other, p.setting("keys.soft.\(n).value"), p)
        }
    }

    /// snom function-key syntax: `line`, `speed 200`, `blf sip:202@domain`, …
    private static func function(_ type: String, _ value: String, _ p: DeviceProfile) -> String {
        switch type {
        case "line": return "line"
        case "speed_dial": return "speed \(value)"
        // `|code`: dialled to pick the supervised number's ringing call up (wazo `blf <ext>|<pickup>`).
        case "blf": return "blf sip:\(value)@\(p.platform.sipDomain)|\(p.setting("features.pickupCode"))"
        case "park": return "orbit \(value)"
        case "url": return "url \(value)"
        case "dnd": return "keyevent F_DND"
        case "forward": return "keyevent F_REDIRECT"
        case "voicemail": return "keyevent F_RETRIEVE"
        case "directory": return "keyevent F_ADR_BOOK"
        case "history": return "keyevent F_CALL_LIST"
        case "pickup": return "speed \(value)"
        case "conference": return "keyevent F_CONFERENCE"
        case "transfer": return "keyevent F_TRANSFER"
        default: return "none"
        }
    }

    private static func onOff(_ flag: String) -> String { flag == "1" ? "on" : "off" }

    /// SRTP, DTMF, NAT keep-alive and codecs of identity 1 (wazo base.tpl: `user_srtp`,
    /// `user_savp`, `user_dtmf_info`, `codec_priority_list`; Gemeinschaft: `keepalive_interval`).
    private static func media(_ out: inout XML, _ p: DeviceProfile) {
        let srtp = p.setting("sip.srtp")
        out.setting("user_srtp", srtp == "off" ? "off" : "on", idx: 1, perm: "R")
        out.setting("user_savp", ["optional": "optional", "required": "mandatory"][srtp] ?? "off", idx: 1, perm: "R")
        let dtmf = p.setting("sip.dtmf")
        out.setting("user_dtmf_info", dtmf == "info" ? "sip_info_only" : "off", idx: 1, perm: "R")
        // RFC 2833 is `telephone-event` in the list; without it the tones go in the audio.
        let codecs = MediaChoice.codecs(p).map { $0.lowercased() } + (dtmf == "rfc2833" ? ["telephone-event"] : [])
        out.setting("codec_priority_list", codecs.joined(separator: ","), idx: 1, perm: "R")
        out.setting("keepalive_interval", p.setting("sip.keepAliveSeconds"), idx: 1, perm: "R")
    }

    /// The dial plan's rules as snom's `user_dp_str`: `!regex!replacement!` rules separated by
    /// spaces, the first that matches taken (snom "Dial Plan - Regular Expressions": "The
    /// patterns are separated by spaces"; `!` or `|` separates a rule's parts). The catalogue's patterns are Yealink's (`x` a digit, `.`
    /// anything, `( )` captured), made a whole-number regex; `$1` becomes `\1`.
    static func dialPlan(_ p: DeviceProfile) -> String {
        var rules: [String] = []
        for n in 1...5 {
            let prefix = p.setting("features.dialPlan.\(n).prefix")
            guard !prefix.isEmpty else { continue }
            let (pattern, replacement) = YealinkRenderer.dialRule(prefix: prefix, replace: p.setting("features.dialPlan.\(n).replace"))
            var regex = "^"
            for character in pattern {
                switch character {
                case "+", "*": regex += "\\" + String(character)
                case ".": regex += ".*"
                case "x", "X": regex += "[0-9]"
                default: regex.append(character)
                }
            }
            var snomReplacement = ""
            for character in replacement {
                snomReplacement += character == "$" ? "\\" : String(character)
            }
            // `!` separates a rule's parts and a space the rules: never in a validated pattern,
            // dropped from a replacement.
            rules.append("!\(regex)$!\(snomReplacement.filter { $0 != "!" && $0 != "|" && !$0.isWhitespace })!")
        }
        return rules.joined(separator: " ")
    }
}

/// A small XML writer that escapes every text and attribute.
struct XML {
    private var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    private var depth = 0

    mutating func open(_ name: String, _ attributes: String = "") {
        text += indent + "<\(name)\(attributes)>\n"
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</\(name)>\n"
    }

    mutating func setting(_ name: String, _ value: String, idx: Int? = nil, perm: String) {
        var attributes: [(String, String)] = []
        if let idx { attributes.append(("idx", String(idx))) }
        attributes.append(("perm", perm))
        element(name, value, attributes: attributes)
    }

    mutating func element(_ name: String, _ value: String, attributes: [(String, String)]) {
        let attrs = attributes.map { " \($0.0)=\"\(Markup.escape($0.1))\"" }.joined()
        text += indent + "<\(name)\(attrs)>\(Markup.escape(value))</\(name)>\n"
    }

    mutating func empty(_ name: String, attributes: [(String, String)]) {
        let attrs = attributes.map { " \($0.0)=\"\(Markup.escape($0.1))\"" }.joined()
        text += indent + "<\(name)\(attrs)/>\n"
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    var file: RenderedFile { RenderedFile(text, contentType: "application/xml; charset=utf-8") }
}
