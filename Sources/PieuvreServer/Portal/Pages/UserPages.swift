import PieuvreCore
import PieuvreStore

// The user portal's page models (and the pages every role shares: account, settings).

/// Which tab of the user portal is current (nil on pages of other roles).
struct UserTabs {
    var settings = false
    var contacts = false
    var account = false
}

struct UserHomePage {
    struct PhoneLink {
        let mac: String
        let modelName: String
        let description: String
    }
    let tabs: UserTabs
    let sda: String
    let name: String
    let phones: [PhoneLink]
}

struct SettingsPage {
    let tabs: UserTabs?
    let title: String
    let back: String
    /// The administrator's profile pages choose a layer (customer or a department).
    let layers: [Option]
    let action: String
    let form: SettingsForm
    let department: String?
    var message: String?
    var error: String?
    /// Stored, not computed: templates read models by reflection, which sees stored values only.
    let hasLayers: Bool
    /// The profile page's filters: a text and "only what this layer sets".
    var find = ""
    var onlySet = false

    init(tabs: UserTabs?, title: String, back: String, layers: [Option], action: String, form: SettingsForm, department: String?, message: String? = nil, error: String? = nil) {
        self.tabs = tabs
        self.title = title
        self.back = back
        self.layers = layers
        self.action = action
        self.form = form
        self.department = department
        self.message = message
        self.error = error
        self.hasLayers = !layers.isEmpty
    }
}

struct ContactsPage {
    struct Row {
        struct Number {
            let number: String
            let label: String
        }
        let id: String
        let name: String
        let numbers: [Number]
    }
    let tabs: UserTabs
    let contacts: [Row]
    let q: String
    let next: String?
    let form: [String: String]
    let labels: [Option]
    var message: String?
    var error: String?
    /// Stored, not computed: templates read models by reflection, which sees stored values only.
    var importErrors: [ClientPage.ImportError] = [] { didSet { hasImportErrors = !importErrors.isEmpty } }
    private(set) var hasImportErrors = false
    var importText: String?
}

struct AccountPage {
    let tabs: UserTabs?
    let action: String
    var message: String?
    var error: String?
}

/// Paramètres > Notifications: "Signal lumineux | E-mail".
struct NotificationsPage {
    struct Row {
        let index: Int
        let number: String
        let faxes: Bool
        let urgent: Bool
        let allVoicemail: Bool
    }
    let tabs: UserTabs
    let lampTab: Bool
    let emailTab: Bool
    let rows: [Row]
    let email: EmailRule
    let smtpConfigured: Bool
    var message: String?
    var error: String?

    static func rows(_ rules: [LampRule]) -> [Row] {
        rules.enumerated().map { Row(index: $0.offset, number: $0.element.number, faxes: $0.element.faxes, urgent: $0.element.urgent, allVoicemail: $0.element.allVoicemail) }
    }
}
