import Foundation
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The seed's "Network Contacts": two remote phonebooks per phone, "Extensions" (every line of
/// the customer) and "Contacts" (the line's personal contacts), in Yealink's directory XML,
/// searched by what the phone puts in place of `#SEARCH`. Fetched live (no cache): a contact
/// edit shows at the phone's next look-up.
extension PhoneFiles {
    public enum Book: String, Sendable {
        case extensions = "extensions.xml"
        case contacts = "contacts.xml"
    }

    /// At most this many entries in one answer: a search narrows the rest.
    static let bookLimit = 1000

    public struct BookRequest: Sendable {
        public let mac: String
        public let book: String
        public let query: String?
        public let path: String
        public let authorization: String?
        public let userAgent: String?
        public let sourceIP: String
        public let transport: String
        public init(mac: String, book: String, query: String?, path: String, authorization: String?, userAgent: String?, sourceIP: String, transport: String = "http") {
            self.transport = transport
            self.mac = mac
            self.book = book
            self.query = query
            self.path = path
            self.authorization = authorization
            self.userAgent = userAgent
            self.sourceIP = sourceIP
        }
    }

    /// The book, a challenge (no or wrong credentials: 401, the same for an unknown MAC), or
    /// "not found" when the credentials are another phone's.
    public func phonebook(_ request: BookRequest) async throws -> Answer {
        let now = store.clock.now
        let log = Request(fileName: "directory/" + String(request.book.prefix(64)), path: request.path, userAgent: request.userAgent, authorization: nil, sourceIP: request.sourceIP, transport: request.transport)
        guard let mac = try? MACAddress(parsing: request.mac), let book = Book(rawValue: request.book) else {
            self.log(log, nil, .notFound, now: now)
            return .notFound
        }
        let record = try await self.record(mac)
        switch try await bookAccess(request, record, now: now) {
        case .granted:
            guard let record, let line = record.line else { return .notFound }
            self.log(log, mac, .served, now: now, record: record)
            return .file(try await render(book, record: record, line: line, query: request.query))
        case .otherPhone:
            self.log(log, mac, .macMismatch, now: now, record: record)
            return .notFound
        case let .challenge(stale):
            self.log(log, mac, .badCredentials, now: now, record: record)
            return .challenge(digest.challenge(now: now, stale: stale))
        }
    }

    enum BookAccess {
        case granted
        case otherPhone
        case challenge(stale: Bool)
    }

    private func bookAccess(_ request: BookRequest, _ record: ProvisioningRecord?, now: Date) async throws -> BookAccess {
        guard let header = request.authorization else { return .challenge(stale: false) }
        if header.lowercased().hasPrefix("basic ") {
            guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                  let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return .challenge(stale: false) }
            let user = String(text[..<colon]), password = String(text[text.index(after: colon)...])
            if let record, let expected = record.devicePassword, user == record.deviceUsername,
               DigestAuthenticator.constantTimeEqual(password, expected) {
                return .granted
            }
            // The seed's CommPortal Web Access fields: the line's number and portal password.
            if let record, let line = record.line, (try? DirectNumber(parsing: user))?.national == (try? DirectNumber(parsing: line.sda))?.national {
                return try await store.verifyLinePassword(sda: line.sda, password: password, source: request.sourceIP) == line.id ? .granted : .challenge(stale: false)
            }
            if let other = try? MACAddress(parsing: user), other != record?.mac, let otherRecord = try await self.record(other),
               let expected = otherRecord.devicePassword, user.lowercased() == otherRecord.deviceUsername?.lowercased(),
               DigestAuthenticator.constantTimeEqual(password, expected) {
                return .otherPhone
            }
            return .challenge(stale: false)
        }
        switch digest.check(header: header, method: "GET", path: request.path, username: record?.deviceUsername, password: record?.devicePassword, now: now) {
        case .valid: return .granted
        case .stale: return .challenge(stale: true)
        case .none, .invalid: break
        }
        // Another phone's valid digest answer opens nothing: "not found".
        let fields = DigestAuthenticator.parse(String(header.dropFirst(min(7, header.count))))
        if let user = fields["username"], let other = try? MACAddress(parsing: user), other != record?.mac,
           let otherRecord = try await self.record(other),
           digest.check(header: header, method: "GET", path: request.path, username: otherRecord.deviceUsername, password: otherRecord.devicePassword, now: now) == .valid {
            return .otherPhone
        }
        return .challenge(stale: false)
    }

    private func render(_ book: Book, record: ProvisioningRecord, line: ProvisioningRecord.LineAccount, query: String?) async throws -> RenderedFile {
        var entries: [(name: String, numbers: [String])] = []
        switch book {
        case .extensions:
            entries = try await store.extensionBook(customerID: record.customerID, q: query, limit: Self.bookLimit).map { e in
                (e.department.map { "\(e.name) (\($0))" } ?? e.name, [e.number])
            }
        case .contacts:
            entries = try await store.contactBook(lineID: line.id, q: query, limit: Self.bookLimit).map { c in
                (c.name, c.numbers.map(\.number))
            }
        }
        return PhonebookXML.directory(entries)
    }
}

/// Yealink's remote phonebook format (reference §3): `<…IPPhoneDirectory>` of `DirectoryEntry`.
enum PhonebookXML {
    static func directory(_ entries: [(name: String, numbers: [String])]) -> RenderedFile {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<YealinkIPPhoneDirectory>\n"
        for entry in entries {
            xml += "  <DirectoryEntry>\n    <Name>\(Markup.escape(entry.name))</Name>\n"
            for number in entry.numbers { xml += "    <Telephone>\(Markup.escape(number))</Telephone>\n" }
            xml += "  </DirectoryEntry>\n"
        }
        xml += "</YealinkIPPhoneDirectory>\n"
        return RenderedFile(xml, contentType: "application/xml; charset=utf-8")
    }
}
