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
    var hasLayers: Bool { !layers.isEmpty }
    let action: String
    let form: SettingsForm
    let department: String?
    var message: String?
    var error: String?
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
    var importErrors: [ClientPage.ImportError] = []
    var hasImportErrors: Bool { !importErrors.isEmpty }
    var importText: String?
}

struct AccountPage {
    let tabs: UserTabs?
    let action: String
    var message: String?
    var error: String?
}
