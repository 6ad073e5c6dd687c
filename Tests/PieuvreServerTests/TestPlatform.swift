import Foundation
import MailCore
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import PieuvreCore
@testable import PieuvreServer
@testable import PieuvreStore
import SQLKit

/// The databases every API test runs on: a real SQLite file always, and PostgreSQL when
/// PIEUVRE_TEST_DATABASE_URL names a server (CI starts one).
enum TestDatabase: String, CustomStringConvertible, Sendable {
    case sqlite
    case postgres

    static var all: [TestDatabase] {
        postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["PIEUVRE_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var description: String { rawValue }
}

/// A whole platform for one test: its own database (a temporary SQLite file, or a fresh
/// PostgreSQL schema), the real application on a real port, a clock the test moves.
struct TestPlatform {
    static let start = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
    static let operatorPassword = "operator-secret-1"

    let store: Store
    let clock: ManualClock
    let client: any TestClientProtocol
    let phones: PhoneSide

    /// A CA certificate phones may be given (`--phone-ca`): a public certificate, no secret.
    static let phoneCAPEM = """
        -----BEGIN CERTIFICATE-----
        MIIBmDCCAT2gAwIBAgIUW98AfbMHirySdJGreuF4+HYWzlEwCgYIKoZIzj0EAwIw
        IDEeMBwGA1UEAwwVUGlldXZyZSBUZXN0IFBob25lIENBMCAXDTI2MTIwMjE4MTA0
        MFoYDzIxMjYxMTA4MTgxMDQwWjAgMR4wHAYDVQQDDBVQaWV1dnJlIFRlc3QgUGhv
        bmUgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATdp+PmhBE+wuia4acIuDUQ
        TnlBMU2n/VT1EAqWuxkVJNvPSUdTwErcINpOT69pxcVO8tYwSOnDfOxcDqw9MjCM
        o1MwUTAdBgNVHQ4EFgQU7j050q3WI2BBZo1qXVjI1BjonvcwHwYDVR0jBBgwFoAU
        7j050q3WI2BBZo1qXVjI1BjonvcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQD
        AgNJADBGAiEA1CXeXGoKreFZcu8CvJCxIKuQAMdWxq1bhXCnX9nTMJgCIQDTbkTn
        xnprmxjsRsTbb360VQXw3NkYbH+aK45VeyYduw==
        -----END CERTIFICATE-----

        """

    static func run(_ database: TestDatabase, smtp: String? = nil, trustedProxies: [CIDR] = [], phoneCA: Bool = false, _ body: @escaping @Sendable (TestPlatform) async throws -> Void) async throws {
        let logger: Logger = {
            var logger = Logger(label: "pieuvre-test")
            logger.logLevel = .warning
            return logger
        }()
        let location: DatabaseLocation
        var cleanup: @Sendable () async throws -> Void = {}
        switch database {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pieuvre-test-\(UUID().uuidString)")
            location = .sqlite(path: dir.appendingPathComponent("pieuvre.sqlite").path)
            cleanup = { try? FileManager.default.removeItem(at: dir) }
        case .postgres:
            let url = TestDatabase.postgresURL!
            let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let admin = try Storage(location: .postgres(url: url, schema: nil), logger: logger)
            try await admin.sql.raw("CREATE SCHEMA \(ident: schema)").run()
            await admin.shutdown()
            location = .postgres(url: url, schema: schema)
            cleanup = {
                let admin = try Storage(location: .postgres(url: url, schema: nil), logger: logger)
                try await admin.sql.raw("DROP SCHEMA \(ident: schema) CASCADE").run()
                await admin.shutdown()
            }
        }
        let storage = try Storage(location: location, logger: logger)
        let clock = ManualClock(start)
        // bcrypt's lowest cost keeps the suite fast; production uses the default.
        let store = Store(storage: storage, secrets: .ephemeral(), clock: clock, passwordCost: 4)
        do {
            try await storage.migrate()
            try await store.sealSecretsAtRest()
            _ = try await store.bootstrapOperator(password: operatorPassword)
            var configuration = ServerConfiguration(publicURL: "https://portail.metacentrex.fr/", sipDomain: "sip.metacentrex.fr", sipProxy: "sbc.metacentrex.fr:5060")
            // The outbox fills; its sender is not run here (the end-to-end test sends for real).
            configuration.smtp = try smtp.map { try SMTPEndpoint(parsing: $0) }
            configuration.trustedProxies = trustedProxies
            if phoneCA {
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("pieuvre-test-ca-\(UUID().uuidString).pem")
                try Data(Self.phoneCAPEM.utf8).write(to: file)
                configuration.phoneCA = file.path
            }
            let phones = try await PhoneSide.make(store: store, configuration: configuration, logger: logger)
            let app = Application(router: buildRouter(store: store, phones: phones), server: phones.http1(logger: logger), configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
            try await app.test(.live) { client in
                try await body(TestPlatform(store: store, clock: clock, client: client, phones: phones))
            }
            await phones.journal.flush()
            await phones.work.close()
        } catch {
            await storage.shutdown()
            try await cleanup()
            throw error
        }
        await storage.shutdown()
        try await cleanup()
    }

    // MARK: HTTP

    struct Reply: CustomStringConvertible {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let text: String
        var json: JSONValue { (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null }
        var description: String { "\(status.code) \(text)" }
        var error: String? { json["error"]?.string }
        /// A page's items (`{"items": [...], "next": ...}`).
        var items: [JSONValue] { json["items"]?.array ?? [] }
    }

    @discardableResult
    func call(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil, body: String? = nil, contentType: String? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let json {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(string: json)
        } else if let body {
            buffer = ByteBuffer(string: body)
        }
        if let contentType { headers[.contentType] = contentType }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: buffer)
        return Reply(status: response.status, headers: response.headers, text: String(buffer: response.body))
    }

    func login(_ login: String, _ password: String) async throws -> String {
        let reply = try await call(.post, "/api/v1/sessions", json: #"{"login":"\#(login)","password":"\#(password)"}"#)
        guard reply.status == .created, let token = reply.json["token"]?.string else {
            throw TestFailure("login \(login) failed: \(reply)")
        }
        return token
    }

    func operatorToken() async throws -> String { try await login("admin", Self.operatorPassword) }

    /// A reseller with its login, made through the API as the operator would.
    func reseller(_ login: String = "expert", name: String = "Expert Produits") async throws -> String {
        let op = try await operatorToken()
        let reply = try await call(.post, "/api/v1/resellers", token: op, json: #"{"name":"\#(name)","login":"\#(login)","password":"reseller-pass-1"}"#)
        guard reply.status == .created else { throw TestFailure("reseller: \(reply)") }
        return try await self.login(login, "reseller-pass-1")
    }

    /// The seed's customer 10000 OPENIP with its departments and the administrator line.
    func seedCustomer(token: String, reference: String = "10000") async throws {
        let customer = try await call(.post, "/api/v1/customers", token: token, json: """
            {"companyName":"OPENIP","siret":"48285833900021","address":"37-39, rue de Neuilly","postalCode":"92110","city":"Clichy","reference":"\(reference)"}
            """)
        guard customer.status == .created else { throw TestFailure("customer: \(customer)") }
        for name in ["Site principal", "Clichy", "St_Avertin", "Nantes"] {
            let parent = name == "Site principal" ? "" : #","parent":"Site principal""#
            let dep = try await call(.post, "/api/v1/customers/\(reference)/departments", token: token, json: #"{"name":"\#(name)"\#(parent)}"#)
            guard dep.status == .created else { throw TestFailure("department: \(dep)") }
        }
    }

    func createLine(token: String, reference: String = "10000", sda: String, name: String = "Utilisateur", extra: String = "") async throws {
        let reply = try await call(.post, "/api/v1/customers/\(reference)/lines", token: token, json: #"{"sda":"\#(sda)","name":"\#(name)"\#(extra)}"#)
        guard reply.status == .created else { throw TestFailure("line \(sda): \(reply)") }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case let .object(o) = self { return o[key] }
        return nil
    }

    subscript(index: Int) -> JSONValue? {
        if case let .array(a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    var string: String? { if case let .string(s) = self { return s }; return nil }
    var int: Int? { if case let .number(n) = self { return Int(n) }; return nil }
    var bool: Bool? { if case let .bool(b) = self { return b }; return nil }
    var array: [JSONValue] { if case let .array(a) = self { return a }; return [] }
    var isNull: Bool { self == .null }
}
