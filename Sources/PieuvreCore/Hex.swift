/// Hexadecimal, written by hand: Foundation's `String(format:)` is slow, and this runs on every
/// API request (token hashes) and every phone's digest check and file name.
public enum Hex {
    private static let lowerDigits = Array("0123456789abcdef".utf8)
    private static let upperDigits = Array("0123456789ABCDEF".utf8)

    public static func lower(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(lowerDigits[Int(byte >> 4)])
            out.append(lowerDigits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The digit of a value below 16.
    public static func digit(_ nibble: UInt8, uppercase: Bool = false) -> UInt8 {
        (uppercase ? upperDigits : lowerDigits)[Int(nibble & 0x0F)]
    }

    /// The value of one hex digit in either case; nil for any other byte.
    public static func value(of digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether `text` spells these bytes in hex (either case), comparing every digit whatever
    /// the first difference (a digest answer is checked with it), without making a string.
    public static func spells(_ bytes: some Sequence<UInt8>, _ text: String) -> Bool {
        var digits = text.utf8.makeIterator()
        var difference: UInt8 = 0
        var count = 0
        for byte in bytes {
            difference |= (digits.next().flatMap(value(of:)) ?? 0xFF) ^ (byte >> 4)
            difference |= (digits.next().flatMap(value(of:)) ?? 0xFF) ^ (byte & 0x0F)
            count += 2
        }
        return difference == 0 && count == text.utf8.count
    }
}
