import Crypto
import Foundation
import NIOConcurrencyHelpers
import PieuvreCore

/// HTTP Digest (RFC 7616, MD5 as these phones speak it, qop=auth) for device files.
///
/// Nonces are signed with a key every node shares (in the database) and name the node that
/// issued them; they live 5 minutes. Each node remembers the nonce counts it accepted, so a
/// replayed answer is refused; an answer to another node's nonce gets a fresh challenge with
/// `stale=true` (the phone answers it again without a prompt), so a replay is refused on every
/// node without a store of counts shared between them.
final class DigestAuthenticator: Sendable {
    static let realm = "pieuvre"
    let lifetime: TimeInterval = 300
    private let keyBytes: [UInt8]
    /// This process's name in its nonces: random at each start (a restarted node no longer
    /// remembers the counts of its earlier nonces, so it must not accept them either).
    let node: String
    private let seen = NIOLockedValueBox([String: SeenCounts]())
    private let remembered = NIOLockedValueBox([String: Hashes]())
    private struct Hashes {
        let password: String, method: String, uri: String, ha1: String, ha2: String
    }

    /// The nonce counts accepted for one nonce: the highest, and a 1,024-count window below it
    /// as a bitmap (bit i: highest - i was used), so checking a count costs the same however
    /// many came before.
    struct SeenCounts {
        static let window: UInt64 = 1024
        var highest: UInt64 = 0
        var bits = [UInt64](repeating: 0, count: Int(window / 64))
        var started = false
        var expires: Date

        mutating func accept(_ n: UInt64) -> Bool {
            if !started || n > highest {
                shift(by: started ? n - highest : Self.window)
                highest = n
                started = true
                bits[0] |= 1
                return true
            }
            let distance = highest - n
            guard distance < Self.window else { return false }
            let word = Int(distance / 64), bit = UInt64(1) << (distance % 64)
            guard bits[word] & bit == 0 else { return false }
            bits[word] |= bit
            return true
        }

        private mutating func shift(by amount: UInt64) {
            guard amount < Self.window else {
                for i in bits.indices { bits[i] = 0 }
                return
            }
            let words = Int(amount / 64), offset = amount % 64
            for i in stride(from: bits.count - 1, through: 0, by: -1) {
                let source = i - words
                var value: UInt64 = source >= 0 ? bits[source] << offset : 0
                if offset > 0, source - 1 >= 0 { value |= bits[source - 1] >> (64 - offset) }
                bits[i] = value
            }
        }
    }

    init(key: String, node: String? = nil) {
        self.keyBytes = Array(key.utf8)
        var generator = SystemRandomNumberGenerator()
        self.node = node ?? String(generator.next() & 0xFFFF_FFFF, radix: 16)
    }

    /// `<time>-<random>-<node>.<signature>`: the random part makes every challenge's nonce its
    /// own, so two phones answering in the same second never share nonce counts.
    func nonce(now: Date) -> String {
        var generator = SystemRandomNumberGenerator()
        let stamp = String(UInt64(now.timeIntervalSince1970), radix: 16) + "-" + String(generator.next(), radix: 16) + "-" + node
        return stamp + "." + signature(stamp)
    }

    func challenge(now: Date, stale: Bool) -> String {
        "Digest realm=\"\(Self.realm)\", qop=\"auth\", algorithm=MD5, nonce=\"\(nonce(now: now))\", opaque=\"\(Self.opaque)\"" + (stale ? ", stale=true" : "")
    }

    static let opaque = "70696575767265"

    /// Checks an `Authorization: Digest …` header against the expected user and password.
    func check(header: String?, method: String, path: String, username: String?, password: String?, now: Date) -> PresentedCredentials {
        guard let header, Self.isDigest(header) else { return .none }
        let fields = Self.parse(String(header.dropFirst(7)))
        guard let user = fields["username"], let nonce = fields["nonce"], let uri = fields["uri"], let response = fields["response"],
              fields["realm"] == Self.realm, (fields["algorithm"] ?? "MD5").uppercased() == "MD5" else { return .invalid }
        guard let username, let password, user == username else { return .invalid }
        // The URI may come as a path or as an absolute URL; it must name this request.
        let uriPath = uri.hasPrefix("/") ? uri : (URL(string: uri).map { $0.path + ($0.query.map { "?" + $0 } ?? "") } ?? "")
        guard uriPath == path else { return .invalid }
        // `<time>-<random>-<node>.<signature>`, cut on bytes (this runs on every fetch).
        guard let dot = nonce.utf8.firstIndex(of: UInt8(ascii: ".")) else { return .invalid }
        let stampText = Substring(nonce.utf8[..<dot])
        let stampParts = stampText.utf8.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        // A nonce this node already accepted an answer to was verified then: its signature is
        // not computed again on every fetch (only nonces that passed are remembered).
        let known = seen.withLockedValue { $0[nonce] != nil }
        guard known || Self.constantTimeEqual(signature(String(stampText)), String(Substring(nonce.utf8[nonce.utf8.index(after: dot)...]))),
              let stamp = stampParts.first.flatMap({ UInt64(String(Substring($0)), radix: 16) }) else { return .invalid }
        let (ha1, ha2) = hashes(user: user, password: password, method: method, uri: uri)
        // RFC 2069 answers (no qop) carry no client nonce or count: refused, so every accepted
        // answer is bound to a count the replay check remembers.
        guard let qop = fields["qop"], qop == "auth", let nc = fields["nc"], let cnonce = fields["cnonce"], let count = UInt64(nc, radix: 16) else { return .invalid }
        // Compared as the digest's bytes with the answer's hex (either case): no hex string made.
        var answer = "\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)"
        let expected = answer.withUTF8 { Insecure.MD5.hash(data: UnsafeRawBufferPointer($0)) }
        guard Hex.spells(expected, response) else { return .invalid }
        let issued = Date(timeIntervalSince1970: TimeInterval(stamp))
        guard now.timeIntervalSince(issued) <= lifetime, issued.timeIntervalSince(now) < 60 else { return .stale }
        // Another node's nonce (or one from before this node started): its counts are not here.
        guard stampParts.count == 3, stampParts[2].elementsEqual(node.utf8) else { return .stale }
        return accept(nonce: nonce, count: count, expires: issued.addingTimeInterval(lifetime), now: now) ? .valid : .invalid
    }

    /// HA1 and HA2 as a phone's last fetch made them: the same on every fetch of its file until
    /// its credentials change, so they are remembered per user (bounded like the nonce counts).
    private func hashes(user: String, password: String, method: String, uri: String) -> (String, String) {
        if let known = remembered.withLockedValue({ $0[user] }), known.password == password, known.method == method, known.uri == uri {
            return (known.ha1, known.ha2)
        }
        let ha1 = Self.md5("\(user):\(Self.realm):\(password)")
        let ha2 = Self.md5("\(method):\(uri)")
        remembered.withLockedValue { remembered in
            if remembered.count >= 100_000 { remembered.removeAll(keepingCapacity: true) }
            remembered[user] = Hashes(password: password, method: method, uri: uri, ha1: ha1, ha2: ha2)
        }
        return (ha1, ha2)
    }

    /// Records a nonce count; false if it was used before. Without qop a nonce is single-use.
    private func accept(nonce: String, count: UInt64?, expires: Date, now: Date) -> Bool {
        seen.withLockedValue { seen in
            if seen.count > 100_000 { seen = seen.filter { $0.value.expires > now } }
            if count == nil && seen[nonce] != nil { return false }
            // Counts may arrive slightly out of order under concurrency: the window allows it.
            // Changed in place (no copy of the window's words on every fetch).
            return seen[nonce, default: SeenCounts(expires: expires)].accept(count ?? 0)
        }
    }

    private func signature(_ stamp: String) -> String {
        Hex.lower(HMAC<SHA256>.authenticationCode(for: Array(stamp.utf8), using: SymmetricKey(data: keyBytes)).prefix(16))
    }

    static func md5(_ text: String) -> String {
        var text = text
        return text.withUTF8 { Hex.lower(Insecure.MD5.hash(data: UnsafeRawBufferPointer($0))) }
    }



    /// `Digest ` in any case, read without lowercasing the whole header on every fetch.
    static func isDigest(_ header: String) -> Bool {
        let scheme = header.utf8.prefix(7)
        return scheme.count == 7 && zip(scheme, "digest ".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `key=value, key="quoted, value"` pairs, read byte by byte (this runs on every fetch).
    static func parse(_ text: String) -> [String: String] { DigestHeader.fields(text) }
}
