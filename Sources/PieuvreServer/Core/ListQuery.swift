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
        let cursor = try text(request, "cursor").flatMap { $0.isEmpty ? nil : $0 }
        return ListRequest(q: try text(request, "q"), limit: limit, cursor: cursor)
    }

    /// A text parameter (a search, a filter, a reference): what a person types has no control
    /// characters, and PostgreSQL refuses a NUL in any text it is given, so one is a 422 here.
    static func text(_ request: Request, _ name: String) throws -> String? {
        guard let text = request.uri.queryParameters.get(name) else { return nil }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isNoncharacterCodePoint }) {
            throw DomainError.invalid(field: name, value: String(text.prefix(20).filter { !$0.isASCII || $0.asciiValue! >= 0x20 }),
                                      reason: Reason("control-character", en: "contains a control character", fr: "contient un caractère de contrôle."))
        }
        return String(text)
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
