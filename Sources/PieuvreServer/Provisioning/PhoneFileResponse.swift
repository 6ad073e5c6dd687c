import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// An answer to a phone as it goes on the wire (status, headers, body), built once for the
/// lane that serves phone files and for the phonebook route alike.
struct PhoneFileResponse: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    init(_ answer: PhoneFiles.Answer) {
        switch answer {
        case let .file(file):
            var headers = HTTPFields()
            headers[.contentType] = file.contentType
            headers[.cacheControl] = "no-store"
            self.init(status: .ok, headers: headers, body: ByteBuffer(bytes: file.bytes))
        case .notFound:
            self = .notFound
        case let .challenge(header):
            self = .text(.unauthorized, "authentication required\n")
            headers[.wwwAuthenticate] = header
        case let .forbidden(message):
            self = .text(.forbidden, message)
        case .throttled:
            self = .text(.tooManyRequests, "too many requests from this address: try again later\n")
            headers[.retryAfter] = "600"
        }
    }

    init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    static var notFound: PhoneFileResponse { text(.notFound, "not found\n") }

    /// The database failed this once (a pool timeout, a conflict): the phone is told to come
    /// back, as phones do on a 503, never a 500 with nothing to go on.
    static var unavailable: PhoneFileResponse {
        var response = text(.serviceUnavailable, "the server cannot answer just now: try again shortly\n")
        response.headers[.retryAfter] = "10"
        return response
    }

    static func text(_ status: HTTPResponse.Status, _ body: String) -> PhoneFileResponse {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return PhoneFileResponse(status: status, headers: headers, body: ByteBuffer(string: body))
    }

    /// For a router's handler (the middleware adds the common headers there).
    var response: Response { Response(status: status, headers: headers, body: .init(byteBuffer: body)) }
}

/// `Date` as HTTP writes it, formatted once a second rather than once a request.
enum HTTPDate {
    private static let cached = NIOLockedValueBox((second: Int.min, text: ""))

    static var now: String {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        let second = clock.tv_sec
        if let text = cached.withLockedValue({ $0.second == second ? $0.text : nil }) { return text }
        var time = tm()
        var seconds = second
        gmtime_r(&seconds, &time)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let text = "\(days[Int(time.tm_wday)]), \(two(time.tm_mday)) \(months[Int(time.tm_mon)]) \(time.tm_year + 1900) \(two(time.tm_hour)):\(two(time.tm_min)):\(two(time.tm_sec)) GMT"
        cached.withLockedValue { $0 = (second, text) }
        return text
    }
}
