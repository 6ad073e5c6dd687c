/// A French establishment identifier: 14 digits whose Luhn sum is a multiple of 10.
public struct SIRET: Hashable, Sendable, CustomStringConvertible {
    public let digits: String

    public init(parsing text: String) throws(DomainError) {
        let compact = text.filter { $0 != " " }
        guard compact.count == 14, compact.allSatisfy(\.isASCIIDigit) else {
            throw .invalid(field: "siret", value: text, reason: Reason("siret-digits", en: "must be 14 digits", fr: "doit compter 14 chiffres."))
        }
        guard Self.luhnValid(compact) else {
            throw .invalid(field: "siret", value: text, reason: Reason("siret-checksum", en: "fails the Luhn check (a digit is wrong)", fr: "n'est pas un SIRET valide (clé de Luhn fausse : un chiffre est erroné)."))
        }
        self.digits = compact
    }

    public var description: String { digits }

    static func luhnValid(_ digits: String) -> Bool {
        var sum = 0
        for (i, ch) in digits.reversed().enumerated() {
            var d = Int(ch.asciiValue! - 48)
            if i % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }
}
