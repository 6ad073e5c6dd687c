import FluentKit
import Foundation
import PieuvreCore
import SQLKit

/// Searches that ignore accents: each searched row keeps its words folded (`FoldedForSearch`),
/// and the rows already there get theirs here.
struct AddSearchFold: AsyncMigration {
    var name: String { "pieuvre.v8.search-fold" }

    /// Each table with the columns of its searched words (as `FoldedForSearch.searchedText`).
    private static let tables: [(table: String, columns: [String])] = [
        ("phones", ["description"]),
        ("lines", ["name"]),
        ("departments", ["name"]),
        ("customers", ["company_name", "city"]),
    ]

    func prepare(on database: any Database) async throws {
        for (table, _) in Self.tables {
            try await database.schema(table).field("search_fold", .string, .sql(.default(""))).update()
        }
        for (table, columns) in Self.tables { try await backfill(table, columns, on: database) }
    }

    /// The rows with words, a thousand per transaction (a phone without a description keeps
    /// the column's default, the empty string).
    private func backfill(_ table: String, _ columns: [String], on database: any Database) async throws {
        var after: UUID?
        while true {
            let from = after
            let done: UUID? = try await database.transaction { tx in
                guard let sql = tx as? any SQLDatabase else { return nil }
                var select = SQLQueryString("SELECT id, ") + columns.map { SQLQueryString("\(ident: $0)") }.joined(separator: ", ")
                select = select + " FROM \(ident: table) WHERE (" + columns.map { SQLQueryString("\(ident: $0) <> ''") }.joined(separator: " OR ") + ")"
                if let from { select = select + " AND id > \(bind: from)" }
                let rows = try await sql.raw(select + " ORDER BY id LIMIT 1000").all()
                for row in rows {
                    let words = try columns.map { try row.decode(column: $0, as: String.self) }.joined(separator: "\n")
                    try await sql.raw("UPDATE \(ident: table) SET search_fold = \(bind: Phone.fold(words)) WHERE id = \(bind: row.decode(column: "id", as: UUID.self))").run()
                }
                return try rows.last?.decode(column: "id", as: UUID.self)
            }
            guard let done else { return }
            after = done
        }
    }

    func revert(on database: any Database) async throws {
        for (table, _) in Self.tables { try await database.schema(table).deleteField("search_fold").update() }
    }
}
