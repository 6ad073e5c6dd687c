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
        let key = FieldNames.base(field)
        if let name = FieldNames.label(key, french: lang == .fr) { return name }
        if SettingsCatalogue.definition(key) != nil { return SettingLabels.label(key, lang) }
        return field
    }

    /// An ISO 8601 instant in a message (a window's end, say) shown in the portals' local time.
    static func localTime(_ value: String) -> String {
        guard value.count >= 20, value.contains("T"), let date = try? Date.ISO8601FormatStyle().parse(value) else { return value }
        return PortalKit.date(date)
    }

    /// An import's refused lines as the page lists them (the first `maxListedErrors`).
    static func lines(_ lines: [ImportLineError], _ lang: PortalLanguage) -> [ClientPage.ImportError] {
        lines.prefix(DomainError.maxListedErrors).map { ClientPage.ImportError(line: $0.line, error: text($0, lang)) }
    }
}

extension Reason {
    /// A refusal the portal itself makes, its two texts taken from the labels.
    static func portal(_ code: String, label key: String) -> Reason {
        Reason(code, en: Labels.en[key] ?? key, fr: Labels.fr[key] ?? key)
    }
}
