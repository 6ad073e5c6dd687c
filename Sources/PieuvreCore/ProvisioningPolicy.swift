import Foundation

/// What a phone presented when it asked for its device file.
public enum PresentedCredentials: Sendable, Equatable {
    case none
    case valid
    case invalid
    /// Right password, but on a nonce that has expired: the phone should retry.
    case stale
}

/// The answer to a device-file request.
public enum ProvisioningDecision: Sendable, Equatable {
    /// Serve the file; when `issueCredentials`, draw fresh device credentials first (which
    /// revokes the earlier ones) and put them in the file.
    case serve(issueCredentials: Bool)
    /// 401 with a challenge; the reason goes to the provisioning log.
    case challenge(reason: ProvisioningOutcome, stale: Bool)
}

/// How a phone-facing request ended, as the provisioning log records it.
public enum ProvisioningOutcome: String, Sendable, Codable, CaseIterable {
    case served
    case notFound = "not found"
    case windowClosed = "window closed"
    case badCredentials = "bad credentials"
    case macMismatch = "MAC mismatch"
    /// The source was blocked as a MAC scanner.
    case throttled
    /// A window's first fetch from outside the customer's allowed networks.
    case outsideNetworks = "outside networks"
    /// SIP (transport `sip`): a message Pieuvre sent was answered 2xx, refused, or not answered.
    case delivered
    case refused
    case unanswered = "no answer"
}

/// The seed's rule: inside the window a phone known by its MAC alone gets its configuration;
/// outside it, only with the device credentials it was given.
public enum ProvisioningPolicy {
    public static func decide(
        now: Date, authenticateUntil: Date?, windowOpenedAt: Date?, credentialsIssuedAt: Date?, presented: PresentedCredentials
    ) -> ProvisioningDecision {
        if presented == .valid { return .serve(issueCredentials: false) }
        if ProvisioningWindow.isOpen(until: authenticateUntil, now: now) {
            // The first fetch of each window (re)opening issues credentials; later fetches in
            // the same window get the same file, so the phone's MD5 check sees no change.
            let issuedInThisWindow = credentialsIssuedAt.map { issued in windowOpenedAt.map { issued >= $0 } ?? true } ?? false
            return .serve(issueCredentials: !issuedInThisWindow)
        }
        switch presented {
        case .none: return .challenge(reason: .windowClosed, stale: false)
        case .stale: return .challenge(reason: .windowClosed, stale: true)
        case .invalid, .valid: return .challenge(reason: .badCredentials, stale: false)
        }
    }
}
