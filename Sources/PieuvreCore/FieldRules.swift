import Foundation

/// The rules for free-text and small enumerated fields, each in one place.
public enum FieldRules {
    /// A required one-line text: trimmed, not empty, at most `max` characters, no control characters.
    public static func text(_ value: String?, field: String, max: Int = 200) throws(DomainError) -> String {
        guard let value else { throw .missing(field: field) }
        let trimmed = value.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .missing(field: field) }
        return try optionalText(trimmed, field: field, max: max)
    }

    /// An optional one-line text; empty stays empty.
    public static func optionalText(_ value: String, field: String, max: Int = 200) throws(DomainError) -> String {
        let trimmed = value.trimmingWhitespace()
        guard trimmed.count <= max else {
            throw .invalid(field: field, value: String(trimmed.prefix(40)) + "…", reason: .tooLong(max))
        }
        // Control characters, and the noncharacters XML forbids (U+FFFE, U+FFFF, U+FDD0…U+FDEF):
        // names end up in phonebook XML and snom's files, which one of them would break.
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isNoncharacterCodePoint }) {
            throw .invalid(field: field, value: trimmed, reason: Reason("control-character", en: "contains a control character", fr: "contient un caractère de contrôle."))
        }
        return trimmed
    }

    /// French postal code: 5 digits.
    public static func postalCode(_ value: String?) throws(DomainError) -> String {
        let v = try text(value, field: "postalCode", max: 5)
        guard v.count == 5, v.allSatisfy(\.isASCIIDigit) else {
            throw .invalid(field: "postalCode", value: v, reason: Reason("postal-code", en: "must be 5 digits", fr: "doit compter 5 chiffres."))
        }
        return v
    }

    /// A customer reference: what the seed shows is a number (10000); letters are allowed for
    /// operators who import references from another system.
    public static func reference(_ value: String) throws(DomainError) -> String {
        let v = value.trimmingWhitespace()
        guard (1...20).contains(v.count), v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw .invalid(field: "reference", value: value, reason: Reason("bad-reference", en: "must be 1 to 20 letters, digits, '-' or '_'", fr: "doit compter 1 à 20 lettres, chiffres, « - » ou « _ »."))
        }
        return v
    }

    /// Logins of operator and reseller accounts. Not a phone number: those are the users' logins.
    public static func login(_ value: String?) throws(DomainError) -> String {
        let v = try text(value, field: "login", max: 64)
        guard v.count >= 3, v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) }) else {
            throw .invalid(field: "login", value: v, reason: Reason("bad-login", en: "must be 3 to 64 letters, digits, '.', '_', '@' or '-'", fr: "doit compter 3 à 64 lettres, chiffres, « . », « _ », « @ » ou « - »."))
        }
        guard !v.allSatisfy(\.isASCIIDigit) else {
            throw .invalid(field: "login", value: v, reason: Reason("login-digits", en: "is all digits, which is reserved for line numbers", fr: "ne compte que des chiffres, ce qui est réservé aux numéros de ligne."))
        }
        // One spelling per login: sign-in and its throttle compare logins without case.
        return v.lowercased()
    }

    /// Passwords people choose: 8 characters at least; bcrypt reads 72 bytes at most.
    public static func password(_ value: String?, field: String = "password") throws(DomainError) -> String {
        guard let value, !value.isEmpty else { throw .missing(field: field) }
        guard value.count >= 8 else {
            throw .invalid(field: field, value: "(hidden)", reason: Reason("password-short", en: "is shorter than 8 characters", fr: "compte moins de 8 caractères."))
        }
        guard value.utf8.count <= 72 else {
            throw .invalid(field: field, value: "(hidden)", reason: Reason("password-long", en: "is longer than 72 bytes", fr: "dépasse 72 octets."))
        }
        return value
    }
}

/// Call barring class of a line (the seed's "Restriction internationale").
public enum InternationalRestriction: String, Sendable, CaseIterable {
    case none = "No restriction"
    case highRisk = "Bar high-risk countries"
    case all = "Bar all international calls"

    public static let `default` = InternationalRestriction.highRisk

    public init(parsing text: String) throws(DomainError) {
        let key = text.trimmingWhitespace().lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == key || "\($0)".lowercased() == key }) else {
            throw .invalid(field: "internationalRestriction", value: text, reason: .oneOf(Self.allCases.map(\.rawValue)))
        }
        self = match
    }
}

extension FieldRules {
    /// An RFC 3339 time (`2026-11-27T18:00:00Z`, `…+01:00`, fractions allowed), every field in
    /// its range: Foundation's parser rolls `12:99` over to `13:39`, which would set a window to
    /// a time nobody typed.
    public static func time(_ text: String, field: String) throws(DomainError) -> Date {
        let reason = Reason("bad-time", en: "is not an ISO 8601 time such as 2026-11-27T18:00:00Z", fr: "n'est pas une heure ISO 8601 comme 2026-11-27T18:00:00Z.")
        let bytes = Array(text.utf8)
        // Read by position (no regex literal: the fuzzing build compiles this module in Swift 5 mode).
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func at(_ index: Int, _ character: Character) -> Bool { index < bytes.count && bytes[index] == character.asciiValue }
        guard number(0, 4) != nil, at(4, "-"), let month = number(5, 2), at(7, "-"), let day = number(8, 2), at(10, "T"),
              let hour = number(11, 2), at(13, ":"), let minute = number(14, 2), at(16, ":"), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60 else {
            throw .invalid(field: field, value: text, reason: reason)
        }
        var index = 19
        var fraction = false
        if at(index, ".") {
            index += 1
            let digits = bytes[index...].prefix { (48...57).contains($0) }.count
            guard (1...9).contains(digits) else { throw .invalid(field: field, value: text, reason: reason) }
            index += digits
            fraction = true
        }
        var offset = 0
        if at(index, "Z"), index + 1 == bytes.count {
            offset = 0
        } else if at(index, "+") || at(index, "-"), index + 6 == bytes.count, let hours = number(index + 1, 2), at(index + 3, ":"), let minutes = number(index + 4, 2), hours < 24, minutes < 60 {
            offset = (at(index, "-") ? -1 : 1) * (hours * 3600 + minutes * 60)
        } else {
            throw .invalid(field: field, value: text, reason: reason)
        }
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: fraction).parse(text) else {
            throw .invalid(field: field, value: text, reason: reason)
        }
        // The day must exist in its month (no 31 April): the parsed date reads back the same day.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? .gmt
        guard calendar.component(.day, from: date) == day else { throw .invalid(field: field, value: text, reason: reason) }
        return date
    }
}
