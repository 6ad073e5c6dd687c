import PhoneCatalog
import PieuvreCore
import PieuvreStore

// The reseller extranet's page models: plain values, built by the controller's query step.

struct ClientsPage {
    struct Row {
        let created: String
        let reference: String
        let companyName: String
    }
    let customers: [Row]
    let q: String
    /// The next page's address (nil on the last page).
    let next: String?
    let canCreate: Bool
    /// What was typed in "Nouveau client", shown again with the error.
    let form: [String: String]
    let error: String?
}

struct ClientPage {
    struct LineRow {
        let sda: String
        let name: String
        let licence: String
        let department: String
        let locked: Bool
        let presentedNumber: String
        let internationalRestriction: String
        let administrator: Bool

        init(_ l: LineView) {
            sda = l.sda
            name = l.name
            licence = l.licence ?? ""
            department = l.department ?? ""
            locked = l.locked
            presentedNumber = l.presentedNumber
            internationalRestriction = l.internationalRestriction
            administrator = l.administrator
        }
    }
    struct ImportError {
        let line: Int
        let error: String
    }
    let sheet: CustomerSheet
    let created: String
    let reference: String
    let lines: [LineRow]
    let phones: [PhoneRow]
    /// Each table pages and searches on its own (`lq`/`lafter`, `pq`/`pafter`).
    let lineQ: String
    let linesNext: String?
    let phoneQ: String
    let phonesNext: String?
    let phoneCount: Int
    let models: [Option]
    let departments: [Option]
    /// Resellers and the operator come from the client list (an administrator does not).
    let backToList: Bool
    var message: String?
    var error: String?
    var csv: String?
    var previewCount: Int?
    var previewText: String?
    /// Stored, not computed: templates read models by reflection, which sees stored values only.
    var importErrors: [ImportError] = [] { didSet { hasImportErrors = !importErrors.isEmpty } }
    private(set) var hasImportErrors = false
}

/// A phone in a list (fiche client, "Téléphones dans le département").
struct PhoneRow {
    let mac: String
    let modelName: String
    let sda: String
    let description: String
    let department: String
    let windowOpen: Bool
    let until: String
    let authenticatedAt: String?

    init(_ p: PhoneView) {
        mac = p.mac
        modelName = p.modelName
        sda = p.sda ?? ""
        description = p.description
        department = p.department ?? ""
        windowOpen = p.windowOpen
        until = PortalKit.date(p.authenticateUntil)
        authenticatedAt = p.authenticatedAt.map { PortalKit.date($0) }
    }
}

/// A choice in a `<select>`.
struct Option {
    let value: String
    let label: String
    let selected: Bool

    init(_ value: String, label: String? = nil, selected: Bool = false) {
        self.value = value
        self.label = label ?? value
        self.selected = selected
    }

    static func models(selected: String? = nil) -> [Option] {
        Catalogue.models.map { Option($0.id, label: $0.displayName, selected: $0.id == selected) }
    }
}

struct ProvisionPage {
    let reference: String
    let form: [String: String]
    let models: [Option]
    let error: String?
}

struct LinePage {
    struct Line {
        let sda: String
        let name: String
        let licence: String
        let presentedNumber: String
        let locked: Bool
        let administrator: Bool
    }
    let reference: String
    let line: Line
    let departments: [Option]
    let restrictions: [Option]
    /// Only resellers and the operator may change the barring (toll fraud is theirs to hold).
    let canChangeRestriction: Bool
    let error: String?
}
