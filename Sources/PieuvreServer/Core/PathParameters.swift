import Foundation
import Hummingbird

/// Path parameters as the caller meant them: percent-decoded, so a department named
/// "Site principal" is `Site%20principal` in the URL and "Site principal" to the Store. Every
/// route reads its parameters through these, never the raw ones.
extension Parameters {
    /// A required parameter, decoded; a malformed escape (`%zz`, bytes that are not UTF-8) is a 400.
    func text(_ name: String) throws -> String {
        guard let raw = self[name[...]] else { throw APIError(.badRequest, "the path lacks its \(name)") }
        guard let decoded = Self.decoded(raw) else { throw APIError(.badRequest, "the path's \(name) is not valid percent-encoded UTF-8") }
        return decoded
    }

    /// An optional parameter, decoded (a malformed one reads as absent).
    func optionalText(_ name: String) -> String? {
        self[name[...]].flatMap(Self.decoded)
    }

    static func decoded(_ raw: Substring) -> String? {
        raw.contains("%") ? String(raw).removingPercentEncoding : String(raw)
    }
}
