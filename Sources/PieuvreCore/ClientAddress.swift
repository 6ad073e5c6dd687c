import Foundation

/// Who a request really comes from, behind load balancers: only when the peer is a trusted
/// proxy are `Forwarded` (RFC 7239) or `X-Forwarded-For` believed, read from the right and
/// skipping the trusted proxies, so a client cannot choose its own address by sending the
/// header itself. Without trusted proxies the peer is the client, whatever the headers say.
public enum ClientAddress {
    public static func resolve(peer: String, forwarded: String?, xForwardedFor: String?, trusted: [CIDR]) -> String {
        guard !trusted.isEmpty, trusted.contains(where: { $0.contains(peer) }) else { return peer }
        let chain: [String]
        if let forwarded {
            chain = forwarded.split(separator: ",").compactMap { (element: Substring) -> String? in
                let pairs = element.split(separator: ";").map { String($0).trimmingCharacters(in: .whitespaces) }
                return pairs.first { $0.lowercased().hasPrefix("for=") }.map { Self.unwrap(String($0.dropFirst(4))) }
            }
        } else if let xForwardedFor {
            chain = xForwardedFor.split(separator: ",").map { Self.unwrap(String($0).trimmingCharacters(in: .whitespaces)) }
        } else {
            return peer
        }
        // Right to left: the first address no trusted proxy owns is the client's.
        for hop in chain.reversed() {
            guard CIDR(hop) != nil else { return peer }  // garbage, "unknown", an obfuscated id: keep the peer
            if !trusted.contains(where: { $0.contains(hop) }) { return hop }
        }
        return chain.first.flatMap { CIDR($0) != nil ? $0 : nil } ?? peer
    }

    /// `"[2001:db8::1]:4711"` → `2001:db8::1`; `192.0.2.60:8080` → `192.0.2.60`.
    static func unwrap(_ value: String) -> String {
        var text = value.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        if text.hasPrefix("[") , let close = text.firstIndex(of: "]") {
            text = String(text[text.index(after: text.startIndex)..<close])
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            text = String(text[..<colon])
        }
        return String(text.prefix(64))
    }
}
