import Foundation
import Hummingbird

/// A submitted HTML form (`application/x-www-form-urlencoded`).
struct FormBody {
    let fields: [String: [String]]

    static func read(_ request: Request, limit: Int = 64 * 1024) async throws -> FormBody {
        let buffer = try await request.body.collect(upTo: limit)
        return FormBody(String(buffer: buffer))
    }

    init(_ text: String) {
        var fields: [String: [String]] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields[key, default: []].append(value)
        }
        self.fields = fields
    }

    subscript(_ key: String) -> String? { fields[key]?.first }
    func get(_ key: String) -> String? { self[key] }
    func all(_ key: String) -> [String] { fields[key] ?? [] }

    /// A field that is absent or blank means "none".
    func optional(_ key: String) -> String? {
        guard let value = self[key], !value.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
        return value
    }

    func checked(_ key: String) -> Bool { self[key] == "1" }

    private static func decode(_ s: Substring) -> String {
        s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
    }
}
