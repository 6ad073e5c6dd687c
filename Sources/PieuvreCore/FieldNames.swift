/// The names of the domain's fields as people read them on forms, in French and English: the
/// portals name a refused field by its label, and so do import reports made in the Store.
public enum FieldNames {
    /// `numbers[2].number` → `number`, `allowedNetworks[3]` → `allowedNetworks`, `block.count` → `count`.
    public static func base(_ field: String) -> String {
        var key = field
        if let dot = key.lastIndex(of: "."), key.hasPrefix("numbers[") || key.hasPrefix("[") || key.hasPrefix("block.") {
            key = String(key[key.index(after: dot)...])
        }
        if let bracket = key.firstIndex(of: "[") { key = String(key[..<bracket]) }
        return key
    }

    /// The label of a field, nil for one that has none here (a settings key, say).
    public static func label(_ field: String, french: Bool) -> String? {
        fields[base(field)].map { french ? $0.fr : $0.en }
    }

    /// A labeler for `DomainError.text`: the label, or the field as it is.
    public static func labeler(french: Bool) -> (String) -> String {
        { label($0, french: french) ?? $0 }
    }

    static let fields: [String: (fr: String, en: String)] = [
        "mac": ("Adresse MAC", "MAC address"), "firstMac": ("Première adresse MAC", "First MAC address"),
        "model": ("Modèle", "Model"), "description": ("Description", "Description"), "sda": ("SDA", "Direct number"),
        "siret": ("Numéro de SIRET", "SIRET number"), "companyName": ("Raison sociale", "Company name"),
        "address": ("Adresse", "Address"), "postalCode": ("Code postal", "Postal code"), "city": ("Ville", "City"),
        "reference": ("Référence", "Reference"), "name": ("Nom", "Name"), "licence": ("Licence", "Licence"),
        "department": ("Département", "Department"), "parent": ("Département parent", "Parent department"),
        "newName": ("Nouveau nom", "New name"), "presentedNumber": ("N° à présenter", "Presented number"),
        "portalPassword": ("Mot de passe", "Password"), "password": ("Mot de passe", "Password"),
        "current": ("Mot de passe actuel", "Current password"), "new": ("Nouveau mot de passe", "New password"),
        "authenticateUntil": ("Authentifier jusqu'à", "Authenticate until"), "count": ("Nombre", "Count"),
        "csv": ("Fichier CSV", "CSV file"), "vcard": ("Fichier vCard", "vCard file"), "contacts": ("Contacts", "Contacts"),
        "numbers": ("Numéros", "Numbers"), "number": ("Numéro", "Number"), "label": ("Type", "Type"),
        "internationalRestriction": ("Restriction internationale", "International restriction"),
        "login": ("Login", "Login"), "rules": ("Règles", "Rules"), "settings": ("Paramètre", "Setting"),
        "q": ("Recherche", "Search"), "cursor": ("Page", "Page"), "limit": ("Taille de page", "Page size"),
        "allowedNetworks": ("Réseaux autorisés", "Allowed networks"),
    ]
}
