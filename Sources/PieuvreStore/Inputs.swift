import Foundation

/// A field of a partial update: left as it is, or set (possibly to nothing, when `T` is optional).
public enum Change<T: Sendable>: Sendable {
    case keep
    case set(T)
}

public struct NewCustomer: Sendable {
    public var companyName: String?
    public var siret: String?
    public var address: String?
    public var postalCode: String?
    public var city: String?
    public var reference: String?
    public init(companyName: String? = nil, siret: String? = nil, address: String? = nil, postalCode: String? = nil, city: String? = nil, reference: String? = nil) {
        self.companyName = companyName
        self.siret = siret
        self.address = address
        self.postalCode = postalCode
        self.city = city
        self.reference = reference
    }
}

public struct NewLine: Sendable {
    public var sda: String?
    public var name: String?
    public var department: String?
    public var licence: String?
    public var administrator: Bool?
    public var portalPassword: String?
    public var presentedNumber: String?
    public var internationalRestriction: String?
    public var locked: Bool?
    public var sipAuthName: String?
    public var sipPassword: String?
    public init(sda: String? = nil, name: String? = nil) {
        self.sda = sda
        self.name = name
    }
}

public struct LinePatch: Sendable {
    public var name: Change<String> = .keep
    public var licence: Change<String?> = .keep
    public var department: Change<String?> = .keep
    public var locked: Change<Bool> = .keep
    public var presentedNumber: Change<String> = .keep
    public var internationalRestriction: Change<String> = .keep
    public var administrator: Change<Bool> = .keep
    public var portalPassword: Change<String?> = .keep
    /// `.set(nil)` draws a new random SIP password.
    public var sipPassword: Change<String?> = .keep
    public init() {}
}

public struct NewPhone: Sendable {
    public var mac: String?
    public var model: String?
    public var description: String?
    public var sda: String?
    public var department: String?
    public init(mac: String? = nil, model: String? = nil, description: String? = nil, sda: String? = nil, department: String? = nil) {
        self.mac = mac
        self.model = model
        self.description = description
        self.sda = sda
        self.department = department
    }
}

public struct PhonePatch: Sendable {
    public var description: Change<String> = .keep
    public var model: Change<String> = .keep
    /// `.set(nil)` unassigns the phone from its line.
    public var sda: Change<String?> = .keep
    public var department: Change<String?> = .keep
    public var authenticateUntil: Change<Date?> = .keep
    /// "Autoriser l'authentification pendant l'heure qui suit".
    public var authorizeNextHour = false
    /// A replacement phone: its MAC takes the record (description, line, department and
    /// phone-layer settings stay), with a fresh window and no credentials.
    public var mac: Change<String> = .keep
    public init() {}
}

/// One phone of a batch import, as read from its source (a CSV line or a block).
public struct ImportRow: Sendable {
    public let line: Int
    public let mac: String
    public let model: String
    public let sda: String?
    public let description: String?
    public init(line: Int, mac: String, model: String, sda: String?, description: String?) {
        self.line = line
        self.mac = mac
        self.model = model
        self.sda = sda
        self.description = description
    }
}
