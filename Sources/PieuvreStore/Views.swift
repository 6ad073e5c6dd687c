import Foundation
import PhoneCatalog
import PieuvreCore

// What the API, the portals and the audit log show of each record. None of them carries a
// secret: a view can be logged or diffed as it is.

public struct ResellerView: Codable, Sendable, Equatable {
    public let name: String
    public let login: String
    public let createdAt: Date
}

public struct CustomerSheet: Codable, Sendable, Equatable {
    public let reference: String
    public let companyName: String
    public let siret: String
    public let address: String
    public let postalCode: String
    public let city: String
    public let reseller: String
    public let active: Bool
    public let createdAt: Date
}

public struct DepartmentView: Codable, Sendable, Equatable {
    public let name: String
    public let parent: String?
}

public struct LineView: Codable, Sendable, Equatable {
    public let sda: String
    public let name: String
    public let customer: String
    public let licence: String?
    public let department: String?
    public let locked: Bool
    public let presentedNumber: String
    public let internationalRestriction: String
    public let administrator: Bool
    public let sipAuthName: String
    public let hasPortalPassword: Bool
    public let createdAt: Date
}

public struct PhoneView: Codable, Sendable, Equatable {
    public let mac: String
    public let model: String
    public let modelName: String
    public let description: String
    public let customer: String
    public let sda: String?
    public let department: String?
    public let authenticateUntil: Date?
    public let authenticatedAt: Date?
    public let authenticatedIP: String?
    public let authenticatedUserAgent: String?
    public let firmware: String?
    /// Whether a phone known by its MAC alone would be served now.
    public let windowOpen: Bool
    public let createdAt: Date
    public let credentialsIssuedAt: Date?
    public let lastSeenAt: Date?
    public let lastSeenIP: String?
    /// The model the phone's User-Agent names, and whether it differs from the registered one.
    public let detectedModel: String?
    public let modelMismatch: Bool
    /// Kept as its requests happen (`PhoneState`); `refusal` when `refused`.
    public let state: PhoneState
    public let refusal: Refusal?

    /// Why its latest device-file request was refused, when, from where.
    public struct Refusal: Codable, Sendable, Equatable {
        public let reason: PhoneRefusal
        public let at: Date
        public let ip: String?
    }
}

public struct AuditEntry: Codable, Sendable, Equatable {
    public let at: Date
    public let actor: String
    public let role: String
    public let action: String
    public let objectType: String
    public let object: String
    public let before: String?
    public let after: String?
}

public struct ImportResult: Codable, Sendable, Equatable {
    public let created: Int
    public let macs: [String]
}

public struct SessionGrant: Codable, Sendable, Equatable {
    public let token: String
    public let role: Role
    public let expiresAt: Date
}

extension DepartmentView {
    enum CodingKeys: String, CodingKey { case name, parent }

    /// Every field, nil ones as null: clients see the same keys whatever the state.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(parent, forKey: .parent)
    }
}

extension LineView {
    enum CodingKeys: String, CodingKey { case sda, name, customer, licence, department, locked, presentedNumber, internationalRestriction, administrator, sipAuthName, hasPortalPassword, createdAt }

    /// Every field, nil ones as null: clients see the same keys whatever the state.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(sda, forKey: .sda)
        try c.encode(name, forKey: .name)
        try c.encode(customer, forKey: .customer)
        try c.encode(licence, forKey: .licence)
        try c.encode(department, forKey: .department)
        try c.encode(locked, forKey: .locked)
        try c.encode(presentedNumber, forKey: .presentedNumber)
        try c.encode(internationalRestriction, forKey: .internationalRestriction)
        try c.encode(administrator, forKey: .administrator)
        try c.encode(sipAuthName, forKey: .sipAuthName)
        try c.encode(hasPortalPassword, forKey: .hasPortalPassword)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

extension PhoneView {
    enum CodingKeys: String, CodingKey { case mac, model, modelName, description, customer, sda, department, authenticateUntil, authenticatedAt, authenticatedIP, authenticatedUserAgent, firmware, windowOpen, createdAt, credentialsIssuedAt, lastSeenAt, lastSeenIP, detectedModel, modelMismatch, state, refusal }

    /// Every field, nil ones as null: clients see the same keys whatever the state.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mac, forKey: .mac)
        try c.encode(model, forKey: .model)
        try c.encode(modelName, forKey: .modelName)
        try c.encode(description, forKey: .description)
        try c.encode(customer, forKey: .customer)
        try c.encode(sda, forKey: .sda)
        try c.encode(department, forKey: .department)
        try c.encode(authenticateUntil, forKey: .authenticateUntil)
        try c.encode(authenticatedAt, forKey: .authenticatedAt)
        try c.encode(authenticatedIP, forKey: .authenticatedIP)
        try c.encode(authenticatedUserAgent, forKey: .authenticatedUserAgent)
        try c.encode(firmware, forKey: .firmware)
        try c.encode(windowOpen, forKey: .windowOpen)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(credentialsIssuedAt, forKey: .credentialsIssuedAt)
        try c.encode(lastSeenAt, forKey: .lastSeenAt)
        try c.encode(lastSeenIP, forKey: .lastSeenIP)
        try c.encode(detectedModel, forKey: .detectedModel)
        try c.encode(modelMismatch, forKey: .modelMismatch)
        try c.encode(state, forKey: .state)
        try c.encode(refusal, forKey: .refusal)
    }
}

extension AuditEntry {
    enum CodingKeys: String, CodingKey { case at, actor, role, action, objectType, object, before, after }

    /// Every field, nil ones as null: clients see the same keys whatever the state.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(actor, forKey: .actor)
        try c.encode(role, forKey: .role)
        try c.encode(action, forKey: .action)
        try c.encode(objectType, forKey: .objectType)
        try c.encode(object, forKey: .object)
        try c.encode(before, forKey: .before)
        try c.encode(after, forKey: .after)
    }
}
