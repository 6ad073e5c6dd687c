import Foundation
import PieuvreCore
import PieuvreStore

/// The console's page model (`/console`): the fleet of the person signed in (the operator's
/// platform, a reseller's customers, an administrator's company), as tiles, charts and lists.
struct ConsolePage {
    struct Tile {
        let state: String
        let label: String
        let help: String
        let count: Int
        let href: String
        let current: Bool
    }
    struct PhoneRow {
        let mac: String
        let customer: String
        let modelName: String
        let sda: String
        let description: String
        let state: String
        let stateLabel: String
        /// Nil unless refused (a section in the template: an empty string would still open it).
        let reason: String?
        let since: String
        let advice: String
        let reopen: Bool
        /// Nil while the window is closed.
        let windowOpenUntil: String?
        /// The phone's page, where the person may open it.
        let href: String?
    }
    struct UnknownRow {
        struct Near {
            let mac: String
            let customer: String
            let sda: String
            /// What the form sends: the registered phone takes the MAC that asked.
            let newMAC: String
            let confirm: String
        }
        let mac: String
        let requests: Int
        let lastAt: String
        let lastIP: String
        let userAgent: String
        let near: [Near]
        let hasNear: Bool
    }
    struct AlertRow {
        let id: String
        let at: String
        let kind: String
        let mac: String
        let customer: String
        let detail: String
    }
    let scope: String
    /// Hidden fields the action forms carry back, so the page comes back as it was.
    let scopeCustomer: String
    let scopeReseller: String
    /// `?customer=…` for the page's own links, nil without a customer.
    let customerQuery: String?
    let total: Int
    let tiles: [Tile]
    let requests: HourChart
    let served24: Int
    let refused24: Int
    let states: CountChart
    let models: CountChart
    let firmware: CountChart
    /// The list under the tiles: stuck phones, or the phones of the state asked.
    let listTitle: String
    let filtered: Bool
    let phones: [PhoneRow]
    let hasPhones: Bool
    let next: String?
    let unknown: [UnknownRow]
    let hasUnknown: Bool
    let showAlerts: Bool
    let alertCount: Int
    let alerts: [AlertRow]
    let hasAlerts: Bool
    let find: String
    var error: String?
}
