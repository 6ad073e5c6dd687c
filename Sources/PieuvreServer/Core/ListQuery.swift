import Hummingbird
import PieuvreCore
import PieuvreStore

/// `?q=…&limit=…&cursor=…` of every list route, read the same way: a bad limit is a 422
/// naming it, not a silent clamp.
enum ListQuery {
    static func read(_ request: Request) throws -> ListRequest {
        let query = request.uri.queryParameters
        var limit: Int?
        if let text = query.get("limit") {
            guard let n = Int(text), (1...ListRequest.maxLimit).contains(n) else {
                throw DomainError.invalid(field: "limit", value: String(text.prefix(20)), reason: .wholeNumber(1, ListRequest.maxLimit))
            }
            limit = n
        }
        if let q = query.get("q"), q.count > 100 {
            throw DomainError.invalid(field: "q", value: String(q.prefix(20)) + "…", reason: .tooLong(100))
        }
        // An empty cursor is the first page, as an absent one.
        let cursor = query.get("cursor").flatMap { $0.isEmpty ? nil : String($0) }
        return ListRequest(q: query.get("q"), limit: limit, cursor: cursor)
    }

    /// `true`/`false` filters.
    static func bool(_ request: Request, _ name: String) throws -> Bool? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw DomainError.invalid(field: name, value: String(text.prefix(20)), reason: .trueOrFalse)
        }
    }
}
