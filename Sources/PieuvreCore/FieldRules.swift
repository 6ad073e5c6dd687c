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

extension FieldRules {
    /// An RFC 3339 time (`2026-11-27T18:00:00Z`, `…+01:00`, fractions allowed), every field in
    /// its range: Foundation's parser rolls `12:99` over to `13:39`, which would set a window to
    /// a time nobody typed.
    public static func time(_ text: String, field: String) throws(DomainError) -> Date {
        let reason = "is not an ISO 8601 time such as 2026-11-27T18:00:00Z"
        guard let match = text.wholeMatch(of: /(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))/),
              let month = Int(match.2), (1...12).contains(month), let day = Int(match.3), (1...31).contains(day),
              let hour = Int(match.4), hour < 24, let minute = Int(match.5), minute < 60, let second = Int(match.6), second < 60 else {
            throw .invalid(field: field, value: text, reason: reason)
        }
        if let offsetHours = match.9.flatMap({ Int($0) }), let offsetMinutes = match.10.flatMap({ Int($0) }), offsetHours > 23 || offsetMinutes > 59 {
            throw .invalid(field: field, value: text, reason: reason)
        }
        // The day must exist in its month (no 31 April): the parsed date reads back the same day.
        guard let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: match.7 != nil).parse(text) else {
            throw .invalid(field: field, value: text, reason: reason)
        }
        var calendar = Calendar(identifier: .gregorian)
        let offset = match.9.flatMap { Int($0) }.map { hours in (hours * 60 + (match.10.flatMap { Int($0) } ?? 0)) * (match.8.hasPrefix("-") ? -60 : 60) } ?? 0
        calendar.timeZone = TimeZone(secondsFromGMT: offset) ?? .gmt
        guard calendar.component(.day, from: date) == day else { throw .invalid(field: field, value: text, reason: reason) }
        return date
    }
}
