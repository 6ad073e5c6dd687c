import FluentKit
import PieuvreCore

/// A row whose names people search without minding accents or case ("aurelien" finds
/// "Aurélien"). The folded text is stored with the row, so a search is a plain `LIKE` over one
/// column: folding every row in SQL at each search made a description search over 100,000
/// phones 12x slower (BENCHMARKS.md, session 7).
protocol FoldedForSearch: Model {
    /// What the search reads, folded (`ContactCard.fold`), kept by `SearchFolding`.
    var searchFold: String? { get set }
    /// The row's searchable words, unfolded.
    var searchedText: String { get }
}

extension FoldedForSearch {
    /// ASCII (most rows) only needs lower case; the locale-aware fold is kept for the rest.
    static func fold(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased() : ContactCard.fold(text)
    }
}

/// Writes the folded text on every create and update through Fluent, which is how every
/// name and description is written (imports included): no door can leave it stale.
struct SearchFolding<M: FoldedForSearch>: AsyncModelMiddleware {
    func create(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        model.searchFold = M.fold(model.searchedText)
        try await next.create(model, on: db)
    }

    func update(model: M, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        let folded = M.fold(model.searchedText)
        if folded != model.searchFold { model.searchFold = folded }
        try await next.update(model, on: db)
    }
}

extension Phone: FoldedForSearch { var searchedText: String { description } }
extension Line: FoldedForSearch { var searchedText: String { name } }
extension Department: FoldedForSearch { var searchedText: String { name } }
/// A customer is searched by company name and city; a line break keeps a search from matching
/// across the two.
extension Customer: FoldedForSearch { var searchedText: String { companyName + "\n" + city } }
