import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// A request's JSON object, checked against the fields the route accepts.
struct JSONBody {
    let fields: [String: JSONValue]
    private let path: String

    init(fields: [String: JSONValue], allowed: Set<String>, path: String = "") throws {
        let unknown = Set(fields.keys).subtracting(allowed)
        if !unknown.isEmpty {
            throw APIError(.badRequest, "unknown field\(unknown.count > 1 ? "s" : "") \(unknown.sorted().map { "'\(path)\($0)'" }.joined(separator: ", ")); accepted: \(allowed.sorted().joined(separator: ", "))")
        }
        self.fields = fields
        self.path = path
    }

    static func read(_ request: Request, context: PieuvreRequestContext, allowed: Set<String>) async throws -> JSONBody {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, "a JSON object body is expected") }
        guard let value = JSONValue.parse(Data(buffer: buffer)) else {
            throw APIError(.badRequest, "the body is not valid JSON")
        }
        guard case let .object(fields) = value else {
            throw APIError(.badRequest, "the body must be a JSON object, not \(value.typeName)")
        }
        return try JSONBody(fields: fields, allowed: allowed)
    }

    func string(_ key: String) throws -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .string(s)?: return s
        case let other?: throw wrongType(key, "a string", other)
        }
    }

    func bool(_ key: String) throws -> Bool? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .bool(b)?: return b
        case let other?: throw wrongType(key, "true or false", other)
        }
    }

    func int(_ key: String) throws -> Int? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .number(n)? where n == n.rounded() && abs(n) < 1e12: return Int(n)
        case let other?: throw wrongType(key, "a whole number", other)
        }
    }

    func object(_ key: String, allowed: Set<String>) throws -> JSONBody? {
        switch fields[key] {
        case nil, .null?: return nil
        case let .object(o)?: return try JSONBody(fields: o, allowed: allowed, path: "\(path)\(key).")
        case let other?: throw wrongType(key, "an object", other)
        }
    }

    /// For PATCH: absent keeps the value, null clears it.
    func nullableString(_ key: String) throws -> Change<String?> {
        guard fields[key] != nil else { return .keep }
        return .set(try string(key))
    }

    /// For PATCH: absent keeps the value; null is refused for fields that cannot be empty.
    func requiredString(_ key: String) throws -> Change<String> {
        switch fields[key] {
        case nil: return .keep
        case .null?: throw APIError(.badRequest, "field '\(path)\(key)' cannot be null")
        default: return .set(try string(key)!)
        }
    }

    func requiredBool(_ key: String) throws -> Change<Bool> {
        switch fields[key] {
        case nil: return .keep
        case .null?: throw APIError(.badRequest, "field '\(path)\(key)' cannot be null")
        default: return .set(try bool(key)!)
        }
    }

    private func wrongType(_ key: String, _ expected: String, _ got: JSONValue) -> APIError {
        APIError(.badRequest, "field '\(path)\(key)' must be \(expected), not \(got.typeName)")
    }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = buffer.getData(at: buffer.readerIndex, length: buffer.readableBytes) ?? Data()
    }
}
