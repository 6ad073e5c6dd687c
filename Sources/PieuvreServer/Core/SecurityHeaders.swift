import HTTPTypes
import Hummingbird

/// Headers every answer carries: no framing (clickjacking), no MIME sniffing, a Content
/// Security Policy that allows only the app's own script and stylesheet, and no referrer
/// leaving the site.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var policy: String {
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.policy
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        // The connection closes after this answer when the client asked so: say it (RFC 9112
        // §9.6), or a client that keeps connections sends its next request into the close.
        if request.headers[.connection]?.lowercased().contains("close") == true { response.headers[.connection] = "close" }
        return response
    }
}
