import Hummingbird
import PieuvreCore
import PieuvreStore

/// Every portal template, by name: a page's template is chosen by a case, never a string.
enum PageTemplate: String, CaseIterable, Sendable {
    case signIn = "signin"
    case clients
    case client
    case provision
    case line
    case adminPhones = "admin-phones"
    case phone
    case departments
    case settings
    case userHome = "user-home"
    case contacts
    case account
    case notifications
    case problem
    case console
}

/// The page model of the problem template (404, 403, an expired form, 500).
struct ProblemPage {
    let status: String
    let message: String
}

/// The one skeleton of every portal handler: the session, the CSRF check on forms, the Store
/// call, and the page again with what was typed when a rule refuses it. Every failure a browser
/// can meet becomes an HTML page, never JSON.
extension PortalKit {
    /// A page for one of `roles`; without a session, the sign-in page.
    func page(_ request: Request, roles: Set<Role>, _ body: (Actor) async throws -> Response) async -> Response {
        await guarded(request) {
            try await body(try await signedIn(request, roles))
        }
    }

    /// A form for one of `roles`: `change` runs after the CSRF check; a rule the person can fix
    /// (an invalid value, a duplicate…) goes to `invalid`, which shows the form again as typed.
    func form(_ request: Request, roles: Set<Role>, limit: Int = 64 * 1024,
              _ change: (Actor, FormBody) async throws -> Response,
              invalid: (Actor, FormBody, DomainError) async throws -> Response) async -> Response {
        await guarded(request) {
            let actor = try await signedIn(request, roles)
            let form = try await FormBody.read(request, limit: limit)
            try checkCSRF(request, form)
            do {
                return try await change(actor, form)
            } catch let error as DomainError where error.isFormError {
                return try await invalid(actor, form, error)
            }
        }
    }

    func signedIn(_ request: Request, _ roles: Set<Role>) async throws -> Actor {
        guard let actor = try await actor(request) else { throw PortalFailure.signedOut }
        guard roles.contains(actor.role) else { throw DomainError.notFound(what: "page", key: request.uri.path) }
        return actor
    }

    func guarded(_ request: Request, _ body: () async throws -> Response) async -> Response {
        let lang = language(request)
        do {
            return try await body()
        } catch PortalFailure.signedOut {
            // Back to the page first asked for once signed in (a GET's address only: a form
            // posted after the session ended is not replayed).
            let next = request.method == .get ? here(request) : "/"
            return redirect(next == "/" ? "/" : Self.query("/", ["next": next]))
        } catch PortalFailure.expiredForm {
            return await problemPage(request, status: .forbidden, message: lang.text("expiredForm"))
        } catch let error as DomainError {
            switch error {
            case .notFound: return await problemPage(request, status: .notFound, message: PortalMessages.text(error, lang))
            case .forbidden: return await problemPage(request, status: .forbidden, message: PortalMessages.text(error, lang))
            default: return await problemPage(request, status: .unprocessableContent, message: PortalMessages.text(error, lang))
            }
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return await problemPage(request, status: .contentTooLarge, message: lang.text("tooLarge"))
        } catch {
            logger.error("portal page failed", metadata: ["path": "\(request.uri.path)", "error": "\(String(reflecting: type(of: error)))"])
            return problem(request, status: .internalServerError, message: lang.text("internalError"))
        }
    }
}

extension DomainError {
    /// Errors a person fixes on the form they sent.
    var isFormError: Bool {
        switch self {
        case .invalid, .missing, .duplicate, .unprocessable, .importRefused: return true
        case .notFound, .forbidden: return false
        }
    }
}
