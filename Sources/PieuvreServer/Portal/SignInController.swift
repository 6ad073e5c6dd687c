import Foundation
import HTTPTypes
import Hummingbird
import PieuvreCore
import PieuvreStore

/// The one sign-in page for every role (the seed's "Authentification" and "Portail"), sign-out,
/// and the stylesheet. Sign-in goes through the Store's throttle, shared with the API.
struct SignInController {
    let kit: PortalKit

    struct SignInPage {
        let login: String
        let remember: Bool
        let error: String?
        /// Where the person was going when the sign-in page stopped them.
        var next: String? = nil
    }

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("/", use: signInPage)
        router.post("/", use: signIn)
        router.post("logout", use: signOut)
        router.get("language", use: switchLanguage)
        for (file, type, text) in [("pieuvre.css", "text/css; charset=utf-8", kit.stylesheet), ("pieuvre.js", "text/javascript; charset=utf-8", kit.script)] {
            router.get("static/\(file)") { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = type
                headers[.cacheControl] = "public, max-age=3600"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
    }

    @Sendable func signInPage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.guarded(request) {
            let next = PortalKit.safeReturn(kit.query(request)["next"])
            if let actor = try await kit.actor(request) { return kit.redirect(next ?? kit.home(actor.role)) }
            return form(request, SignInPage(login: "", remember: false, error: nil, next: next), status: .ok)
        }
    }

    /// The form with a fresh sign-in CSRF nonce in its cookie and hidden field.
    private func form(_ request: Request, _ model: SignInPage, status: HTTPResponse.Status) -> Response {
        let nonce = Self.nonce()
        var response = kit.render(.signIn, model, request, status: status, csrf: kit.signInCSRF(nonce))
        response.headers.append(HTTPField(name: .setCookie, value: "\(PortalKit.signInCookie)=\(nonce); Path=/; HttpOnly; SameSite=Lax" + (kit.secureCookies ? "; Secure" : "")))
        return response
    }

    @Sendable func signIn(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.guarded(request) {
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkSignInCSRF(request, form)
            let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces)
            let remember = form.checked("remember")
            let lang = kit.language(request)
            let next = PortalKit.safeReturn(form["next"])
            switch try await kit.store.signIn(login: login, password: form["password"] ?? "", source: context.remoteIP, remember: remember) {
            case let .granted(grant):
                let maxAge = remember ? Int(Store.rememberLifetime) : nil
                return kit.redirect(next ?? kit.home(grant.role), cookies: [kit.sessionCookie(grant.token, maxAge: maxAge)])
            case .refused:
                PieuvreMetrics.shared.loginFailure("portal")
                return self.form(request, SignInPage(login: login, remember: remember, error: lang.text("badLogin"), next: next), status: .unauthorized)
            case let .throttled(seconds):
                PieuvreMetrics.shared.loginFailure("portal")
                var response = self.form(request, SignInPage(login: login, remember: remember, error: lang.counted(seconds, "throttled").replacingOccurrences(of: "{s}", with: String(seconds)), next: next), status: .tooManyRequests)
                response.headers[.retryAfter] = String(seconds)
                return response
            }
        }
    }

    /// The header's language switch: remembers the language and goes back to the page the
    /// person was on (a path of this site only), whatever answered that page (a GET or a form).
    @Sendable func switchLanguage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let query = kit.query(request)
        let to = PortalKit.safeReturn(query["to"]) ?? "/"
        guard let lang = query["lang"].flatMap(PortalLanguage.init(rawValue:)) else { return kit.redirect(to) }
        return kit.redirect(to, cookies: [PortalKit.languageCookie(lang.rawValue)])
    }

    @Sendable func signOut(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        await kit.guarded(request) {
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkCSRF(request, form)
            if form.checked("everywhere"), let actor = try await kit.actor(request) {
                try await kit.store.closeAllSessions(actor)
            } else if let token = kit.token(request) {
                try await kit.store.closeSession(token: token)
            }
            return kit.redirect("/", cookies: [kit.sessionCookie("", maxAge: 0)])
        }
    }

    static func nonce() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.lower((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
    }
}
