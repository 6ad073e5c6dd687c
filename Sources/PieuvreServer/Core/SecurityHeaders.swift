import HTTPTypes
import Hummingbird

/// Headers every answer carries: no framing (clickjacking), no MIME sniffing, a Content
/// Security Policy that allows only the app's own script and stylesheet, and no referrer
/// leaving the site.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        SecurityHeaders.add(to: &response.headers, request: request.headers)
        return response
    }
}

/// The headers themselves, for the router's answers and the phone-file lane's alike.
enum SecurityHeaders {
    static let policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// Made once: every answer carries them.
    static let fields: [HTTPField] = [
        HTTPField(name: .contentSecurityPolicy, value: policy), HTTPField(name: frameOptions, value: "DENY"),
        HTTPField(name: .xContentTypeOptions, value: "nosniff"), HTTPField(name: referrerPolicy, value: "same-origin"),
    ]

    static func add(to headers: inout HTTPFields, request: HTTPFields) {
        for field in fields { headers[field.name] = field.value }
        // The connection closes after this answer when the client asked so: say it (RFC 9112
        // §9.6), or a client that keeps connections sends its next request into the close.
        if closes(request) { headers[.connection] = "close" }
    }

    static func closes(_ request: HTTPFields) -> Bool { closes(connection: request[.connection]) }

    /// Whether a `Connection` value asks to close after the answer.
    static func closes(connection value: String?) -> Bool {
        value?.lowercased().contains("close") == true
    }
}
