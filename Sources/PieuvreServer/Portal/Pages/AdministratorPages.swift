import PieuvreCore
import PieuvreStore

// The customer administrator's page models.

struct AdminPhonesPage {
    let phones: [PhoneRow]
    let departments: [Option]
    let q: String
    /// The next page's address (the list pages; nil on the last page).
    var next: String? = nil
    var message: String?
    var error: String?
}

struct PhonePage {
    struct Phone {
        let mac: String
        let description: String
        /// Kept as typed when "Affecté à la ligne ?" was unticked, to tick again.
        var sda: String
        let authenticatedIP: String
    }
    struct Event {
        let at: String
        let file: String
        let ip: String
        let outcome: String
        let transport: String
    }
    var phone: Phone
    let assigned: Bool
    /// The window's state in words ("Fenêtre ouverte jusqu'au …" or closed, with what to do).
    let windowState: String
    let windowOpen: Bool
    /// Where "Retour" leads: the administrator's list, or the reseller's fiche client.
    let back: String
    let models: [Option]
    let untilInput: String
    let authenticatedAt: String?
    let events: [Event]
    var message: String?
    var error: String?
}

struct DepartmentsPage {
    struct Node {
        let name: String
        let indent: String
        let lines: Int
    }
    struct LineChoice {
        let sda: String
        let name: String
    }
    let tree: [Node]
    let allLines: [LineChoice]
    var message: String?
    var error: String?
}
