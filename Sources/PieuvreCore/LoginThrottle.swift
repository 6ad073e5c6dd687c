import Foundation

/// How password guessing is slowed, the same for the API and every portal (the counts live in
/// the database, so every node sees them).
///
/// Counts run over a window (10 minutes). The first failures of a login (5) and of a source
/// address (20) are free; past them, each further attempt of one (login, source) pair must wait
/// longer than the last (1 s, 2 s, 4 s … capped), and a source past its allowance waits across
/// every login. A burst from one address never slows the real user signing in from elsewhere:
/// the wait belongs to the pair, and a success clears it.
public struct LoginThrottlePolicy: Sendable, Equatable {
    public var window: TimeInterval = 600
    public var freePerLogin = 5
    public var freePerSource = 20
    public var pairCap: TimeInterval = 300
    public var sourceCap: TimeInterval = 600

    public init() {}

    /// The wait this attempt imposes on its pair before the next one, or nil while free.
    public func pairDelay(loginAttempts: Int, pairAttempts: Int) -> TimeInterval? {
        guard loginAttempts > freePerLogin else { return nil }
        let step = max(0, min(pairAttempts, loginAttempts - freePerLogin) - 1)
        return min(pairCap, pow(2, Double(min(step, 30))))
    }

    /// The wait this attempt imposes on its source address across logins, or nil while free.
    public func sourceDelay(sourceAttempts: Int) -> TimeInterval? {
        guard sourceAttempts > freePerSource else { return nil }
        return min(sourceCap, pow(2, Double(min(sourceAttempts - freePerSource - 1, 30))))
    }

    /// One spelling per login: a number typed as `02 72 34 20 39`, `02.72.34.20.39` or
    /// `+33272342039` is the line `0272342039`; other logins are compared without case.
    public static func canonicalLogin(_ text: String) -> String {
        let trimmed = text.trimmingWhitespace()
        if let number = try? DirectNumber(parsing: trimmed) { return number.national }
        return String(trimmed.lowercased().prefix(256))
    }
}

extension DirectNumber {
    /// A French number in E.164 (`+33` and 9 digits) written the national way; others as they are.
    public var national: String {
        if digits.hasPrefix("+33"), digits.count == 12 { return "0" + digits.dropFirst(3) }
        return digits
    }
}
