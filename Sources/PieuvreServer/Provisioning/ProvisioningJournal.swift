import Foundation
import Logging
import NIOConcurrencyHelpers
import PieuvreCore
import PieuvreStore
import ServiceLifecycle

/// Buffers the provisioning log and phones' last-seen updates and writes them in batches, so a
/// phone's request never waits for a database write. Flushed every quarter second and, on a
/// clean shutdown, once more after the servers have stopped taking requests.
public final class ProvisioningJournal: Service, Sendable {
    private let store: Store
    private let logger: Logger
    private let pending = NIOLockedValueBox(Pending())
    /// Entries held at most: past it new entries are dropped and counted, never waited for (a
    /// database that cannot keep up must not hold phones back, nor fill the memory).
    let capacity: Int
    /// Rows per transaction: between chunks, phones' reads get the connection.
    static let chunk = 1_000
    private let metrics = PieuvreMetrics.shared
    /// This journal's own count of dropped rows (the metric is process-wide: tests running side
    /// by side read this one).
    private let droppedRows = NIOLockedValueBox(0)
    var dropped: Int { droppedRows.withLockedValue { $0 } }

    struct Pending {
        var entries: [ProvisioningLogEntry] = []
        var sightings: [UUID: PhoneSighting] = [:]
        /// Requests that concern no registered phone (a scanner's guesses, mostly): one row per
        /// source address and minute, with a count, instead of one row each.
        var unknown: [UnknownKey: Int] = [:]
        /// A registered phone's request identical to one still waiting (same file, outcome,
        /// address, User-Agent, transport) counts on that row instead of making another: a
        /// phone in a loop, or a backlog under overload, grows by distinct requests, not by
        /// requests (the log stays whole: each row says how many it stands for).
        var repeated: [RepeatKey: Int] = [:]
        /// Requests for MACs no phone has, one tally per MAC (the log folds them per source,
        /// which keeps one MAC a minute): what finds a MAC typed wrong beside its phone.
        var unknownMACs: [MACAddress: UnknownSighting] = [:]

        /// Distinct unknown MACs tallied between two writes: a scan from many addresses costs a
        /// bounded amount (a typing slip asks again, and is tallied then).
        static let unknownMACLimit = 200

        mutating func tally(_ entry: ProvisioningLogEntry) {
            guard entry.outcome == .notFound, entry.transport != "sip", let text = entry.mac, let mac = try? MACAddress(parsing: text) else { return }
            if var known = unknownMACs[mac] {
                known.count += 1
                known.at = entry.at
                known.ip = entry.sourceIP
                known.userAgent = entry.userAgent
                unknownMACs[mac] = known
            } else if unknownMACs.count < Self.unknownMACLimit {
                unknownMACs[mac] = UnknownSighting(mac: mac, at: entry.at, ip: entry.sourceIP, userAgent: entry.userAgent)
            }
        }

        /// Counts `entry` on the waiting row its key names (the row keeps the latest request
        /// and counts them all), or appends it as a new row while there is room. False: dropped.
        mutating func add<Key: Hashable>(_ entry: ProvisioningLogEntry, foldingOn key: Key, in rows: WritableKeyPath<Pending, [Key: Int]>, capacity: Int) -> Bool {
            if let index = self[keyPath: rows][key] {
                var latest = entry
                latest.count = entries[index].count + 1
                entries[index] = latest
                return true
            }
            guard entries.count < capacity else { return false }
            self[keyPath: rows][key] = entries.count
            entries.append(entry)
            return true
        }
    }

    struct RepeatKey: Hashable {
        let phoneID: UUID
        let file: String
        let outcome: ProvisioningOutcome
        let source: String
        let userAgent: String?
        let transport: String
    }

    struct UnknownKey: Hashable {
        let source: String
        let minute: Int
        let outcome: ProvisioningOutcome
    }

    public init(store: Store, logger: Logger, capacity: Int = 200_000) {
        self.store = store
        self.logger = logger
        self.capacity = capacity
    }

    /// Entries waiting to be written.
    var backlog: Int { pending.withLockedValue { $0.entries.count } }

    func record(_ entry: ProvisioningLogEntry, sighting: PhoneSighting?) {
        let capacity = self.capacity
        let kept = pending.withLockedValue { pending -> Bool in
            guard let phoneID = entry.phoneID else {
                pending.tally(entry)
                let key = UnknownKey(source: entry.sourceIP, minute: Int(entry.at.timeIntervalSince1970 / 60), outcome: entry.outcome)
                return pending.add(entry, foldingOn: key, in: \.unknown, capacity: capacity)
            }
            // The sighting is one per phone, so it is kept even when the row is not.
            if let sighting { pending.sightings[sighting.phoneID] = pending.sightings[sighting.phoneID].map(sighting.merged(after:)) ?? sighting }
            let key = RepeatKey(phoneID: phoneID, file: entry.file, outcome: entry.outcome, source: entry.sourceIP, userAgent: entry.userAgent, transport: entry.transport)
            return pending.add(entry, foldingOn: key, in: \.repeated, capacity: capacity)
        }
        if !kept {
            metrics.journalDropped.increment()
            droppedRows.withLockedValue { $0 += 1 }
        }
    }

    /// Writes what is pending. Readers of the log call it to read it at once; the background
    /// loop leaves the folded rows of the current minute pending (`all: false`), so a scan makes
    /// one row per source and minute, not one per flush.
    public func flush(all: Bool = true) async {
        let minute = Int(store.clock.now.timeIntervalSince1970 / 60)
        let batch = pending.withLockedValue { pending -> Pending in
            if all {
                defer { pending = Pending() }
                return pending
            }
            var kept = Pending()
            var out = Pending()
            out.sightings = pending.sightings
            out.unknownMACs = pending.unknownMACs
            var keptIndex: [Int: Int] = [:]
            for (key, index) in pending.unknown where key.minute >= minute {
                keptIndex[index] = kept.entries.count
                kept.unknown[key] = kept.entries.count
                kept.entries.append(pending.entries[index])
            }
            for (index, entry) in pending.entries.enumerated() where keptIndex[index] == nil { out.entries.append(entry) }
            pending = kept
            return out
        }
        defer { metrics.journalBacklog.record(backlog) }
        guard !batch.entries.isEmpty || !batch.sightings.isEmpty || !batch.unknownMACs.isEmpty else { return }
        var sightings = Array(batch.sightings.values)
        // Written with the first chunk; lost with it on a failure (a slip asks again).
        var unknown = Array(batch.unknownMACs.values)
        var written = 0
        // Bounded chunks, each its own transaction: a backlog never holds the database (on
        // SQLite, its one connection) long enough to keep a phone's lookup waiting.
        while written < batch.entries.count || !sightings.isEmpty || !unknown.isEmpty {
            let entries = Array(batch.entries[written..<min(batch.entries.count, written + Self.chunk)])
            let theseSightings = Array(sightings.prefix(Self.chunk))
            do {
                try await store.recordProvisioning(entries, sightings: theseSightings, unknown: unknown)
                unknown = []
            } catch {
                metrics.journalWriteFailures.increment()
                putBack(Array(batch.entries[written...]), sightings: sightings)
                logger.error("could not write the provisioning log; will retry", metadata: ["entries": "\(batch.entries.count - written)"])
                return
            }
            written += entries.count
            sightings.removeFirst(theseSightings.count)
        }
    }

    /// What could not be written goes back in front, for the next flush, as far as the
    /// capacity allows (the rest is dropped and counted).
    private func putBack(_ entries: [ProvisioningLogEntry], sightings: [PhoneSighting]) {
        let dropped = pending.withLockedValue { pending -> Int in
            let room = max(0, capacity - pending.entries.count)
            let kept = entries.prefix(room)
            pending.unknown = pending.unknown.mapValues { $0 + kept.count }
            pending.repeated = pending.repeated.mapValues { $0 + kept.count }
            pending.entries.insert(contentsOf: kept, at: 0)
            for sighting in sightings {
                // A sighting recorded since is the later one.
                pending.sightings[sighting.phoneID] = pending.sightings[sighting.phoneID].map { $0.merged(after: sighting) } ?? sighting
            }
            return entries.count - kept.count
        }
        if dropped > 0 {
            metrics.journalDropped.increment(by: dropped)
            droppedRows.withLockedValue { $0 += dropped }
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await self.flush(all: false)
            }
        }
        await flush()
    }
}

/// Keeps the provisioning log (and alerts) to the retention, pruning once an hour.
struct LogRetention: Service {
    let store: Store
    let days: Int
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.pruneProvisioningLog(olderThan: days)
                } catch {
                    logger.warning("could not prune the provisioning log; will retry", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                }
                try? await Task.sleep(for: .seconds(3600))
            }
        }
    }
}

/// Reads the change feed from where this node stands, so its caches drop what other nodes'
/// changes made stale (its own changes were dropped at once). PostgreSQL may commit a lower
/// position after a higher one, so each read goes back a little and skips what it applied.
struct ChangeFeedPoller: Service {
    let store: Store
    let files: PhoneFiles
    let logger: Logger
    static let interval: Duration = .milliseconds(250)
    static let overlap: Int64 = 200

    func run() async throws {
        let start = (try? await store.changeFeedPosition()) ?? 0
        await cancelWhenGracefulShutdown {
            var last = start
            var applied = Set<Int64>()
            while !Task.isCancelled {
                do {
                    let rows = try await store.changeFeed(after: max(0, last - Self.overlap))
                    let fresh = rows.filter { !applied.contains($0.position) }
                    // This node's own changes were applied when they were committed.
                    files.apply(fresh.filter { !store.committed.takeOwn($0.position) }.map(\.change))
                    for row in fresh { applied.insert(row.position) }
                    last = max(last, rows.last?.position ?? last)
                    applied = applied.filter { $0 > last - Self.overlap }
                } catch {
                    logger.warning("could not read the change feed; caches may lag until it is back", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                }
                try? await Task.sleep(for: Self.interval)
            }
        }
    }
}

/// Warms this node's cache with every phone's record once it has started (see
/// `PhoneFiles.warmUp`), then waits for the shutdown like the other background services.
struct CacheWarmUp: Service {
    let files: PhoneFiles
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            let started = ContinuousClock.now
            do {
                let count = try await files.warmUp()
                logger.notice("phone cache warmed", metadata: ["phones": "\(count)", "seconds": "\(Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000)"])
            } catch {
                logger.warning("could not warm the phone cache; phones are read on their first fetch", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
        }
        try? await gracefulShutdown()
    }
}
