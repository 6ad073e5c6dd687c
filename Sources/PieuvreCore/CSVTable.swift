/// A CSV file as rows of fields, each row with the line number it starts on.
///
/// RFC 4180: comma separated, fields may be quoted with `"` (doubled inside), CRLF or LF line ends.
/// A semicolon-separated file (what French spreadsheets export) is read too when the header has
/// no comma.
public struct CSVTable: Sendable {
    public struct Row: Sendable {
        public let line: Int
        public let fields: [String]
    }

    public let header: [String]
    public let rows: [Row]

    public init(parsing text: String) throws(DomainError) {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        let firstLine = body.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        let separator: Character = (!firstLine.contains(",") && firstLine.contains(";")) ? ";" : ","
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var quotedField = false
        var line = 1
        var rowStart = 1
        var chars = body.makeIterator()
        var pending: Character? = nil

        func endRow() {
            fields.append(field)
            // A row that is one empty field is a blank line: skipped, not an error.
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) {
                rows.append(Row(line: rowStart, fields: fields))
            }
            fields = []
            field = ""
            quotedField = false
        }

        while let ch = pending ?? chars.next() {
            pending = nil
            if inQuotes {
                if ch == "\"" {
                    if let next = chars.next() {
                        if next == "\"" { field.append("\"") } else { inQuotes = false; pending = next }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if ch == "\n" || ch == "\r\n" { line += 1 }
                    field.append(ch)
                }
                continue
            }
            switch ch {
            case "\"" where field.isEmpty:
                inQuotes = true
                quotedField = true
            case separator:
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                endRow()
                line += 1
                rowStart = line
            default:
                field.append(ch)
            }
        }
        if inQuotes {
            throw .invalid(field: "csv", value: "line \(rowStart)", reason: Reason("unclosed-quote", en: "has a quote that is never closed", fr: "ouvre des guillemets jamais fermés."))
        }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRow() }
        guard let first = rows.first else {
            throw .invalid(field: "csv", value: "", reason: Reason("empty-file", en: "is empty: a header line is expected", fr: "est vide : une ligne d'en-tête est attendue."))
        }
        self.header = first.fields.map { $0.trimmingWhitespace().lowercased() }
        self.rows = Array(rows.dropFirst())
    }

    /// One field as written: quoted when it holds a comma, a quote or a line break (RFC 4180);
    /// a leading `=`, `+`, `-` or `@` gets a `'` first, so a spreadsheet opening the export does
    /// not run a description as a formula.
    public static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" || $0 == ";" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
