import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import PhoneCatalog
import PieuvreCore
import Simulator
import Synchronization

/// `pieuvre simulate`: a boot storm against a running Pieuvre (or anything that speaks
/// `/sip-ps/`), each phone on a new connection fetching what a real one fetches, in order.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Boot a fleet of simulated phones at once against a provisioning URL and report successes, failures by reason and latencies.")

    @Option(name: .long, help: "Provisioning URL, e.g. https://provisioning.example.fr/sip-ps/ (over TFTP only its host is used).")
    var url: String

    @Option(name: .long, help: "Phones to simulate: a CSV in the import format (header mac,model,sda,description; only mac and model are read).")
    var csv: String?

    @Option(name: .long, help: "Phones to simulate: every phone of this customer reference, listed through the API (needs --token).")
    var customer: String?

    @Option(name: .long, help: "API bearer token for --customer. Env: PIEUVRE_TOKEN.")
    var token: String?

    @Option(name: .long, help: "http, https or tftp (default: the URL's scheme).")
    var `protocol`: String?

    @Option(name: .long, help: "UDP port of the TFTP server (default 69).")
    var tftpPort: Int = 69

    @Option(name: .long, help: "Phones booting at once (default 64).")
    var concurrency: Int = 64

    @Option(name: .long, help: "Seconds one phone may take for all its files (default 30).")
    var timeout: Int = 30

    @Option(name: .long, help: "JSON file of device credentials (MAC → username, password): answered with when challenged, and updated with what phones learned.")
    var credentials: String?

    @Option(name: .long, help: "PEM file of a CA to trust for HTTPS, besides the system's.")
    var cacert: String?

    @Flag(name: .long, help: "Do not check the server's certificate.")
    var insecure = false

    @Flag(name: .long, help: "Print one JSON object (phones, succeeded, failed by reason, seconds, latencies per file) instead of text.")
    var json = false

    func run() async throws {
        guard let base = URL(string: url), let scheme = base.scheme?.lowercased(), ["http", "https"].contains(scheme), base.host != nil else {
            throw ValidationError("--url must be an http:// or https:// URL, not '\(url)'")
        }
        guard let transport = Storm.Transport(rawValue: (self.protocol ?? scheme).lowercased()) else {
            throw ValidationError("--protocol must be http, https or tftp")
        }
        guard (1...100_000).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 100000") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be between 1 and 3600 seconds") }
        guard (csv == nil) != (customer == nil) else { throw ValidationError("give either --csv FILE or --customer REFERENCE") }
        let phones: [SimulatedPhone]
        if let csv {
            phones = try Self.phones(csv: csv)
        } else {
            phones = try await self.phones(customer: customer ?? "", base: base)
        }
        guard !phones.isEmpty else { throw ValidationError("no phone to simulate") }

        var known: [String: DeviceCredentials] = [:]
        if let credentials, FileManager.default.fileExists(atPath: credentials) {
            do {
                known = try JSONDecoder().decode([String: DeviceCredentials].self, from: Data(contentsOf: URL(fileURLWithPath: credentials)))
            } catch {
                throw ValidationError("--credentials \(credentials) is not a JSON object of MAC → {username, password}: \(error)")
            }
        }

        let storm = try Storm(base: base, transport: transport, concurrency: concurrency, tftpPort: tftpPort, caFile: cacert, insecure: insecure, timeout: .seconds(timeout))
        let bar = ProgressBar(enabled: isatty(STDERR_FILENO) == 1)
        let (report, outcomes) = await storm.run(phones, credentials: known) { done, total in bar.show(done, total) }
        bar.finish()

        if let credentials {
            for (phone, outcome) in zip(phones, outcomes) { if let learned = outcome.credentials { known[phone.mac.hex] = learned } }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            try encoder.encode(known).write(to: URL(fileURLWithPath: credentials), options: .atomic)
            chmod(credentials, 0o600)
        }
        print(json ? report.json : report.text)
        if report.succeeded < report.phones { throw ExitCode(1) }
    }

    static func phones(csv path: String) throws -> [SimulatedPhone] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw ValidationError("cannot read \(path): \(error.localizedDescription)") }
        let table: CSVTable
        do { table = try CSVTable(parsing: text) } catch { throw ValidationError("\(path): \(error)") }
        let header = table.header.map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        guard let macColumn = header.firstIndex(of: "mac"), let modelColumn = header.firstIndex(of: "model") else {
            throw ValidationError("\(path): the header must name the columns mac and model (the import format mac,model,sda,description)")
        }
        return try table.rows.map { row in
            guard row.fields.count > max(macColumn, modelColumn) else { throw ValidationError("\(path) line \(row.line): too few fields") }
            do {
                return SimulatedPhone(mac: try MACAddress(parsing: row.fields[macColumn]), model: try Catalogue.model(named: row.fields[modelColumn]))
            } catch {
                throw ValidationError("\(path) line \(row.line): \(error)")
            }
        }
    }

    /// Every phone of a customer, page by page through the API at the URL's origin.
    func phones(customer: String, base: URL) async throws -> [SimulatedPhone] {
        guard let token = Environment.value(token, "PIEUVRE_TOKEN") else { throw ValidationError("--customer needs --token (or PIEUVRE_TOKEN)") }
        var origin = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        origin.path = ""
        origin.query = nil
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var phones: [SimulatedPhone] = []
        var cursor: String?
        do {
            repeat {
                var components = origin
                components.path = "/api/v1/customers/\(customer)/phones"
                components.queryItems = [URLQueryItem(name: "limit", value: "1000")] + (cursor.map { [URLQueryItem(name: "cursor", value: $0)] } ?? [])
                var request = HTTPClientRequest(url: components.string ?? "")
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                let response = try await client.execute(request, timeout: .seconds(30))
                let body = try await response.body.collect(upTo: 64 << 20)
                guard response.status == .ok else { throw ValidationError("listing customer \(customer)'s phones: HTTP \(response.status.code) \(String(buffer: body).prefix(200))") }
                let page = try JSONDecoder().decode(PhonePage.self, from: Data(buffer: body))
                for item in page.items {
                    guard let model = Catalogue.model(id: item.model), let mac = try? MACAddress(parsing: item.mac) else { continue }
                    phones.append(SimulatedPhone(mac: mac, model: model))
                }
                cursor = page.next
            } while cursor != nil
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return phones
    }

    struct PhonePage: Decodable {
        struct Item: Decodable { let mac: String; let model: String }
        let items: [Item]
        let next: String?
    }
}

/// `[#####     ] 512/10000` on stderr when it is a terminal, redrawn at most ten times a second.
final class ProgressBar: Sendable {
    private let enabled: Bool
    private let last = Mutex<Double>(0)

    init(enabled: Bool) { self.enabled = enabled }

    func show(_ done: Int, _ total: Int) {
        guard enabled else { return }
        let now = Date().timeIntervalSince1970
        let due = last.withLock { last -> Bool in
            guard now - last >= 0.1 || done == total else { return false }
            last = now
            return true
        }
        guard due else { return }
        let width = 40, filled = total > 0 ? done * width / total : width
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "] \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
