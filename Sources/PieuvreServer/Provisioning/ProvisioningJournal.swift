import Foundation
import Logging
import NIOConcurrencyHelpers
import PieuvreStore
import ServiceLifecycle

/// Buffers the provisioning log and phones' last-seen updates and writes them in batches, so a
/// phone's request never waits for a database write. Flushed every quarter second and, on a
/// clean shutdown, once more after the servers have stopped taking requests.
public final class ProvisioningJournal: Service, Sendable {
    private let store: Store
    private let logger: Logger
    private let pending = NIOLockedValueBox(Pending())

    struct Pending {
        var entries: [ProvisioningLogEntry] = []
        var sightings: [UUID: PhoneSighting] = [:]
    }

    public init(store: Store, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    func record(_ entry: ProvisioningLogEntry, sighting: PhoneSighting?) {
        pending.withLockedValue { pending in
            pending.entries.append(entry)
            if let sighting { pending.sightings[sighting.phoneID] = sighting }
        }
    }

    /// Writes what is pending. Tests call it to read the log at once.
    public func flush() async {
        let batch = pending.withLockedValue { pending -> Pending in
            defer { pending = Pending() }
            return pending
        }
        guard !batch.entries.isEmpty || !batch.sightings.isEmpty else { return }
        do {
            try await store.recordProvisioning(batch.entries, sightings: Array(batch.sightings.values))
        } catch {
            // Put the batch back: the next flush tries again rather than losing it.
            pending.withLockedValue { pending in
                pending.entries.insert(contentsOf: batch.entries, at: 0)
                pending.sightings.merge(batch.sightings) { newer, _ in newer }
            }
            logger.error("could not write the provisioning log; will retry", metadata: ["entries": "\(batch.entries.count)"])
        }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(250))
                await self.flush()
            }
        }
        await flush()
    }
}

/// Polls the platform's generation so this node's caches follow changes made on other nodes.
struct GenerationPoller: Service {
    let store: Store
    let files: PhoneFiles

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if let generation = try? await store.platformGeneration() { files.platformGeneration(generation) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
