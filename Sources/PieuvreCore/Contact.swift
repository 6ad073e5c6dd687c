import Foundation

/// A personal contact of a line: a name and up to five numbers, each with a label.
public struct ContactCard: Sendable, Equatable, Codable {
    public enum Label: String, Sendable, Codable, CaseIterable {
        case work, mobile, home, other

        /// A label in English or French, as a person types it (`travail`, `Portable`, `domicile`).
        public init?(word: String) {
            let words: [String: Label] = [
                "work": .work, "travail": .work, "bureau": .work, "pro": .work, "professionnel": .work,
                "mobile": .mobile, "portable": .mobile, "cell": .mobile, "cellulaire": .mobile,
                "home": .home, "domicile": .home, "maison": .home, "perso": .home, "personnel": .home,
                "other": .other, "autre": .other,
            ]
            guard let label = words[ContactCard.fold(word.trimmingWhitespace())] else { return nil }
            self = label
        }
    }

    public struct Number: Sendable, Equatable, Codable {
        public let label: Label
        public let number: String
        public init(label: Label, number: String) {
            self.label = label
            self.number = number
        }
    }

    public let name: String
    public let numbers: [Number]

    public static let maxNumbers = 5
    public static let maxName = 64

    /// Validates and normalises a contact: a name, 1 to 5 numbers written like SDAs (French
    /// national, or E.164; `+33…` becomes `0…` so the phone matches incoming calls).
    public init(name: String?, numbers: [(label: String?, number: String?)]) throws(DomainError) {
        self.name = try FieldRules.text(name, field: "name", max: Self.maxName)
        guard !numbers.isEmpty else { throw .missing(field: "numbers") }
        guard numbers.count <= Self.maxNumbers else {
            throw .invalid(field: "numbers", value: String(numbers.count), reason: Reason("too-many-numbers", en: "is more than \(Self.maxNumbers) numbers", fr: "dépasse \(Self.maxNumbers) numéros."))
        }
        var out: [Number] = []
        for (index, entry) in numbers.enumerated() {
            let labelText = (entry.label ?? "work").trimmingWhitespace().lowercased()
            guard let label = labelText.isEmpty ? .work : Label(word: labelText) else {
                throw .invalid(field: "numbers[\(index)].label", value: labelText, reason: .oneOf(["work", "mobile", "home", "other"]))
            }
            let number = try DirectNumber(parsing: entry.number ?? "", field: "numbers[\(index)].number")
            out.append(Number(label: label, number: number.national))
        }
        self.numbers = out
    }

    /// The name as searched: lower case, without accents.
    public var searchName: String { Self.fold(name) }

    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "fr_FR")).lowercased()
    }
}

/// Reading contacts from a file: CSV (`name,number,label`, rows of one name make one contact)
/// or vCard 3.0/4.0 (FN and TEL with TYPE). All or nothing: every bad line is reported.
public enum ContactFile {
    public static let maxContacts = 1000

    /// Column names as people write them, in English or French, in any case, with or without
    /// accents (a spreadsheet exported in France says `Nom,Numéro,Type`).
    static let columns: [String: String] = [
        "name": "name", "nom": "name",
        "number": "number", "numero": "number", "telephone": "number", "tel": "number", "phone": "number",
        "label": "label", "type": "label", "libelle": "label",
    ]

    public static func csv(_ text: String) throws(DomainError) -> [ContactCard] {
        let table = try CSVTable(parsing: text)
        let header = table.header.map { columns[ContactCard.fold($0.trimmingWhitespace())] }
        guard let nameColumn = header.firstIndex(of: "name"), let numberColumn = header.firstIndex(of: "number") else {
            throw .invalid(field: "csv", value: table.header.joined(separator: ","), reason: Reason(
                "contact-columns", en: "must have the columns name,number,label (or nom,numéro,type)",
                fr: "doit avoir les colonnes nom,numéro,type (ou name,number,label)."))
        }
        let labelColumn = header.firstIndex(of: "label")
        var errors: [ImportLineError] = []
        var contacts: [ContactCard] = []
        var pending: (name: String, line: Int, numbers: [(label: String?, number: String?)])?

        func flush() {
            guard let p = pending else { return }
            do {
                contacts.append(try ContactCard(name: p.name, numbers: p.numbers))
            } catch {
                errors.append(ImportLineError(line: p.line, error))
            }
            pending = nil
        }
        for row in table.rows {
            let field = { (i: Int?) -> String? in i.flatMap { $0 < row.fields.count ? row.fields[$0] : nil } }
            let name = (field(nameColumn) ?? "").trimmingWhitespace()
            let entry = (label: field(labelColumn), number: field(numberColumn))
            if pending?.name == name {
                pending?.numbers.append(entry)
            } else {
                flush()
                pending = (name, row.line, [entry])
            }
        }
        flush()
        return try finish(contacts, errors)
    }

    public static func vcard(_ text: String) throws(DomainError) -> [ContactCard] {
        var errors: [ImportLineError] = []
        var contacts: [ContactCard] = []
        var card: (line: Int, name: String?, numbers: [(label: String?, number: String?)])?
        for (lineNumber, line) in unfold(text) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let head = line[..<colon]
            let value = String(line[line.index(after: colon)...]).trimmingWhitespace()
            let parts = head.split(separator: ";")
            let property = parts.first.map { String($0).uppercased() } ?? ""
            // "item1.TEL" groups are allowed: the property is after the dot.
            let name = property.split(separator: ".").last.map(String.init) ?? property
            switch name {
            case "BEGIN" where value.uppercased() == "VCARD":
                card = (lineNumber, nil, [])
            case "END" where value.uppercased() == "VCARD":
                if let c = card {
                    do {
                        contacts.append(try ContactCard(name: c.name, numbers: c.numbers))
                    } catch {
                        errors.append(ImportLineError(line: c.line, error))
                    }
                }
                card = nil
            case "FN":
                card?.name = unescape(value)
            case "TEL":
                let types = parts.dropFirst().flatMap { parameter -> [String] in
                    let p = parameter.uppercased()
                    let list = p.hasPrefix("TYPE=") ? String(p.dropFirst(5)) : (p.contains("=") ? "" : p)
                    return list.replacingOccurrences(of: "\"", with: "").split(separator: ",").map(String.init)
                }
                let number = value.lowercased().hasPrefix("tel:") ? String(value.dropFirst(4)) : value
                card?.numbers.append((label(types), number))
            default:
                continue
            }
        }
        if let c = card { errors.append(ImportLineError(line: c.line, error: "vCard is never closed by END:VCARD", french: "vCard jamais fermée par END:VCARD.")) }
        if contacts.isEmpty && errors.isEmpty {
            throw .invalid(field: "vcard", value: "", reason: Reason("no-vcard", en: "holds no vCard (BEGIN:VCARD … END:VCARD)", fr: "ne contient aucune vCard (BEGIN:VCARD … END:VCARD)."))
        }
        return try finish(contacts, errors)
    }

    private static func finish(_ contacts: [ContactCard], _ errors: [ImportLineError]) throws(DomainError) -> [ContactCard] {
        if !errors.isEmpty { throw .importRefused(errors) }
        guard contacts.count <= maxContacts else {
            throw .invalid(field: "contacts", value: String(contacts.count), reason: Reason("too-many-contacts", en: "is more than \(maxContacts) contacts in one file", fr: "dépasse \(maxContacts) contacts dans un fichier."))
        }
        return contacts
    }

    private static func label(_ types: [String]) -> String {
        if types.contains(where: { $0 == "CELL" || $0 == "MOBILE" }) { return "mobile" }
        if types.contains("HOME") { return "home" }
        if types.contains("WORK") || types.isEmpty || types.allSatisfy({ $0 == "VOICE" || $0 == "PREF" }) { return "work" }
        return "other"
    }

    /// vCard lines, with folded continuations (a line starting with a space or tab) joined,
    /// each with the number of the line it starts on.
    private static func unfold(_ text: String) -> [(Int, String)] {
        var out: [(Int, String)] = []
        var number = 0
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            number += 1
            if let first = raw.first, first == " " || first == "\t", !out.isEmpty {
                out[out.count - 1].1 += raw.dropFirst()
            } else if !raw.isEmpty {
                out.append((number, String(raw)))
            }
        }
        return out
    }

    private static func unescape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";").replacingOccurrences(of: "\\n", with: " ")
    }
}
