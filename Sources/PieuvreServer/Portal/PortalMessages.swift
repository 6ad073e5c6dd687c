import Foundation
import PieuvreCore

/// Domain errors as a person reads them on a page: in the page's language, each field named by
/// the label the form shows it with, each instant in local time. The API keeps its English
/// messages (with the same `code`); this is the portals' side of the same errors.
enum PortalMessages {
    static func text(_ error: DomainError, _ lang: PortalLanguage) -> String {
        error.text(french: lang == .fr, label: { label($0, lang) }, value: localTime)
    }

    /// An import line's message in the page's language.
    static func text(_ line: ImportLineError, _ lang: PortalLanguage) -> String {
        lang == .fr ? line.french : line.error
    }

    /// The label of a field as the forms show it; a settings key by its setting's label;
    /// `numbers[2].number` as "Numéro".
    static func label(_ field: String, _ lang: PortalLanguage) -> String {
        var key = field
        if let dot = key.lastIndex(of: "."), key.hasPrefix("numbers[") || key.hasPrefix("[") || key.hasPrefix("block.") {
            key = String(key[key.index(after: dot)...])
        }
        if let bracket = key.firstIndex(of: "[") { key = String(key[..<bracket]) }
        if let pair = fields[key] { return lang == .fr ? pair.fr : pair.en }
        if SettingsCatalogue.definition(key) != nil { return SettingLabels.label(key, lang) }
        return field
    }

    /// An ISO 8601 instant in a message (a window's end, say) shown in the portals' local time.
    static func localTime(_ value: String) -> String {
        guard value.count >= 20, value.contains("T"), let date = try? Date.ISO8601FormatStyle().parse(value) else { return value }
        return PortalKit.date(date)
    }

    private static let fields: [String: (fr: String, en: String)] = [
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
