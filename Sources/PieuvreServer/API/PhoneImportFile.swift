import PieuvreCore
import PieuvreStore

/// Turns an import's source (a CSV file or a block of consecutive MACs) into rows. The rows
/// are checked by the store, which refuses the import as a whole if any row is bad.
enum PhoneImportFile {
    static let columns = ["mac", "model", "sda", "description"]

    static func rows(csv text: String) throws -> [ImportRow] {
        let table = try CSVTable(parsing: text)
        let unknown = table.header.filter { !columns.contains($0) }
        guard unknown.isEmpty else {
            throw DomainError.importRefused([ImportLineError(line: 1, error: "unknown column\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); the header is mac,model,sda,description")])
        }
        guard let macColumn = table.header.firstIndex(of: "mac"), let modelColumn = table.header.firstIndex(of: "model") else {
            throw DomainError.importRefused([ImportLineError(line: 1, error: "the header must name at least the columns mac and model (mac,model,sda,description)")])
        }
        let sdaColumn = table.header.firstIndex(of: "sda")
        let descriptionColumn = table.header.firstIndex(of: "description")
        var rows: [ImportRow] = []
        var shapeErrors: [ImportLineError] = []
        for row in table.rows {
            guard row.fields.count == table.header.count else {
                shapeErrors.append(ImportLineError(line: row.line, error: "has \(row.fields.count) fields, the header has \(table.header.count)"))
                continue
            }
            rows.append(ImportRow(
                line: row.line, mac: row.fields[macColumn], model: row.fields[modelColumn],
                sda: sdaColumn.map { row.fields[$0] }, description: descriptionColumn.map { row.fields[$0] }))
        }
        guard shapeErrors.isEmpty else { throw DomainError.importRefused(shapeErrors) }
        return rows
    }

    /// `count` consecutive MACs from `firstMac`, numbered 1...count as lines.
    static func rows(firstMac: String?, count: Int?, model: String?, description: String?, sda: String?, limit: Int) throws -> [ImportRow] {
        guard let firstMac else { throw DomainError.missing(field: "block.firstMac") }
        guard let count else { throw DomainError.missing(field: "block.count") }
        guard let model else { throw DomainError.missing(field: "block.model") }
        guard (1...limit).contains(count) else {
            throw DomainError.invalid(field: "block.count", value: String(count), reason: Reason("out-of-range", en: "must be between 1 and \(limit)", fr: "doit être compris entre 1 et \(limit)."))
        }
        let first = try MACAddress(parsing: firstMac)
        _ = try first.advanced(by: UInt64(count - 1))
        var rows: [ImportRow] = []
        rows.reserveCapacity(count)
        for offset in 0..<count {
            // A MAC inside the block may still be refused (multicast bit cannot flip by counting
            // within a vendor block, but the store checks every row anyway).
            let mac = (try? first.advanced(by: UInt64(offset)))?.description ?? "\(first)+\(offset)"
            rows.append(ImportRow(line: offset + 1, mac: mac, model: model, sda: sda, description: description))
        }
        return rows
    }
}
