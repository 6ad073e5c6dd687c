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
        if let q = query(request)["lang"], let lang = PortalLanguage(rawValue: q) { return lang }
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

    /// What every template sees around the page's own model: the labels, the CSRF token, who is
    /// signed in, the role's navigation bar, the language switch's link and the page's title.
    struct Frame<Model>: @unchecked Sendable {
        let t: [String: String]
        let csrf: String
        let who: String?
        let nav: [NavLink]
        let langHref: String
        let pageTitle: String
        /// What the last form did, after its redirect (`?done=`), in the page's language.
        var notice: String? = nil
        let page: Model
    }

    /// `title` names the page when its template serves several (the settings template is a
    /// phone's page and the administrator's profiles).
    func render<Model>(_ template: PageTemplate, _ model: Model, _ request: Request, status: HTTPResponse.Status = .ok, actor: Actor? = nil, csrf: String? = nil, title: String? = nil) -> Response {
        let lang = language(request)
        guard let html = html(template, model, lang: lang, csrf: csrf ?? self.csrf(request), who: actor?.login, role: actor?.role, here: here(request), notice: done(request), title: title) else {
            logger.error("portal template missing", metadata: ["template": "\(template.rawValue)"])
            return problem(request, status: .internalServerError, message: lang.text("internalError"))
        }
        return htmlResponse(html, status: status, request: request)
    }

    private func htmlResponse(_ html: String, status: HTTPResponse.Status, request: Request) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if let q = query(request)["lang"], PortalLanguage(rawValue: q) != nil {
            headers[.setCookie] = Self.languageCookie(q)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static func languageCookie(_ lang: String) -> String { "pieuvre_lang=\(lang); Path=/; Max-Age=31536000; SameSite=Lax" }

    /// The page's HTML: the view step alone, a pure function of the model (snapshot-tested).
    func html<Model>(_ template: PageTemplate, _ model: Model, lang: PortalLanguage, csrf: String, who: String?, role: Role? = nil, here: String = "/", notice: String? = nil, title: String? = nil) -> String? {
        let frame = Frame(t: lang.labels, csrf: csrf, who: who, nav: role.map { NavLink.bar(for: $0, lang: lang, here: here) } ?? [],
                          langHref: Self.query("/language", ["lang": lang.other.rawValue, "to": here]),
                          pageTitle: title ?? lang.text(template.titleKey), notice: notice, page: model)
        return library.render(frame, withTemplate: template.rawValue)
    }

    /// Where the page the person sees lives, for the language switch and the sign-in's return:
    /// a GET's own address; after a form was posted, the page the form was on (its Referer, when
    /// it is one of ours), since the POST's address has no page of its own.
    func here(_ request: Request) -> String {
        if request.method == .get || request.method == .head {
            let kept = query(request).fields.filter { !["lang", "done"].contains($0.key) }.sorted { $0.key < $1.key }
            return Self.query(request.uri.path, kept.flatMap { key, values in values.map { (key, $0) } })
        }
        // The Referer's host, with or without a port, must be the one this request came to.
        if let referer = request.headers[.referer], let url = URL(string: referer), let authority = request.head.authority,
           let host = url.host, authority == host || authority.hasPrefix(host + ":") {
            let path = url.path.isEmpty ? "/" : url.path
            return Self.safeReturn(url.query.map { path + "?" + $0 } ?? path) ?? "/"
        }
        return "/"
    }

    /// A return address we may redirect to: a path on this site, never another host.
    static func safeReturn(_ to: String?) -> String? {
        guard let to, to.hasPrefix("/"), !to.hasPrefix("//"), !to.hasPrefix("/\\"), to.count <= 2000,
              !to.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        // A Location header carries ASCII: anything else percent-encoded, as a browser would.
        var ascii = CharacterSet(charactersIn: Unicode.Scalar(0x21)...Unicode.Scalar(0x7E))
        ascii.remove("%")
        return to.unicodeScalars.allSatisfy(\.isASCII) ? to : to.addingPercentEncoding(withAllowedCharacters: ascii)
    }

    /// The page's query, decoded as browsers encode forms (`+` and `%20` are spaces): the one
    /// decoder of every portal route.
    func query(_ request: Request) -> FormBody { FormBody(request.uri.query ?? "") }

    /// The message of a redirect after a form (`?done=provisioned&mac=…`): only the codes the
    /// labels know, so an address cannot make a page say anything else.
    func done(_ request: Request) -> String? {
        let query = query(request)
        guard let code = query["done"], let text = language(request).labels["done." + code] else { return nil }
        return text.replacingOccurrences(of: "{mac}", with: String((query["mac"] ?? "").prefix(20)))
                   .replacingOccurrences(of: "{sda}", with: String((query["sda"] ?? "").prefix(20)))
    }

    /// A domain error in the page's language, each field by its label.
    func say(_ error: DomainError, _ request: Request) -> String { PortalMessages.text(error, language(request)) }

    /// An HTML page for a failure a browser meets (404, 403, an expired form, 500): styled, in
    /// the page's language, with the header of the person signed in (when one is).
    func problem(_ request: Request, status: HTTPResponse.Status, message: String, actor: Actor? = nil) -> Response {
        let model = ProblemPage(status: String(status.code), message: message)
        let lang = language(request)
        if let html = html(.problem, model, lang: lang, csrf: actor == nil ? "" : csrf(request), who: actor?.login, role: actor?.role, here: here(request)) {
            return htmlResponse(html, status: status, request: request)
        }
        return ProblemHTML.response(status: status, message: message)
    }

    /// The problem page with the header of whoever is signed in.
    func problemPage(_ request: Request, status: HTTPResponse.Status, message: String) async -> Response {
        problem(request, status: status, message: message, actor: (try? await actor(request)) ?? nil)
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
        query(path, items.map { ($0.key, $0.value) })
    }

    static func query(_ path: String, _ items: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let parts = items.filter { !$0.1.isEmpty }.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }
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
