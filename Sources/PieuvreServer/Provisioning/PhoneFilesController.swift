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
        let phoneRequest = PhoneFiles.Request(
            fileName: context.parameters.optionalText("file") ?? "",
            path: request.uri.description,
            userAgent: request.headers[.userAgent],
            authorization: request.headers[.authorization],
            sourceIP: context.remoteIP, transport: transport,
            certifiedMAC: clientCertificates ? await DeviceCertificate.mac(on: context.channel) : nil)
        do {
            return respond(try await files.answer(phoneRequest))
        } catch {
            // The database failed this once (a pool timeout, a conflict): the phone is told to
            // come back, as phones do on a 503, never a 500 with nothing to go on.
            context.logger.error("a phone file could not be answered", metadata: ["file": "\(phoneRequest.fileName)", "error": "\(String(reflecting: type(of: error)))"])
            var response = Self.text(.serviceUnavailable, "the server cannot answer just now: try again shortly\n")
            response.headers[.retryAfter] = "10"
            return response
        }
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
