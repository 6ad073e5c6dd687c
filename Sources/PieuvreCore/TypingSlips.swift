/// The MACs a person meant when they typed this one with the usual slips: one hex digit wrong,
/// or two neighbouring digits swapped. A phone that asks for its files under a MAC nobody
/// registered is usually the neighbour of one that was registered wrong (or the reverse).
public enum TypingSlips {
    /// Every MAC one slip away from `mac` (180 single-digit changes and up to 11 swaps), as 12
    /// lowercase hex digits.
    public static func near(_ mac: MACAddress) -> [String] {
        let digits = Array(mac.hex.utf8)
        let hex = Array("0123456789abcdef".utf8)
        var near: [String] = []
        near.reserveCapacity(191)
        for index in 0..<12 {
            for digit in hex where digit != digits[index] {
                var changed = digits
                changed[index] = digit
                near.append(String(decoding: changed, as: UTF8.self))
            }
        }
        for index in 0..<11 where digits[index] != digits[index + 1] {
            var swapped = digits
            swapped.swapAt(index, index + 1)
            near.append(String(decoding: swapped, as: UTF8.self))
        }
        return near
    }
}
