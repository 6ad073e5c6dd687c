/// What can go wrong in a domain operation, independent of how it is reported (HTTP, TFTP, CLI).
public enum DomainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value that breaks a rule; the message names the field and the value.
    case invalid(field: String, value: String, reason: Reason)
    /// A required field is absent.
    case missing(field: String)
    /// The object exists already (MAC, SDA, reference, login). The seed fixes the text; `holder`
    /// names who holds it, for a caller allowed to know (the operator, that customer's reseller).
    case duplicate(field: String, value: String, holder: String? = nil)
    /// Not there, or not visible to the caller: both look the same from outside.
    case notFound(what: String, key: String)
    /// The caller's role may not do this at all.
    case forbidden(Reason)
    /// The request is well formed but conflicts with the state of other records.
    case unprocessable(Reason)
    /// An import refused as a whole, with one entry per bad line.
    case importRefused([ImportLineError])

    /// An import's error list is shown up to this many lines (and the total), so a huge bad
    /// file cannot make a huge answer.
    public static let maxListedErrors = 1000

    /// The exact text the seed's extranet shows when a MAC is registered twice.
    public static let duplicateObjectMessage = "An attempt has been made to create a duplicate object."

    /// The API's English message (unchanged wording: clients and tests match on it; the seed's
    /// duplicate sentence exactly, the holder going in its own field).
    public var description: String {
        if case .duplicate = self { return Self.duplicateObjectMessage }
        return text(french: false)
    }

    /// A stable code for programs (the API's `code`), the same whatever the language.
    public var code: String {
        switch self {
        case let .invalid(_, _, reason): return reason.code
        case .missing: return "missing"
        case .duplicate: return "duplicate"
        case .notFound: return "not-found"
        case let .forbidden(reason): return reason.code
        case let .unprocessable(reason): return reason.code
        case .importRefused: return "import-refused"
        }
    }

    /// The message in French or English; `label` names a field as the page shows it (the
    /// portals pass their form labels, the API keeps the field paths) and `value` shows a value
    /// as the reader expects it (the portals turn an ISO 8601 instant into their local time).
    public func text(french: Bool, label: (String) -> String = { $0 }, value shown: (String) -> String = { $0 }) -> String {
        switch self {
        case let .invalid(field, value, reason):
            if french {
                return value.isEmpty ? "\(label(field)) : \(reason.fr)" : "\(label(field)) « \(shown(value)) » \(reason.fr)"
            }
            return "\(label(field)) '\(shown(value))' \(reason.en)"
        case let .missing(field):
            return french ? "Le champ « \(label(field)) » est obligatoire." : "\(label(field)) is required"
        case let .duplicate(_, value, holder):
            // The seed's sentence, in English on every page, as the guide shows it.
            guard let holder else { return Self.duplicateObjectMessage }
            return Self.duplicateObjectMessage + (french ? " (\(value) : client \(holder))" : " (\(value): customer \(holder))")
        case let .notFound(what, key):
            return french ? "Introuvable : \(Self.frenchThing[what] ?? what) « \(key) »." : "no \(what) '\(key)'"
        case let .forbidden(reason), let .unprocessable(reason):
            return french ? reason.fr : reason.en
        case let .importRefused(lines):
            if french {
                return "Import refusé : \(lines.count) ligne\(lines.count == 1 ? "" : "s") en erreur, rien n'a été importé."
            }
            return "import refused: \(lines.count) bad line\(lines.count == 1 ? "" : "s"), nothing was imported"
        }
    }

    /// The French text naming each field by its form label: what import reports carry beside
    /// the English one.
    public var frenchText: String { text(french: true, label: FieldNames.labeler(french: true)) }

    /// What a "not found" names, in French (the key is what the person typed or followed).
    static let frenchThing: [String: String] = [
        "phone": "téléphone", "customer": "client", "line": "ligne", "page": "page", "contact": "contact",
        "department": "département", "reseller": "revendeur", "account": "compte", "firmware": "micrologiciel",
        "integration key": "clé d'intégration", "alert": "alerte", "route": "adresse",
    ]
}

/// Why a value or a request is refused, in the two languages people read, with a stable code
/// that programs branch on. Both texts are written where the rule is, so no rule can be shown
/// in one language only.
public struct Reason: Equatable, Sendable {
    public let code: String
    public let en: String
    public let fr: String
    public init(_ code: String, en: String, fr: String) {
        self.code = code
        self.en = en
        self.fr = fr
    }
}

/// One bad line of an import: its 1-based line number in the file (the header is line 1), in
/// English (the API) and French (the portals).
public struct ImportLineError: Equatable, Sendable, Codable {
    public let line: Int
    public let error: String
    public let french: String
    public init(line: Int, error: String, french: String? = nil) {
        self.line = line
        self.error = error
        self.french = french ?? error
    }
    /// The line's message from the error that refused it.
    public init(line: Int, _ refusal: DomainError) {
        self.init(line: line, error: refusal.description, french: refusal.frenchText)
    }
}

/// Reasons several rules share.
extension Reason {
    public static func wholeNumber(_ low: Int, _ high: Int) -> Reason {
        Reason("out-of-range", en: "must be a whole number from \(low) to \(high)", fr: "doit être un nombre entier de \(low) à \(high).")
    }
    public static func tooLong(_ max: Int) -> Reason {
        Reason("too-long", en: "is longer than \(max) characters", fr: "dépasse \(max) caractères.")
    }
    public static let trueOrFalse = Reason("not-boolean", en: "must be true or false", fr: "doit valoir oui ou non (true ou false).")
    public static func oneOf(_ options: [String]) -> Reason {
        Reason("not-an-option", en: "is not one of: \(options.joined(separator: ", "))", fr: "n'est pas l'une des valeurs : \(options.joined(separator: ", ")).")
    }
    public static let notALineOfThisCustomer = Reason("unknown-line", en: "is not a line of this customer", fr: "n'est pas une ligne de ce client.")
}
