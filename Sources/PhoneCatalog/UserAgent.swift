import PieuvreCore

/// What a phone says of itself in its HTTP User-Agent.
public struct PhoneUserAgent: Sendable, Equatable {
    public let vendor: Vendor
    /// The model token as sent (`CP920`, `D765`) and the catalogue model it names, if any.
    public let modelToken: String
    public let model: PhoneModel?
    public let firmware: String
    public let mac: MACAddress?

    /// Yealink: `Yealink SIP-T46G 28.72.0.1 00:15:65:4a:a9:37`, also without `SIP-`, in lower
    /// case, with a bare 12-digit MAC or none. snom: `Mozilla/4.0 (compatible; snomD765-SIP
    /// 10.1.33.33 2010.12-00004-g9ba52f5 000413922D24 SXM:0 UXM:0)`. Liberal, as the reference asks.
    public init?(_ header: String) {
        let words = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if let first = words.first, first.lowercased().hasPrefix("yealink") {
            var rest = Array(words.dropFirst())
            var token: String
            if first.count > "yealink".count {
                // `Yealink-T46G 28.71.0.81 …` (very old firmware)
                token = String(first.dropFirst("yealink".count)).trimmingCharacters(in: "- ")
            } else {
                guard !rest.isEmpty else { return nil }
                token = rest.removeFirst()
            }
            for prefix in ["SIP VP-", "SIP-", "sip-"] where token.hasPrefix(prefix) { token = String(token.dropFirst(prefix.count)) }
            if token == "SIP", let next = rest.first { token = next; rest.removeFirst() }
            self.vendor = .yealink
            self.modelToken = token
            self.model = Catalogue.model(vendor: .yealink, token: token)
            self.firmware = rest.first { $0.first?.isNumber == true && $0.contains(".") } ?? ""
            self.mac = rest.last.flatMap { try? MACAddress(parsing: $0) }
            return
        }
        guard let typeIndex = words.firstIndex(where: { $0.lowercased().hasPrefix("snom") && $0.hasSuffix("-SIP") }) else { return nil }
        let type = words[typeIndex].dropFirst(4).dropLast(4)
        self.vendor = .snom
        self.modelToken = String(type)
        self.model = Catalogue.model(vendor: .snom, token: String(type))
        let after = words[(typeIndex + 1)...]
        self.firmware = after.first ?? ""
        self.mac = after.first { $0.count == 12 && $0.allSatisfy(\.isHexDigit) }.flatMap { try? MACAddress(parsing: $0) }
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}
