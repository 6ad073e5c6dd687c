/// A phone's Ethernet address, the key by which a phone is known everywhere on the platform.
///
/// Stored as 12 lowercase hex digits (what Yealink puts in file names), shown with colons in
/// capitals (what the seed's screens show). Parsing is liberal in separators, strict in meaning.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 48-bit value.
    public let value: UInt64

    public init(parsing text: String) throws(DomainError) {
        if let value = Self.twelveHexDigits(text.utf8) {
            try self.init(value: value, original: text)
            return
        }
        let trimmed = text.trimmingWhitespace()
        var digits: [UInt8] = []
        digits.reserveCapacity(12)
        var separators = Set<Character>()
        for ch in trimmed {
            if let nibble = ch.hexDigitValue {
                digits.append(UInt8(nibble))
            } else if ch == ":" || ch == "-" || ch == "." {
                separators.insert(ch)
            } else {
                throw .invalid(field: "mac", value: text, reason: Reason("mac-character", en: "contains '\(ch)', which is neither a hex digit nor a separator", fr: "contient « \(ch) », qui n'est ni un chiffre hexadécimal ni un séparateur."))
            }
        }
        guard digits.count == 12 else {
            throw .invalid(field: "mac", value: text, reason: Reason("mac-length", en: "has \(digits.count) hex digits, a MAC address has 12", fr: "compte \(digits.count) chiffres hexadécimaux ; une adresse MAC en a 12."))
        }
        guard separators.count <= 1, Self.groupingIsValid(trimmed, separator: separators.first) else {
            throw .invalid(field: "mac", value: text, reason: Reason("mac-notation", en: "is not written as AA:BB:CC:DD:EE:FF, AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF or AABBCCDDEEFF", fr: "ne s'écrit pas AA:BB:CC:DD:EE:FF, AA-BB-CC-DD-EE-FF, AABB.CCDD.EEFF ni AABBCCDDEEFF."))
        }
        let value = digits.reduce(UInt64(0)) { ($0 << 4) | UInt64($1) }
        try self.init(value: value, original: text)
    }

    /// Twelve hex digits and nothing else, how phones name their files and User-Agents say it:
    /// read byte by byte, on every phone request, without the general path's characters.
    private static func twelveHexDigits(_ bytes: String.UTF8View) -> UInt64? {
        guard bytes.count == 12 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            guard let nibble = Hex.value(of: byte) else { return nil }
            value = value << 4 | UInt64(nibble)
        }
        return value
    }

    public init(value: UInt64) throws(DomainError) {
        try self.init(value: value, original: nil)
    }

    private init(value: UInt64, original: String?) throws(DomainError) {
        let shown = original ?? Self.colonForm(value)
        if value == 0 {
            throw .invalid(field: "mac", value: shown, reason: Reason("mac-zero", en: "is all zeros, which no phone has", fr: "est nulle : aucun téléphone n'a cette adresse."))
        }
        if value == 0xFFFF_FFFF_FFFF {
            throw .invalid(field: "mac", value: shown, reason: Reason("mac-broadcast", en: "is the broadcast address", fr: "est l'adresse de diffusion, pas celle d'un téléphone."))
        }
        if value > 0xFFFF_FFFF_FFFF {
            throw .invalid(field: "mac", value: shown, reason: Reason("mac-range", en: "is beyond the last 48-bit address", fr: "dépasse la dernière adresse sur 48 bits."))
        }
        if (value >> 40) & 1 == 1 {
            throw .invalid(field: "mac", value: shown, reason: Reason("mac-multicast", en: "is a multicast address (low bit of the first octet set)", fr: "est une adresse de groupe (multicast), pas celle d'un téléphone."))
        }
        self.value = value
    }

    /// 12 lowercase hex digits: the storage form and the form in Yealink file names.
    public var hex: String {
        let s = String(value, radix: 16, uppercase: false)
        return String(repeating: "0", count: 12 - s.count) + s
    }

    /// `80:5E:C0:02:1C:1B`: the display form of the seed's screens.
    public var description: String { Self.colonForm(value) }

    /// The address `offset` after this one, for block imports of consecutive MACs.
    public func advanced(by offset: UInt64) throws(DomainError) -> MACAddress {
        let (sum, overflow) = value.addingReportingOverflow(offset)
        guard !overflow, sum <= 0xFFFF_FFFF_FFFF else {
            throw .invalid(field: "firstMac", value: description, reason: Reason("mac-range", en: "plus \(offset) runs past the last MAC address", fr: "plus \(offset) dépasse la dernière adresse MAC."))
        }
        return try MACAddress(value: sum)
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.value < rhs.value }

    private static func colonForm(_ value: UInt64) -> String {
        // Written byte by byte: every provisioning log entry names its phone this way.
        var out = [UInt8](repeating: UInt8(ascii: ":"), count: 17)
        for octet in 0..<6 {
            let byte = UInt8((value >> UInt64(40 - 8 * octet)) & 0xFF)
            out[octet * 3] = Hex.digit(byte >> 4, uppercase: true)
            out[octet * 3 + 1] = Hex.digit(byte & 0x0F, uppercase: true)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Separators must sit where the usual notations put them: every 2 digits for `:`/`-`,
    /// every 4 for Cisco's `.`; none at all is fine.
    private static func groupingIsValid(_ text: String, separator: Character?) -> Bool {
        guard let separator else { return true }
        let groups = text.split(separator: separator, omittingEmptySubsequences: false)
        switch separator {
        case ":", "-": return groups.count == 6 && groups.allSatisfy { $0.count == 2 }
        case ".": return groups.count == 3 && groups.allSatisfy { $0.count == 4 }
        default: return false
        }
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}

extension MACAddress {
    /// The first MAC address written in a text such as a certificate's subject
    /// (`CN=001565820B99`, `CN=00:15:65:82:0b:99,O=Yealink`, `serialNumber=00-04-13-…`): twelve
    /// hex digits together, or six pairs joined by `:` or `-`, standing alone. Vendors' subject
    /// formats are not published (reference §7 [U]), so any of these is read.
    public static func find(in text: String) -> MACAddress? {
        var token = ""
        for character in text + " " {
            if character.isASCII, character.isHexDigit || character == ":" || character == "-" {
                token.append(character)
                continue
            }
            if let mac = standalone(token) { return mac }
            token = ""
        }
        return nil
    }

    private static func standalone(_ token: String) -> MACAddress? {
        let hex = token.filter(\.isHexDigit)
        guard hex.count == 12 else { return nil }
        // Separators, if any, between every pair and all alike.
        if hex.count != token.count {
            let separators = token.filter { !$0.isHexDigit }
            guard token.count == 17, Set(separators).count == 1,
                  token.enumerated().allSatisfy({ $0.offset % 3 == 2 ? !$0.element.isHexDigit : $0.element.isHexDigit }) else { return nil }
        }
        return try? MACAddress(parsing: hex)
    }
}
