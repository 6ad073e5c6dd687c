import Foundation

/// Who a caller is, in the terms of the seed: the operator runs the platform, a reseller
/// manages its customers, a customer administrator manages one customer, a user one line.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case user
    case administrator
    case reseller
    case `operator`

    /// Ordered by reach, so "least role allowed" checks are a comparison.
    private var rank: Int {
        switch self {
        case .user: return 0
        case .administrator: return 1
        case .reseller: return 2
        case .operator: return 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// The authenticated caller, with the ids that bound what it may see.
public struct Actor: Sendable, Equatable {
    public let role: Role
    public let login: String
    public let accountID: UUID?
    public let resellerID: UUID?
    public let customerID: UUID?
    public let lineID: UUID?

    public init(role: Role, login: String, accountID: UUID? = nil, resellerID: UUID? = nil, customerID: UUID? = nil, lineID: UUID? = nil) {
        self.role = role
        self.login = login
        self.accountID = accountID
        self.resellerID = resellerID
        self.customerID = customerID
        self.lineID = lineID
    }

    /// The command line (`pieuvre demo`) acts as the platform itself.
    public static let system = Actor(role: .operator, login: "system")

    public func require(_ roles: Set<Role>, to action: String) throws(DomainError) {
        guard roles.contains(role) else {
            throw .forbidden(Reason("role-forbidden", en: "a \(role.rawValue) may not \(action)", fr: "Votre rôle ne permet pas cette action."))
        }
    }
}
