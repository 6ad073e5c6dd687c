import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import PieuvreCore
import PieuvreStore

/// Sessions, CSRF tokens, language and rendering shared by every portal page.
///
/// A page is Query → Model → View: a controller's query step (the only part that touches the
/// Store) builds a plain struct, and `render` gives it to the page's template. Templates live in
/// `Resources/Templates/`, one per page plus partials; a template name is a `PageTemplate`
/// case, so a mistyped name does not compile.
struct PortalKit: Sendable {
    let store: Store
    /// Flushed before a page shows the provisioning log, so it shows the latest requests.
    let journal: ProvisioningJournal
    let library: MustacheLibrary
    let csrfKey: [UInt8]
    let secureCookies: Bool
    /// Tells phones over SIP that their files changed (nil when SIP is off).
    let notifier: MessageWaitingNotifier?
    /// Set when notification e-mails can be sent (the E-mail tab says so otherwise).
    let mail: MailOutbox?
    let logger: Logger

    /// After a change to a settings layer: phones under it fetch their files now.
    func settingsChanged(_ target: LayerTarget) async {
        guard let notifier, let numbers = try? await store.numbersReached(by: target) else { return }
        notifier.checkSync(numbers)
    }
    /// The one stylesheet and the one script, read once from the resources.
    let stylesheet: String
    let script: String

    static let cookie = "pieuvre_session"
    /// Set by the sign-in page: the sign-in form's CSRF token is bound to it.
    static let signInCookie = "pieuvre_signin"
    /// A session without "Se souvenir de moi" ends with the browser; the server never keeps one
    /// for more than a day either.
    static let browserSessionLifetime: TimeInterval = 12 * 3600

    init(store: Store, journal: ProvisioningJournal, csrfKey: String, secureCookies: Bool, notifier: MessageWaitingNotifier? = nil, mail: MailOutbox? = nil, logger: Logger) async throws {
        self.notifier = notifier
        self.mail = mail
        self.store = store
        self.journal = journal
        self.library = try await Self.templates()
        self.csrfKey = Array(("csrf:" + csrfKey).utf8)
        self.secureCookies = secureCookies
        self.logger = logger
        guard let css = Bundle.module.url(forResource: "pieuvre", withExtension: "css", subdirectory: "Static") else {
            throw PortalSetupError.templatesMissing
        }
        self.stylesheet = try String(contentsOf: css, encoding: .utf8)
        guard let js = Bundle.module.url(forResource: "pieuvre", withExtension: "js", subdirectory: "Static") else {
            throw PortalSetupError.templatesMissing
        }
        self.script = try String(contentsOf: js, encoding: .utf8)
    }

    static func templates() async throws -> MustacheLibrary {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PortalSetupError.templatesMissing
        }
        return try await MustacheLibrary(directory: directory.path)
    }

    enum PortalSetupError: Error { case templatesMissing }

    // MARK: who and how

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
        return mac("session:" + token)
    }

    func signInCSRF(_ nonce: String) -> String { mac("signin:" + nonce) }

    private func mac(_ text: String) -> String {
        Hex.lower(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: csrfKey)))
    }

    /// Every POST of a signed-in page carries the session's CSRF token.
    func checkCSRF(_ request: Request, _ form: FormBody) throws {
        let expected = csrf(request)
        guard !expected.isEmpty, let sent = form["csrf"], DigestAuthenticator.constantTimeEqual(sent, expected) else {
            throw PortalFailure.expiredForm
        }
    }

    /// The sign-in form is bound to a random cookie the sign-in page set (double submit), so
    /// another site cannot sign a browser in to an account of its choosing.
    func checkSignInCSRF(_ request: Request, _ form: FormBody) throws {
        guard let nonce = request.cookies[Self.signInCookie]?.value, !nonce.isEmpty, let sent = form["csrf"],
              DigestAuthenticator.constantTimeEqual(sent, signInCSRF(nonce)) else {
            throw PortalFailure.expiredForm
        }
    }

    // MARK: rendering

    /// What every template sees around the page's own model.
    struct Frame<Model>: @unchecked Sendable {
        let t: [String: String]
        let csrf: String
        let who: String?
        let page: Model
    }

    func render<Model>(_ template: PageTemplate, _ model: Model, _ request: Request, status: HTTPResponse.Status = .ok, actor: Actor? = nil, csrf: String? = nil) -> Response {
        let lang = language(request)
        guard let html = html(template, model, lang: lang, csrf: csrf ?? self.csrf(request), who: actor?.login) else {
            logger.error("portal template missing", metadata: ["template": "\(template.rawValue)"])
            return problem(request, status: .internalServerError, message: lang.text("internalError"))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let q = request.uri.queryParameters.get("lang"), PortalLanguage(rawValue: q) != nil {
            headers[.setCookie] = "pieuvre_lang=\(q); Path=/; Max-Age=31536000; SameSite=Lax"
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The page's HTML: the view step alone, a pure function of the model (snapshot-tested).
    func html<Model>(_ template: PageTemplate, _ model: Model, lang: PortalLanguage, csrf: String, who: String?) -> String? {
        library.render(Frame(t: lang.labels, csrf: csrf, who: who, page: model), withTemplate: template.rawValue)
    }

    /// An HTML page for a failure a browser meets (404, 403, an expired form, 500).
    func problem(_ request: Request, status: HTTPResponse.Status, message: String) -> Response {
        let model = ProblemPage(status: String(status.code), message: message)
        if let html = library.render(Frame(t: language(request).labels, csrf: "", who: nil, page: model), withTemplate: PageTemplate.problem.rawValue) {
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            headers[.cacheControl] = "no-store"
            return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        return ProblemHTML.response(status: status, message: message)
    }

    func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// The session cookie: with a max age for "Se souvenir de moi", else a browser-session cookie.
    func sessionCookie(_ token: String, maxAge: Int?) -> String {
        var cookie = "\(Self.cookie)=\(token); Path=/; HttpOnly; SameSite=Lax"
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie + (secureCookies ? "; Secure" : "")
    }

    func home(_ role: Role) -> String {
        switch role {
        case .operator, .reseller: return "/extranet"
        case .administrator: return "/admin"
        case .user: return "/portal"
        }
    }

    // MARK: dates

    /// A portal address with its query (empty values left out), each value percent-encoded.
    static func query(_ path: String, _ items: KeyValuePairs<String, String>) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let parts = items.filter { !$0.value.isEmpty }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
        return parts.isEmpty ? path : path + "?" + parts.joined(separator: "&")
    }

    static func date(_ date: Date?, time: Bool = true) -> String {
        guard let date else { return "" }
        let c = paris.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%02d/%02d/%04d", c.day!, c.month!, c.year!)
        return time ? day + String(format: " %02d:%02d:%02d", c.hour!, c.minute!, c.second!) : day
    }

    /// `datetime-local` value (Paris time) and back.
    static func localInput(_ date: Date?) -> String {
        guard let date else { return "" }
        let c = paris.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    static func parseLocalInput(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { "-T:".contains($0) }).compactMap { Int($0) }
        guard parts.count >= 5 else { return nil }
        return paris.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4]))
    }

    private static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt
        return calendar
    }()
}

/// Failures of the portal itself (as opposed to the domain's rules).
enum PortalFailure: Error {
    /// No session: the browser goes to the sign-in page.
    case signedOut
    /// The CSRF token is missing or wrong: an HTML 403 page says to reload.
    case expiredForm
}

/// The last resort when even the problem template cannot render: a fixed, escaped page.
enum ProblemHTML {
    static func response(status: HTTPResponse.Status, message: String) -> Response {
        let html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>\(status.code)</title></head><body><h1>\(status.code)</h1><p id=\"error\">\(Markup.escape(message))</p><p><a href=\"/\">Pieuvre</a></p></body></html>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
