import Crypto
import Foundation
import Hummingbird
import Mustache
import NIOConcurrencyHelpers
import PieuvreCore
import PieuvreStore

/// A submitted HTML form (`application/x-www-form-urlencoded`).
struct FormBody {
    let fields: [String: [String]]

    static func read(_ request: Request, limit: Int = 8 * 1024 * 1024) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: limit)
        return FormBody(String(buffer: buffer))
    }

    init(_ text: String) {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields[key, default: []].append(value)
        }
        self.fields = fields
    }

    subscript(_ key: String) -> String? { fields[key]?.first }
    func all(_ key: String) -> [String] { fields[key] ?? [] }

    private static func decode(_ s: Substring) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }
}

/// Sessions, CSRF tokens, language and rendering shared by every portal page.
struct PortalKit: Sendable {
    let store: Store
    /// Flushed before a page shows the provisioning log, so it shows the latest requests.
    let journal: ProvisioningJournal
    let library: MustacheLibrary
    let csrfKey: [UInt8]
    let secureCookies: Bool
    /// Failed logins per login on this node: after 5, each answer waits longer (up to 30 s).
    let failures = NIOLockedValueBox([String: Int]())

    static let cookie = "pieuvre_session"

    init(store: Store, journal: ProvisioningJournal, csrfKey: String, secureCookies: Bool) throws {
        self.store = store
        self.journal = journal
        var library = MustacheLibrary()
        for (name, text) in Templates.all { try library.register(text, named: name) }
        self.library = library
        self.csrfKey = Array(("csrf:" + csrfKey).utf8)
        self.secureCookies = secureCookies
    }

    func language(_ request: Request) -> PortalLanguage {
        if let q = request.uri.queryParameters.get("lang"), let lang = PortalLanguage(rawValue: q) { return lang }
        if let c = request.cookies["pieuvre_lang"]?.value, let lang = PortalLanguage(rawValue: c) { return lang }
        if let accept = request.headers[.acceptLanguage]?.lowercased(), accept.hasPrefix("en") { return .en }
        return .fr
    }

    func token(_ request: Request) -> String? { request.cookies[Self.cookie]?.value }

    func actor(_ request: Request) async throws -> Actor? {
        guard let token = token(request) else { return nil }
        return try await store.actor(forToken: token)
    }

    func csrf(_ request: Request) -> String {
        guard let token = token(request) else { return "" }
        return Hex.lower(HMAC<SHA256>.authenticationCode(for: Data(token.utf8), using: SymmetricKey(data: csrfKey)))
    }

    /// Every POST of a signed-in page carries the session's CSRF token.
    func checkCSRF(_ request: Request, _ form: FormBody) throws {
        let expected = csrf(request)
        guard !expected.isEmpty, let sent = form["csrf"], DigestAuthenticator.constantTimeEqual(sent, expected) else {
            throw APIError(.forbidden, "the form has expired: reload the page")
        }
    }

    func page(_ template: String, _ request: Request, _ values: [String: Any], status: HTTPResponse.Status = .ok, actor: Actor? = nil) -> Response {
        let lang = language(request)
        var context = values
        context["t"] = lang.labels
        context["csrf"] = csrf(request)
        if let actor { context["who"] = actor.login }
        let html = library.render(context, withTemplate: template) ?? ""
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let q = request.uri.queryParameters.get("lang"), PortalLanguage(rawValue: q) != nil {
            headers[.setCookie] = "pieuvre_lang=\(q); Path=/; Max-Age=31536000; SameSite=Lax"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    func sessionCookie(_ token: String, maxAge: Int) -> String {
        "\(Self.cookie)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax" + (secureCookies ? "; Secure" : "")
    }

    func home(_ role: Role) -> String {
        switch role {
        case .operator, .reseller: return "/extranet"
        case .administrator: return "/admin"
        case .user: return "/portal"
        }
    }

    static func date(_ date: Date?, _ lang: PortalLanguage, time: Bool = true) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%02d/%02d/%04d", c.day!, c.month!, c.year!)
        return time ? day + String(format: " %02d:%02d:%02d", c.hour!, c.minute!, c.second!) : day
    }

    /// `datetime-local` value (Paris time) and back.
    static func localInput(_ date: Date?) -> String {
        guard let date else { return "" }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    static func parseLocalInput(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 5 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))
    }
}
