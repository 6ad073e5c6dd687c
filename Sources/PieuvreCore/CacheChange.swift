import Foundation

/// What a committed change makes stale in the phone-facing caches, as precise as the change
/// allows: one phone, the phones of one line, of one customer, or everything (a platform or
/// reseller layer, or a change that did not say). Written to the change feed with the change,
/// so every node drops the same things.
public enum CacheChange: Hashable, Sendable {
    case everything
    case customer(UUID)
    case line(UUID)
    case phone(MACAddress)

    /// (kind, key) as stored in the feed.
    public var stored: (kind: String, key: String) {
        switch self {
        case .everything: ("everything", "")
        case let .customer(id): ("customer", id.uuidString)
        case let .line(id): ("line", id.uuidString)
        case let .phone(mac): ("phone", mac.hex)
        }
    }

    /// A feed row read back; an unknown kind (a newer node's) is taken as everything.
    public init(kind: String, key: String) {
        switch kind {
        case "customer": self = UUID(uuidString: key).map(CacheChange.customer) ?? .everything
        case "line": self = UUID(uuidString: key).map(CacheChange.line) ?? .everything
        case "phone": self = (try? MACAddress(parsing: key)).map(CacheChange.phone) ?? .everything
        default: self = .everything
        }
    }
}
