import Foundation
import NIOConcurrencyHelpers
import PieuvreCore
import PieuvreStore

/// Gathers the first contacts that arrive together into one transaction (group commit): during a
/// rollout dozens of phones ask at once, and one commit for all of them costs about what one
/// commit for each would cost alone. A request waits at most for the batch in flight.
final class CredentialIssuer: Sendable {
    private struct Waiting {
        var requests: [(CredentialsIssue, CheckedContinuation<IssuedCredentials?, any Error>)] = []
        var draining = false
    }

    private let store: Store
    /// This node's cache: around each batch's commit the phones' entries are taken before and
    /// put back, with their new credentials, after (the commit drops them on every node; this
    /// node knows what changed and need not read them again).
    private let cache: NIOLockedValueBox<ProvisioningCache<ProvisioningRecord>>?
    private let waiting = NIOLockedValueBox(Waiting())
    /// Phones in one transaction at most.
    static let batchLimit = 256

    init(store: Store, cache: NIOLockedValueBox<ProvisioningCache<ProvisioningRecord>>? = nil) {
        self.store = store
        self.cache = cache
    }

    /// The credentials the phone holds after its first contact (nil: the phone is gone).
    func issue(_ request: CredentialsIssue) async throws -> IssuedCredentials? {
        try await withCheckedThrowingContinuation { continuation in
            let start = waiting.withLockedValue { waiting -> Bool in
                waiting.requests.append((request, continuation))
                guard !waiting.draining else { return false }
                waiting.draining = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Writes batches until nobody waits.
    private func drain() async {
        while true {
            let batch = waiting.withLockedValue { waiting -> [(CredentialsIssue, CheckedContinuation<IssuedCredentials?, any Error>)] in
                let batch = Array(waiting.requests.prefix(Self.batchLimit))
                waiting.requests.removeFirst(batch.count)
                if batch.isEmpty { waiting.draining = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            do {
                // A phone asking twice in one batch (two connections at boot) is one issuance.
                var unique: [UUID: CredentialsIssue] = [:]
                for (request, _) in batch where unique[request.phoneID] == nil { unique[request.phoneID] = request }
                let phones = Array(unique.values)
                let snapshot = cache?.withLockedValue { $0.snapshot(phones.map(\.mac)) }
                let issued: [UUID: IssuedCredentials]
                do {
                    issued = try await store.issueDeviceCredentials(phones)
                } catch {
                    // Once more: an aborted transaction changed nothing (a conflict with another
                    // node's, a connection lost), and the phones are waiting.
                    try await Task.sleep(for: .milliseconds(20))
                    issued = try await store.issueDeviceCredentials(phones)
                }
                if let cache, let snapshot {
                    var byMAC: [MACAddress: IssuedCredentials] = [:]
                    for phone in phones { byMAC[phone.mac] = issued[phone.phoneID] }
                    cache.withLockedValue { cache in
                        // The commit dropped every phone of the batch, issued or gone.
                        _ = cache.restore(snapshot, ownDrops: Set(phones.map(\.mac)).count) { mac, record in byMAC[mac].map(record.with) }
                    }
                }
                for (request, continuation) in batch { continuation.resume(returning: issued[request.phoneID]) }
            } catch {
                for (_, continuation) in batch { continuation.resume(throwing: error) }
            }
        }
    }
}
