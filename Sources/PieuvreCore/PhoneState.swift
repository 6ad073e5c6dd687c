import Foundation

/// Why a phone's latest request for its device file was refused: what support needs to know to
/// mend it (API `refusal.reason`).
public enum PhoneRefusal: String, Sendable, Codable, CaseIterable {
    /// No credentials after the window: a phone reset after its 48 hours, the usual support call.
    case windowClosed = "window-closed"
    case badCredentials = "bad-credentials"
    /// The asking phone is another vendor's than the one registered (a MAC typed on the wrong row).
    case modelMismatch = "model-mismatch"
    /// A window's first fetch from outside the customer's allowed networks.
    case network
    /// Its address was blocked as a MAC scanner.
    case scanBlocked = "scan-blocked"

    /// The refusal a device-file outcome stands for; nil for a file served or never asked for.
    public init?(_ outcome: ProvisioningOutcome) {
        switch outcome {
        case .windowClosed: self = .windowClosed
        case .badCredentials: self = .badCredentials
        case .outsideNetworks: self = .network
        case .throttled: self = .scanBlocked
        default: return nil
        }
    }

    /// What mends it (API `action`, the console's button).
    public var action: StuckAction {
        switch self {
        case .windowClosed: .reopen
        case .badCredentials: .checkCredentials
        case .modelMismatch: .checkModel
        case .network, .scanBlocked: .checkNetwork
        }
    }
}

/// A phone's state, kept as its requests happen (columns written with its sightings, never a
/// scan of the log), read from its row and the clock.
public enum PhoneState: String, Sendable, Codable, CaseIterable {
    /// Window open, device file never served: installed soon, or not yet plugged in.
    case waiting
    /// Window closed and the device file never served: the installation did not happen in time.
    case missed
    /// Its latest device-file request was refused.
    case refused
    /// Served before, and no request for more than twice its repeat interval.
    case silent
    case ok

    /// The states support has to act on (`/fleet/stuck`).
    public static let stuck: [PhoneState] = [.refused, .missed, .silent]

    public static func of(servedAt: Date?, refusal: PhoneRefusal?, windowOpen: Bool, silentAfter: Date?, now: Date) -> PhoneState {
        if refusal != nil { return .refused }
        if servedAt == nil { return windowOpen ? .waiting : .missed }
        if let silentAfter, silentAfter < now { return .silent }
        return .ok
    }

    /// When a phone with no request for this long counts as silent: twice its repeat interval
    /// (`provisioning.repeatMinutes`) after its latest request.
    public static func silentAfter(lastRequest: Date, repeatMinutes: Int) -> Date {
        lastRequest.addingTimeInterval(Double(2 * repeatMinutes * 60))
    }
}

/// What support does for a stuck phone (API `action`).
public enum StuckAction: String, Sendable, Codable, CaseIterable {
    /// Re-open the provisioning window (a reset phone, a missed installation).
    case reopen
    case checkCredentials = "check-credentials"
    case checkModel = "check-model"
    case checkNetwork = "check-network"
    /// A phone that stopped asking: unplugged, or its provisioning URL changed.
    case checkInstallation = "check-installation"

    public static func forState(_ state: PhoneState, refusal: PhoneRefusal?) -> StuckAction? {
        switch state {
        case .refused: refusal?.action
        case .missed: .reopen
        case .silent: .checkInstallation
        case .waiting, .ok: nil
        }
    }
}
