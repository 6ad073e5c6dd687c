import ArgumentParser
import Foundation
import PieuvreCore
import PieuvreStore

/// Loads the seed's example: reseller "Expert Produits", customer 10000 OPENIP, its
/// departments, lines and phones, through the same operations the API uses.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load the seed's example data and print the logins created.")

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "Password of the operator account 'admin' if it does not exist yet. Env: PIEUVRE_ADMIN_PASSWORD.")
    var adminPassword: String?

    func run() async throws {
        let logger = try common.logger("pieuvre")
        let store = try await common.openStore(logger: logger)
        do {
            try await load(into: store)
        } catch {
            await store.storage.shutdown()
            throw error
        }
        await store.storage.shutdown()
    }

    private func load(into store: Store) async throws {
        var logins: [(String, String, String)] = []
        let bootstrap = try await store.bootstrapOperator(password: Environment.value(adminPassword, "PIEUVRE_ADMIN_PASSWORD"))
        if bootstrap.created {
            logins.append(("operator", "admin", bootstrap.generatedPassword ?? "(PIEUVRE_ADMIN_PASSWORD)"))
        }
        if (try? await store.customer(.system, reference: "10000")) != nil {
            print("The demo data is already loaded (customer 10000 exists).")
            return
        }
        let resellerPassword = DemoData.password()
        _ = try await store.createReseller(.system, name: "Expert Produits", login: "expert", password: resellerPassword)
        logins.append(("reseller", "expert", resellerPassword))
        guard case let .granted(grant) = try await store.signIn(login: "expert", password: resellerPassword, source: "pieuvre demo"),
              let reseller = try await store.actor(forToken: grant.token) else {
            throw ValidationError("could not log in as the demo reseller")
        }
        _ = try await store.createCustomer(reseller, DemoData.customer, createdAt: DemoData.customerCreatedAt)
        for (name, parent) in DemoData.departments {
            _ = try await store.createDepartment(reseller, reference: "10000", name: name, parent: parent)
        }
        for line in DemoData.lines {
            var input = NewLine(sda: line.sda, name: line.name)
            input.department = line.department
            input.licence = "Full Meta Test"
            input.administrator = line.administrator
            let password = DemoData.password()
            input.portalPassword = password
            _ = try await store.createLine(reseller, reference: "10000", input)
            logins.append((line.administrator ? "administrator" : "user", line.sda, password))
        }
        for phone in DemoData.phones {
            _ = try await store.registerPhone(reseller, reference: "10000", NewPhone(mac: phone.mac, model: phone.model, description: phone.description, sda: phone.sda))
        }
        print("Demo data loaded: customer 10000 OPENIP with \(DemoData.lines.count) lines and \(DemoData.phones.count) phones.")
        print("Logins created (shown only this once):")
        for (role, login, password) in logins {
            print("  \(role.padding(toLength: 14, withPad: " ", startingAt: 0)) \(login.padding(toLength: 12, withPad: " ", startingAt: 0)) \(password)")
        }
    }
}

/// The seed's example records (reference guide, §2.1).
enum DemoData {
    static let customer = NewCustomer(companyName: "OPENIP", siret: "48285833900021", address: "37-39, rue de Neuilly", postalCode: "92110", city: "Clichy", reference: "10000")
    /// 28/01/2016 13:44:35, Paris time, as the clients list shows.
    static let customerCreatedAt = Date(timeIntervalSince1970: 1_453_985_075)
    static let departments: [(String, String?)] = [("Site principal", nil), ("Clichy", "Site principal"), ("St_Avertin", "Site principal"), ("Nantes", "Site principal")]
    static let lines: [(sda: String, name: String, department: String, administrator: Bool)] = [
        ("0970711111", "Utilisateur Full Meta Test - 1", "Site principal", true),
        ("0970192349", "Salle de conférence", "Site principal", false),
        ("0970716003", "Aurélien", "Clichy", false),
        ("0970716830", "Accueil St Avertin", "St_Avertin", false),
        ("0970716831", "Bureau St Avertin", "St_Avertin", false),
        ("0970711005", "Salle St Avertin", "St_Avertin", false),
        ("0222969569", "Accueil Nantes", "Nantes", false),
        ("0272342039", "Erwann", "Nantes", false),
    ]
    static let phones: [(mac: String, model: String, description: String, sda: String)] = [
        ("80:5E:C0:02:1C:1B", "yealink-cp920", "Yealink CP920", "0970192349"),
        // The seed's §3.1.1 CP960 page: "St_Avertin / 0970711005".
        ("80:5E:C0:3A:96:05", "yealink-cp960", "Yealink CP960 salle St Avertin", "0970711005"),
        ("00:04:13:78:23:D0", "snom-d725", "snom D725 Aurélien", "0970716003"),
        ("00:04:13:78:37:9F", "snom-d725", "snom D725", "0970716830"),
        ("00:04:13:90:08:59", "snom-d765", "snom D765", "0222969569"),
        ("00:04:13:90:15:02", "snom-d765", "snom D765 Erwann", "0272342039"),
        ("00:15:65:7A:1D:B8", "yealink-t41p", "Yealink T41P", "0970716831"),
        ("00:15:65:82:0B:99", "yealink-t46g", "Yealink T46G", "0222969569"),
        ("00:15:65:96:4C:C4", "yealink-w52p", "Yealink W52P", "0222969569"),
        ("00:15:65:9B:8F:77", "yealink-t48g", "Yealink T48G", "0222969569"),
        ("00:15:65:A7:57:E6", "yealink-t42g", "Yealink T42G", "0970716830"),
    ]

    static func password() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<12).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
