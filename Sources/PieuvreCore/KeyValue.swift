/// What a programmable key's value must be for its type: a speed-dial key dials it and a BLF key
/// watches it, so both take a number (digits, `+`, `*`, `#`; spaces as people write them are
/// dropped) or a SIP address (`sip:201@example.fr`). A name ("Jean") would be written into the
/// phone's file and dial nothing.
public enum KeyValue {
    public static let numberTypes: Set<String> = ["speed_dial", "blf"]

    /// The value as stored: `value` checked against `type`; other types keep it as typed.
    public static func validate(type: String, value: String, field: String) throws(DomainError) -> String {
        guard numberTypes.contains(type) else { return value }
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .missing(field: field) }
        let lower = trimmed.lowercased()
        if lower.hasPrefix("sip:") || lower.hasPrefix("sips:") {
            let rest = trimmed.drop { $0 != ":" }.dropFirst()
            let parts = rest.split(separator: "@", omittingEmptySubsequences: false)
            let ok = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && trimmed.count <= 64
                && !trimmed.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "\"" })
            if ok { return trimmed }
        } else {
            let compact = trimmed.filter { $0 != " " && $0 != "." && $0 != "-" }
            if (1...32).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isNumber || "+*#".contains($0)) }) {
                return compact
            }
        }
        throw .invalid(field: field, value: trimmed, reason: Reason(
            "key-value", en: "must be a number to \(type == "blf" ? "watch" : "dial") (digits, + * #, such as 0970711112 or 201) or a SIP address (sip:201@example.fr)",
            fr: "doit être un numéro à \(type == "blf" ? "superviser" : "appeler") (chiffres, + * #, par exemple 0970711112 ou 201) ou une adresse SIP (sip:201@exemple.fr)."))
    }
}
