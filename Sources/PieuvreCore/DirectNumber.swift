/// A line's direct-dial number (the seed's "SDA"): the line's identity on the platform and the
/// login of its user.
///
/// French national numbers are 10 digits starting with 0 (`0970711111`); international ones are
/// E.164, `+` then 8 to 15 digits. Spaces, dots and dashes people type are dropped.
public struct DirectNumber: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public init(parsing text: String, field: String = "sda") throws(DomainError) {
        let compact = text.filter { $0 != " " && $0 != "." && $0 != "-" }
        if compact.hasPrefix("+") {
            let rest = compact.dropFirst()
            guard (8...15).contains(rest.count), rest.allSatisfy(\.isASCIIDigit), rest.first != "0" else {
                throw .invalid(field: field, value: text, reason: Reason("bad-number", en: "is not an E.164 number (+ then 8 to 15 digits)", fr: "n'est pas un numéro international (+ puis 8 à 15 chiffres)."))
            }
        } else {
            guard compact.count == 10, compact.allSatisfy(\.isASCIIDigit), compact.first == "0" else {
                throw .invalid(field: field, value: text, reason: Reason("bad-number", en: "is not a French number of 10 digits starting with 0, nor an E.164 number", fr: "n'est ni un numéro français de 10 chiffres commençant par 0, ni un numéro international (+33…)."))
            }
        }
        self.digits = compact
    }

    public var description: String { digits }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
