import Crypto
import Foundation
import PieuvreCore

/// What one phone does over HTTP(S), as a pure state machine: ask for each file in turn; on a
/// digest challenge answer once with the credentials it holds; learn credentials from its
/// device file. The NIO shell sends what `next()` says and feeds back what came.
public struct HTTPFetchScript: Sendable {
    public struct Request: Sendable, Equatable {
        public let path: String
        public let kind: FileKind
        public let headers: [String: String]
    }

    public enum Verdict: Sendable, Equatable {
        case proceed
        case failed(String)
    }

    public let phone: SimulatedPhone
    private let basePath: String
    private let files: [PhoneFile]
    private var index = 0
    private var authorization: String?
    private var answeredChallenge = false
    private var nonceCount = 0
    public private(set) var credentials: DeviceCredentials?
    public private(set) var finished = false

    public init(phone: SimulatedPhone, basePath: String, credentials: DeviceCredentials?) {
        self.phone = phone
        self.basePath = basePath.hasSuffix("/") ? basePath : basePath + "/"
        self.files = phone.files
        self.credentials = credentials
    }

    /// The next request, nil when every file came.
    public func next() -> Request? {
        guard !finished, index < files.count else { return nil }
        var headers = ["User-Agent": phone.userAgent]
        if let authorization { headers["Authorization"] = authorization }
        return Request(path: basePath + files[index].name, kind: files[index].kind, headers: headers)
    }

    /// What came back for the last request.
    public mutating func received(status: Int, wwwAuthenticate: String?, body: [UInt8]) -> Verdict {
        let file = files[index]
        switch status {
        case 404 where file.kind == .boot:
            // A Yealink without a boot file goes on to the common file and its own (what it
            // does over TFTP, where no User-Agent says which phone asks).
            index += 1
            return .proceed
        case 200:
            if file.kind == .device, let learned = DeviceCredentials.read(from: String(decoding: body, as: UTF8.self), vendor: phone.model.vendor) {
                credentials = learned
            }
            index += 1
            authorization = nil
            answeredChallenge = false
            if index == files.count { finished = true }
            return .proceed
        case 401:
            guard let credentials else { return fail("\(file.kind): 401 without credentials (window closed)") }
            guard !answeredChallenge, let challenge = wwwAuthenticate, let answer = Self.answer(challenge, credentials: credentials, path: basePath + file.name, count: nonceCount + 1) else {
                return fail("\(file.kind): 401 with credentials")
            }
            nonceCount += 1
            answeredChallenge = true
            authorization = answer
            return .proceed
        default:
            return fail("\(file.kind): \(status)")
        }
    }

    private mutating func fail(_ reason: String) -> Verdict {
        finished = true
        return .failed(reason)
    }

    /// RFC 7616 digest with qop=auth and MD5, as the phones answer.
    static func answer(_ challenge: String, credentials: DeviceCredentials, path: String, count: Int) -> String? {
        guard challenge.lowercased().hasPrefix("digest ") else { return nil }
        let fields = DigestHeader.fields(String(challenge.dropFirst(7)))
        guard let realm = fields["realm"], let nonce = fields["nonce"] else { return nil }
        let nc = String(format: "%08x", count)
        let cnonce = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        let ha1 = md5("\(credentials.username):\(realm):\(credentials.password)")
        let ha2 = md5("GET:\(path)")
        let response = md5("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
        var answer = "Digest username=\"\(credentials.username)\", realm=\"\(realm)\", nonce=\"\(nonce)\", uri=\"\(path)\", algorithm=MD5, qop=auth, nc=\(nc), cnonce=\"\(cnonce)\", response=\"\(response)\""
        if let opaque = fields["opaque"] { answer += ", opaque=\"\(opaque)\"" }
        return answer
    }

    static func md5(_ text: String) -> String {
        Hex.lower(Insecure.MD5.hash(data: Data(text.utf8)))
    }
}
