import PieuvreCore

/// One link of the header's navigation bar: each role's home and areas, its account, and for a
/// customer administrator their own line's portal, so no page is a dead end.
struct NavLink: Sendable {
    let href: String
    let label: String
    let id: String
    let current: Bool

    /// The bar of a role; the link whose area holds `here` is marked current. A user's areas
    /// are the seed's tabs (Paramètres, Contacts, Compte), shown on each of their pages.
    static func bar(for role: Role, lang: PortalLanguage, here: String) -> [NavLink] {
        let links: [(String, String, String)]
        switch role {
        case .operator, .reseller:
            links = [("/console", "console", "console"), ("/extranet", "clients", "clients"), ("/account", "accountTab", "account")]
        case .administrator:
            links = [("/console", "console", "console"), ("/admin", "navPhones", "phones"), ("/admin/departments", "departments", "departments"),
                     ("/admin/profiles", "profiles", "profiles"), ("/portal", "myLine", "portal"), ("/account", "accountTab", "account")]
        case .user:
            links = []
        }
        let path = here.split(separator: "?", maxSplits: 1).first.map(String.init) ?? here
        // The longest area that holds the page is the current one (/admin/departments, not /admin).
        let current = links.map(\.0).filter { path == $0 || path.hasPrefix($0 + "/") }.max { $0.count < $1.count }
        return links.map { NavLink(href: $0.0, label: lang.text($0.1), id: $0.2, current: $0.0 == current) }
    }
}

extension PortalLanguage {
    var other: PortalLanguage { self == .fr ? .en : .fr }
}

extension PageTemplate {
    /// The label naming the page in the browser's tab and history.
    var titleKey: String {
        switch self {
        case .signIn: return "authentication"
        case .clients: return "clients"
        case .client: return "clientSheet"
        case .provision: return "provisionMAC"
        case .line: return "editLine"
        case .adminPhones: return "phonesInDepartment"
        case .phone: return "changePhone"
        case .departments: return "departments"
        case .settings: return "phoneSettings"
        case .userHome: return "configureKeys"
        case .contacts: return "contacts"
        case .account: return "accountTab"
        case .notifications: return "notifications"
        case .problem: return "problemTitle"
        case .console: return "consoleTitle"
        }
    }
}
