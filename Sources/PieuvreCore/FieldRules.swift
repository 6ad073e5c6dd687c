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
            throw .invalid(field: field, value: String(trimmed.prefix(40)) + "…", reason: "is longer than \(max) characters")
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalid(field: field, value: trimmed, reason: "contains a control character")
        }
        return trimmed
    }

    /// French postal code: 5 digits.
    public static func postalCode(_ value: String?) throws(DomainError) -> String {
        let v = try text(value, field: "postalCode", max: 5)
        guard v.count == 5, v.allSatisfy(\.isASCIIDigit) else {
            throw .invalid(field: "postalCode", value: v, reason: "must be 5 digits")
        }
        return v
    }

    /// A customer reference: what the seed shows is a number (10000); letters are allowed for
    /// operators who import references from another system.
    public static func reference(_ value: String) throws(DomainError) -> String {
        let v = value.trimmingWhitespace()
        guard (1...20).contains(v.count), v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw .invalid(field: "reference", value: value, reason: "must be 1 to 20 letters, digits, '-' or '_'")
        }
        return v
    }

    /// Logins of operator and reseller accounts. Not a phone number: those are the users' logins.
    public static func login(_ value: String?) throws(DomainError) -> String {
        let v = try text(value, field: "login", max: 64)
        guard v.count >= 3, v.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._@-".contains($0)) }) else {
            throw .invalid(field: "login", value: v, reason: "must be 3 to 64 letters, digits, '.', '_', '@' or '-'")
        }
        guard !v.allSatisfy(\.isASCIIDigit) else {
            throw .invalid(field: "login", value: v, reason: "is all digits, which is reserved for line numbers")
        }
        // One spelling per login: sign-in and its throttle compare logins without case.
        return v.lowercased()
    }

    /// Passwords people choose: 8 characters at least; bcrypt reads 72 bytes at most.
    public static func password(_ value: String?, field: String = "password") throws(DomainError) -> String {
        guard let value, !value.isEmpty else { throw .missing(field: field) }
        guard value.count >= 8 else {
            throw .invalid(field: field, value: "(hidden)", reason: "is shorter than 8 characters")
        }
        guard value.utf8.count <= 72 else {
            throw .invalid(field: field, value: "(hidden)", reason: "is longer than 72 bytes")
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
            throw .invalid(field: "internationalRestriction", value: text, reason: "is not one of: \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = match
    }
}
