import PieuvreCore

/// Human labels of the settings catalogue, in French and English, and the seed's groups in the
/// seed's order. The neutral key is shown beside each label only as a hint.
enum SettingLabels {
    /// The seed's collapsible groups, in its order; subgroups under "Features".
    static let groupOrder = [
        "Programmable Keys - Line Key", "Programmable Keys - Soft key", "Features", "Notification Popups", "Preferences", "Line 1", "Platform",
    ]
    static let featureOrder = ["Dial Plan", "Call Log", "DND&Forward", "CommPortal Phone Applications", "LDAP"]

    /// (top group, subgroup) of a catalogue group string, and the subgroup for indexed keys.
    static func place(_ definition: SettingDefinition, _ lang: PortalLanguage) -> (group: String, subgroup: String?) {
        let group = definition.group
        if group.hasPrefix("Programmable Keys") {
            let n = definition.key.split(separator: ".").dropFirst(2).first.map(String.init) ?? ""
            if definition.key.hasPrefix("keys.soft.") {
                return (group, lang == .fr ? "Touche\(n)" : "Key \(n)")
            }
            return (group, lang == .fr ? "Touche de ligne \(n)" : "Line key \(n)")
        }
        if group.hasPrefix("Features - ") { return ("Features", String(group.dropFirst("Features - ".count))) }
        return (group, nil)
    }

    static func label(_ key: String, _ lang: PortalLanguage) -> String {
        let parts = key.split(separator: ".").map(String.init)
        if parts.count == 4, parts[0] == "keys" {
            return lang == .fr ? ["type": "Type", "value": "Valeur", "label": "Libellé"][parts[3]] ?? parts[3]
                               : ["type": "Type", "value": "Value", "label": "Label"][parts[3]] ?? parts[3]
        }
        if parts.count == 4, parts[1] == "dialPlan" {
            let n = parts[2]
            return lang == .fr ? (parts[3] == "prefix" ? "Règle \(n) : préfixe" : "Règle \(n) : remplacer par")
                               : (parts[3] == "prefix" ? "Rule \(n): prefix" : "Rule \(n): replace with")
        }
        guard let pair = fixed[key] else { return key }
        return lang == .fr ? pair.0 : pair.1
    }

    static func option(_ value: String, _ lang: PortalLanguage) -> String {
        guard let pair = options[value] else { return value }
        return lang == .fr ? pair.0 : pair.1
    }

    private static let fixed: [String: (String, String)] = [
        "features.callLog.save": ("Enregistrer l'historique des appels", "Save call history"),
        "features.callLog.missed": ("Journal des appels manqués", "Log missed calls"),
        "features.dnd.enabled": ("Ne pas déranger", "Do not disturb"),
        "features.forward.always.enabled": ("Renvoi immédiat", "Always forward"),
        "features.forward.always.target": ("Renvoi immédiat vers", "Always forward to"),
        "features.forward.busy.enabled": ("Renvoi sur occupation", "Forward when busy"),
        "features.forward.busy.target": ("Renvoi sur occupation vers", "Forward when busy to"),
        "features.forward.noAnswer.enabled": ("Renvoi sur non-réponse", "Forward on no answer"),
        "features.forward.noAnswer.target": ("Renvoi sur non-réponse vers", "Forward on no answer to"),
        "features.forward.noAnswer.rings": ("Sonneries avant renvoi", "Rings before forwarding"),
        "directory.network.enabled": ("Network Contacts (Extensions et Contacts)", "Network Contacts (Extensions and Contacts)"),
        "directory.commPortal.username": ("CommPortal Web Access Username", "CommPortal Web Access Username"),
        "directory.commPortal.password": ("CommPortal Web Access Password", "CommPortal Web Access Password"),
        "directory.ldap.enabled": ("Annuaire LDAP", "LDAP directory"),
        "directory.ldap.server": ("Serveur LDAP", "LDAP server"),
        "directory.ldap.port": ("Port", "Port"),
        "directory.ldap.security": ("Sécurité (TLS)", "Security (TLS)"),
        "directory.ldap.base": ("Base de recherche", "Search base"),
        "directory.ldap.bindUser": ("Utilisateur", "Bind user"),
        "directory.ldap.bindPassword": ("Mot de passe", "Bind password"),
        "directory.ldap.nameFilter": ("Filtre de nom", "Name filter"),
        "directory.ldap.numberFilter": ("Filtre de numéro", "Number filter"),
        "directory.ldap.nameAttributes": ("Attributs de nom", "Name attributes"),
        "directory.ldap.numberAttributes": ("Attributs de numéro", "Number attributes"),
        "directory.ldap.displayName": ("Nom affiché", "Display name"),
        "notifications.popup.missedCall": ("Appel manqué", "Missed call"),
        "notifications.popup.voicemail": ("Nouveau message vocal", "New voicemail"),
        "notifications.popup.textMessage": ("Message texte", "Text message"),
        "notifications.popup.forward": ("Appel renvoyé", "Forwarded call"),
        "preferences.language": ("Langue", "Language"),
        "preferences.timeZone": ("Fuseau horaire", "Time zone"),
        "preferences.timeFormat": ("Format de l'heure", "Time format"),
        "preferences.dateFormat": ("Format de la date", "Date format"),
        "preferences.ringtone": ("Sonnerie", "Ringtone"),
        "preferences.tones": ("Tonalités (pays)", "Call progress tones (country)"),
        "line.1.displayName": ("Nom affiché (présentation)", "Display name (caller ID)"),
        "line.1.label": ("Libellé de la ligne à l'écran", "Line label on screen"),
        "voicemail.number": ("Numéro de la messagerie", "Voicemail number"),
        "voicemail.subscribeMWI": ("Abonnement aux messages en attente", "Subscribe to message waiting"),
        "firmware.version": ("Version du micrologiciel", "Firmware version"),
        "features.pickupCode": ("Code d'interception (touches BLF)", "Pickup code (BLF keys)"),
        "provisioning.repeatMinutes": ("Intervalle de vérification (minutes)", "Check interval (minutes)"),
        "time.ntpServer": ("Serveur NTP", "NTP server"),
        "sip.transport": ("Transport SIP", "SIP transport"),
        "sip.port": ("Port SIP", "SIP port"),
        "sip.registrationExpires": ("Durée d'enregistrement (s)", "Registration expiry (s)"),
        "sip.srtp": ("Chiffrement des médias (SRTP)", "Media encryption (SRTP)"),
        "sip.codecs": ("Codecs, par ordre de préférence (séparés par des virgules)", "Codecs, in order of preference (comma-separated)"),
        "sip.dtmf": ("Envoi des touches (DTMF)", "Key tones (DTMF)"),
        "sip.keepAliveSeconds": ("Maintien NAT (s, 0 : aucun)", "NAT keep-alive (s, 0: none)"),
        "sip.backupServer": ("Serveur SIP de secours (hôte[:port])", "Backup SIP server (host[:port])"),
    ]

    private static let options: [String: (String, String)] = [
        "none": ("Aucune", "None"), "line": ("Ligne", "Line"), "speed_dial": ("Numérotation rapide", "Speed dial"),
        "blf": ("Supervision (BLF)", "BLF"), "dnd": ("Ne pas déranger", "Do not disturb"), "forward": ("Renvoi", "Forward"),
        "voicemail": ("Messagerie vocale", "Voicemail"), "directory": ("Répertoire", "Directory"), "history": ("Historique", "History"),
        "pickup": ("Interception", "Pickup"), "park": ("Parcage", "Park"), "conference": ("Conférence", "Conference"),
        "transfer": ("Transfert", "Transfer"), "url": ("URL", "URL"),
        "French": ("Français", "French"), "English": ("Anglais", "English"), "German": ("Allemand", "German"),
        "Italian": ("Italien", "Italian"), "Spanish": ("Espagnol", "Spanish"),
        "zone": ("Selon le fuseau horaire", "From the time zone"), "France": ("France", "France"), "Belgium": ("Belgique", "Belgium"),
        "Switzerland": ("Suisse", "Switzerland"), "United Kingdom": ("Royaume-Uni", "United Kingdom"), "Germany": ("Allemagne", "Germany"),
        "Italy": ("Italie", "Italy"), "Spain": ("Espagne", "Spain"),
        "starttls": ("StartTLS", "StartTLS"), "ldaps": ("LDAPS", "LDAPS"),
        "udp": ("UDP", "UDP"), "tcp": ("TCP", "TCP"), "tls": ("TLS", "TLS"),
        "off": ("Désactivé", "Off"), "optional": ("Proposé", "Offered"), "required": ("Obligatoire", "Required"),
        "rfc2833": ("RFC 2833 (dans le flux RTP)", "RFC 2833 (in RTP)"), "info": ("SIP INFO", "SIP INFO"), "inband": ("Dans la voix (in-band)", "In-band (in the audio)"),
    ]
}
