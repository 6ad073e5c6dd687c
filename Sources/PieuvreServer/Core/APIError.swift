import Foundation
import Hummingbird
import PieuvreCore

/// An error the API reports as it is: a status and a message that names the problem.
struct APIError: Error {
    let status: HTTPResponse.Status
    let message: String
    /// Seconds before trying again (429).
    var retryAfter: Int?
    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    static func throttled(_ seconds: Int) -> APIError {
        var error = APIError(.tooManyRequests, "too many failed sign-ins: try again in \(seconds) s")
        error.retryAfter = seconds
        return error
    }
}

/// The one place where errors become responses: `{"error": "..."}` with the right status.
/// Anything unexpected is logged and answered 500 without details.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The portals' styled, localized page for a browser's failure outside any portal route
    /// (an unknown address), with the header of whoever is signed in.
    var page: (@Sendable (Request, HTTPResponse.Status) async -> Response)? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            var response = Self.response(error.status, ["error": .string(error.message)], unauthorized: error.status == .unauthorized)
            if let seconds = error.retryAfter { response.headers[.retryAfter] = String(seconds) }
            return response
        } catch let error as DomainError {
            return Self.response(for: error)
        } catch let error as HTTPError {
            // A path the API has, asked with a method it does not take: 405 and what it takes.
            let path = request.uri.path
            if error.status == .notFound, path.hasPrefix("/api/v1/") {
                let allowed = PublishedRoutes.api.methods(for: path.dropFirst("/api/v1".count))
                if !allowed.isEmpty, !allowed.contains(request.method.rawValue) {
                    let list = allowed.sorted().joined(separator: ", ")
                    var response = Self.response(.methodNotAllowed, ["error": .string("\(request.method) is not allowed here; allowed: \(list)")])
                    response.headers[.allow] = list
                    return response
                }
            }
            let message = error.body ?? (error.status == .notFound ? "no route \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            // A browser that strays outside the API and the phones' directory gets a page.
            if Self.wantsHTML(request) {
                if let page { return await page(request, error.status) }
                return ProblemHTML.response(status: error.status, message: message)
            }
            return Self.response(error.status, ["error": .string(message)])
        } catch let error as any HTTPResponseError {
            let message = error.status == .contentTooLarge ? "request body is too large" : error.status.reasonPhrase
            return Self.response(error.status, ["error": .string(message)])
        } catch {
            context.logger.error("unexpected error on \(request.method) \(request.uri.path): \(String(reflecting: type(of: error)))")
            return Self.response(.internalServerError, ["error": .string("internal error")])
        }
    }

    static func wantsHTML(_ request: Request) -> Bool {
        let path = request.uri.path
        guard !path.hasPrefix("/api/"), !path.hasPrefix("/sip-ps") else { return false }
        return request.headers[.accept]?.contains("text/html") ?? false
    }

    /// Every domain error carries its `code` beside the English message, the same code the
    /// portals translate from.
    static func response(for error: DomainError) -> Response {
        let message: JSONValue = .string(error.description), code: JSONValue = .string(error.code)
        switch error {
        case .invalid, .missing, .unprocessable:
            return response(.unprocessableContent, ["error": message, "code": code])
        case let .duplicate(field, value, holder):
            var body: [String: JSONValue] = ["error": message, "code": code, "field": .string(field), "value": .string(value)]
            // Who holds it, for a caller allowed to see that customer.
            if let holder { body["customer"] = .string(holder) }
            return response(.conflict, body)
        case .notFound:
            return response(.notFound, ["error": message, "code": code])
        case .forbidden:
            return response(.forbidden, ["error": message, "code": code])
        case let .importRefused(lines):
            let entries = lines.prefix(DomainError.maxListedErrors).map { JSONValue.object(["line": .number(Double($0.line)), "error": .string($0.error)]) }
            return response(.unprocessableContent, ["error": message, "code": code, "lines": .array(Array(entries)), "total": .number(Double(lines.count))])
        }
    }

    static func response(_ status: HTTPResponse.Status, _ body: [String: JSONValue], unauthorized: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"pieuvre\"" }
        let data = JSONValue.object(body).encoded()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
