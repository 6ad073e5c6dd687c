import Foundation

/// The API's paths and methods as the OpenAPI document publishes them, so that a known path
/// asked with another method answers 405 with `Allow` (not 404), from the one list that
/// describes the API. Read from the document's `paths:` block (two-space YAML, as written).
struct PublishedRoutes: Sendable {
    /// Path templates (`/customers/{reference}/phones`) split in segments, with their methods.
    let routes: [(segments: [Substring], methods: Set<String>)]

    static let api: PublishedRoutes = PublishedRoutes(document: String(buffer: PlatformController.openAPIDocument))

    init(document: String) {
        var routes: [(segments: [Substring], methods: Set<String>)] = []
        var inPaths = false
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if let first = line.first, first != " " { break }  // the next top-level key
            if line.hasPrefix("  /"), line.hasSuffix(":"), !line.hasPrefix("   ") {
                let path = line.dropFirst(2).dropLast()
                routes.append((path.split(separator: "/"), []))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let colon = line.firstIndex(of: ":"), !routes.isEmpty {
                let key = line[line.index(line.startIndex, offsetBy: 4)..<colon]
                if ["get", "put", "post", "patch", "delete"].contains(key) { routes[routes.count - 1].methods.insert(key.uppercased()) }
            }
        }
        self.routes = routes
    }

    /// The methods a path (under `/api/v1`) accepts; empty for a path the API does not have.
    /// The most literal template wins: `/lines/{sda}/contacts/import` is not `…/contacts/{id}`.
    func methods(for path: Substring) -> Set<String> {
        let segments = path.split(separator: "/")
        var best = -1
        var methods = Set<String>()
        for route in routes where route.segments.count == segments.count {
            guard zip(route.segments, segments).allSatisfy({ template, actual in template.hasPrefix("{") || template == actual }) else { continue }
            let literal = route.segments.filter { !$0.hasPrefix("{") }.count
            if literal > best {
                best = literal
                methods = route.methods
            } else if literal == best {
                methods.formUnion(route.methods)
            }
        }
        return methods
    }
}
