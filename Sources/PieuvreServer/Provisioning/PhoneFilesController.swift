import HTTPTypes
import Hummingbird
import PieuvreStore

/// `GET /sip-ps/<file>`: what phones fetch, by DHCP option 66, a typed URL or PnP.
struct PhoneFilesController {
    let files: PhoneFiles
    /// `http` or `https`: the listener this router serves.
    let transport: String
    /// `--tls-client-ca`: a phone's factory certificate, when presented, names the only MAC
    /// whose files it may fetch.
    var clientCertificates = false

    func addRoutes(to router: Router<PieuvreRequestContext>) {
        router.get("sip-ps/:file", use: fetch)
        router.get("sip-ps/directory/:mac/:book", use: book)
        router.get("sip-ps", use: { _, _ in Self.notFound })
    }

    static var notFound: Response { text(.notFound, "not found\n") }

    @Sendable func fetch(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let answer = try await files.answer(PhoneFiles.Request(
            fileName: context.parameters.optionalText("file") ?? "",
            path: request.uri.description,
            userAgent: request.headers[.userAgent],
            authorization: request.headers[.authorization],
            sourceIP: context.remoteIP, transport: transport,
            certifiedMAC: clientCertificates ? await DeviceCertificate.mac(on: context.channel) : nil))
        return respond(answer)
    }

    func respond(_ answer: PhoneFiles.Answer) -> Response {
        switch answer {
        case let .file(file):
            var headers = HTTPFields()
            headers[.contentType] = file.contentType
            headers[.cacheControl] = "no-store"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: file.bytes)))
        case .notFound:
            return Self.notFound
        case let .challenge(header):
            var response = Self.text(.unauthorized, "authentication required\n")
            response.headers[.wwwAuthenticate] = header
            return response
        case let .forbidden(message):
            return Self.text(.forbidden, message)
        case .throttled:
            var response = Self.text(.tooManyRequests, "too many requests from this address: try again later\n")
            response.headers[.retryAfter] = "600"
            return response
        }
    }

    /// A phone's remote phonebook ("Extensions" or "Contacts"); its URL carries the phone's
    /// credentials as userinfo, which the phone sends as Basic or answers a Digest challenge with.
    @Sendable func book(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let answer = try await files.phonebook(PhoneFiles.BookRequest(
            mac: context.parameters.optionalText("mac") ?? "", book: context.parameters.optionalText("book") ?? "",
            query: request.uri.queryParameters.get("q").map { String($0) }, path: request.uri.description,
            authorization: request.headers[.authorization], userAgent: request.headers[.userAgent], sourceIP: context.remoteIP, transport: transport))
        var response = respond(answer)
        if case .challenge = answer { response.headers.append(HTTPField(name: .wwwAuthenticate, value: "Basic realm=\"\(DigestAuthenticator.realm)\"")) }
        return response
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
