import HTTPTypes
import Hummingbird
import PieuvreStore

/// The router's part of `/sip-ps/`: the phonebooks, and a 404 for the bare directory. The
/// files themselves (`/sip-ps/<file>`) never reach the router: `PhoneFileLane` answers them on
/// the connection, before Hummingbird's pipeline.
struct PhoneFilesController {
    let files: PhoneFiles
    /// `http` or `https`: the listener this router serves.
    let transport: String

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("sip-ps/directory/:mac/:book", use: book)
        router.get("sip-ps", use: { _, _ in PhoneFileResponse.notFound.response })
    }

    /// A phone's remote phonebook ("Extensions" or "Contacts"); its URL carries the phone's
    /// credentials as userinfo, which the phone sends as Basic or answers a Digest challenge with.
    @Sendable func book(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let answer = try await files.phonebook(PhoneFiles.BookRequest(
            mac: context.parameters.optionalText("mac") ?? "", book: context.parameters.optionalText("book") ?? "",
            query: request.uri.queryParameters.get("q").map { String($0) }, path: request.uri.description,
            authorization: request.headers[.authorization], userAgent: request.headers[.userAgent], sourceIP: context.remoteIP, transport: transport))
        var response = PhoneFileResponse(answer).response
        if case .challenge = answer { response.headers.append(HTTPField(name: .wwwAuthenticate, value: "Basic realm=\"\(DigestAuthenticator.realm)\"")) }
        return response
    }
}
