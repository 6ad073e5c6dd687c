/// The `key=value, key="quoted"` list of an `Authorization: Digest …` header, as a pure
/// function (fuzzed): keys in lower case, quotes and backslash escapes removed.
public enum DigestHeader {
    public static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        fields.reserveCapacity(10)
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            // Spaces, tabs and commas between pairs (this runs on every authenticated fetch).
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x2C || bytes[i] == 0x09 { i += 1 }
            let keyStart = i
            while i < bytes.count, bytes[i] != 0x3D { i += 1 }
            guard i < bytes.count else { break }
            var keyBytes = bytes[keyStart..<i].map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
            while let last = keyBytes.last, last == 0x20 || last == 0x09 { keyBytes.removeLast() }
            let key = String(decoding: keyBytes, as: UTF8.self)
            i += 1
            var value: [UInt8] = []
            if i < bytes.count, bytes[i] == 0x22 {
                i += 1
                while i < bytes.count, bytes[i] != 0x22 {
                    if bytes[i] == 0x5C, i + 1 < bytes.count { i += 1 }
                    value.append(bytes[i])
                    i += 1
                }
                i += 1
            } else {
                while i < bytes.count, bytes[i] != 0x2C { value.append(bytes[i]); i += 1 }
                while let last = value.last, last == 0x20 { value.removeLast() }
            }
            fields[key] = String(decoding: value, as: UTF8.self)
        }
        return fields
    }
}
