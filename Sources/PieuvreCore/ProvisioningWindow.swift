import Foundation

/// The time during which a phone known by nothing but its MAC may fetch its configuration.
///
/// Registering a phone opens it for `length` (48 hours in the seed); an administrator re-opens it
/// by setting an end date or by "allow for the next hour".
public struct ProvisioningWindow: Sendable, Equatable {
    public static let defaultHours = 48

    public static let defaultMaxDays = 30

    public let length: TimeInterval
    /// How far ahead "authenticate until" may be set: a window open for years would hand the
    /// SIP password to anyone who knows the MAC.
    public let maxAhead: TimeInterval

    public init(hours: Int = Self.defaultHours, maxDays: Int = Self.defaultMaxDays) {
        self.length = TimeInterval(hours) * 3600
        self.maxAhead = TimeInterval(maxDays) * 86_400
    }

    /// An "authenticate until" a person set: a past date closes the window; beyond the maximum
    /// is refused, naming the limit.
    public func validateUntil(_ until: Date, now: Date) throws(DomainError) {
        guard until.timeIntervalSince(now) <= maxAhead else {
            throw .invalid(field: "authenticateUntil", value: ISO8601DateFormatter().string(from: until),
                           reason: Reason("too-far-ahead", en: "is more than \(Int(maxAhead / 86_400)) days ahead", fr: "est à plus de \(Int(maxAhead / 86_400)) jours."))
        }
    }

    /// End of the window opened by a registration at `now`.
    public func openedAtRegistration(now: Date) -> Date { now.addingTimeInterval(length) }

    /// End of the window "Autoriser l'authentification pendant l'heure qui suit".
    public func nextHour(now: Date) -> Date { now.addingTimeInterval(3600) }

    public static func isOpen(until: Date?, now: Date) -> Bool {
        guard let until else { return false }
        return now < until
    }
}
