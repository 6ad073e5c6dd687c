/// The `key=value, key="quoted"` list of an `Authorization: Digest …` header, as a pure
/// function (fuzzed): keys in lower case, quotes and backslash escapes removed.
public enum DigestHeader {
    public static func fields(_ text: String) -> [String: String] {
        var text = text
        // Read in place (this runs on every authenticated fetch): strings are made only for the
        // keys and values themselves.
        return text.withUTF8 { bytes in
            var fields: [String: String] = [:]
            fields.reserveCapacity(10)
            var i = 0
            func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
            while i < bytes.count {
                while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x2C || bytes[i] == 0x09 { i += 1 }
                let keyStart = i
                while i < bytes.count, bytes[i] != 0x3D { i += 1 }
                guard i < bytes.count else { break }
                var keyEnd = i
                while keyEnd > keyStart, bytes[keyEnd - 1] == 0x20 || bytes[keyEnd - 1] == 0x09 { keyEnd -= 1 }
                let key = String(decoding: bytes[keyStart..<keyEnd].lazy.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
                i += 1
                if i < bytes.count, bytes[i] == 0x22 {
                    i += 1
                    let valueStart = i
                    var escaped = false
                    while i < bytes.count, bytes[i] != 0x22 {
                        if bytes[i] == 0x5C, i + 1 < bytes.count { escaped = true; i += 1 }
                        i += 1
                    }
                    let valueEnd = min(i, bytes.count)
                    if escaped {
                        var value: [UInt8] = []
                        var j = valueStart
                        while j < valueEnd {
                            if bytes[j] == 0x5C, j + 1 < valueEnd { j += 1 }
                            value.append(bytes[j])
                            j += 1
                        }
                        fields[key] = String(decoding: value, as: UTF8.self)
                    } else {
                        fields[key] = string(valueStart..<valueEnd)
                    }
                    i += 1
                } else {
                    let valueStart = i
                    while i < bytes.count, bytes[i] != 0x2C { i += 1 }
                    var valueEnd = i
                    while valueEnd > valueStart, bytes[valueEnd - 1] == 0x20 { valueEnd -= 1 }
                    fields[key] = string(valueStart..<valueEnd)
                }
            }
            return fields
        }
    }
}
