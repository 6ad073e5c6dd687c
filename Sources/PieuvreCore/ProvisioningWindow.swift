import Foundation

/// The time during which a phone known by nothing but its MAC may fetch its configuration.
///
/// Registering a phone opens it for `length` (48 hours in the seed); an administrator re-opens it
/// by setting an end date or by "allow for the next hour".
public struct ProvisioningWindow: Sendable, Equatable {
    public static let defaultHours = 48

    public let length: TimeInterval

    public init(hours: Int = Self.defaultHours) {
        self.length = TimeInterval(hours) * 3600
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
