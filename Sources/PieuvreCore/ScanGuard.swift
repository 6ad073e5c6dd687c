import Foundation

/// MAC scanners: guesses (a request for an unknown MAC, a MAC mismatch, wrong credentials) are
/// counted per source address, over HTTP and TFTP alike; past the threshold within the window,
/// that source alone is refused for the cooldown, known phones included. Exempt ranges (a
/// customer site behind one address) are never refused. A pure state machine fed with a clock.
public final class ScanGuard: @unchecked Sendable {
    public struct Policy: Sendable {
        public var threshold: Int
        public var window: TimeInterval
        public var cooldown: TimeInterval
        public var exempt: [CIDR]

        public init(threshold: Int = 50, window: TimeInterval = 60, cooldown: TimeInterval = 600, exempt: [CIDR] = []) {
            self.threshold = threshold
            self.window = window
            self.cooldown = cooldown
            self.exempt = exempt
        }
    }

    struct Counter {
        var windowStart: Date
        var count: Int
        var blockedUntil: Date?
    }

    public let policy: Policy
    private var counters: [String: Counter] = [:]
    private let lock = NSLock()
    /// A bound on remembered sources: past it, the quietest sources are forgotten, never a
    /// live block (a flood from forged addresses must not lift the real ones).
    let maxSources: Int

    public init(policy: Policy = .init(), maxSources: Int = 100_000) {
        self.policy = policy
        self.maxSources = maxSources
    }

    /// Sources remembered now (for tests).
    var remembered: Int { lock.withLock { counters.count } }

    /// When the source is refused, the time it may come back.
    public func blockedUntil(_ source: String, now: Date) -> Date? {
        lock.withLock {
            guard let until = counters[source]?.blockedUntil, until > now else { return nil }
            return until
        }
    }

    /// Counts one guess; true when this guess crosses the threshold (an alert is due).
    @discardableResult
    public func recordGuess(_ source: String, now: Date) -> Bool {
        if policy.exempt.contains(where: { $0.contains(source) }) { return false }
        return lock.withLock {
            if counters[source] == nil, counters.count >= maxSources {
                prune(now)
                // Full of live blocks: a new source is not counted rather than lift one.
                guard counters.count < maxSources else { return false }
            }
            var counter = counters[source] ?? Counter(windowStart: now, count: 0, blockedUntil: nil)
            if now.timeIntervalSince(counter.windowStart) > policy.window {
                counter.windowStart = now
                counter.count = 0
            }
            counter.count += 1
            var crossed = false
            if counter.count > policy.threshold, counter.blockedUntil.map({ $0 <= now }) ?? true {
                counter.blockedUntil = now.addingTimeInterval(policy.cooldown)
                crossed = true
            }
            counters[source] = counter
            return crossed
        }
    }

    /// Forgets sources whose window and block are over, then, if still full, the oldest
    /// windows without a live block (a tenth of the bound at least, so pruning stays rare).
    private func prune(_ now: Date) {
        func blocked(_ c: Counter) -> Bool { c.blockedUntil.map { $0 > now } ?? false }
        counters = counters.filter { _, c in blocked(c) || now.timeIntervalSince(c.windowStart) <= policy.window }
        guard counters.count >= maxSources else { return }
        let quiet = counters.filter { !blocked($0.value) }.sorted { $0.value.windowStart < $1.value.windowStart }
        for (source, _) in quiet.prefix(max(maxSources / 10, counters.count - maxSources + 1)) { counters[source] = nil }
    }
}
