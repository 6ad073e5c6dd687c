/// Text made safe inside XML and HTML elements and quoted attributes: the five special
/// characters as entities, line breaks and other control characters as spaces (a value can
/// never open an element, close an attribute or break a line of a phone's file).
public enum Markup {
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if ch.isNewline || (ch.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) { out.append(" ") } else { out.append(ch) }
            }
        }
        return out
    }
}
