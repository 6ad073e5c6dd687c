import NIOConcurrencyHelpers
import PieuvreCore
import PieuvreStore

/// Keeps the cache an index of every phone: what a change drops (on this node at once, on the
/// others from the change feed) is read again in the background, in bulk, so the phone's next
/// fetch is a hit instead of three queries on its request's path. Bursts are gathered: the
/// phones one commit dropped are read together (two or three queries for up to 500), and a
/// customer's or a line's phones a page at a time. Reads are tagged like any other, so a
/// change racing a refresh keeps its drop.
final class CacheRefresh: Sendable {
    private struct Pending {
        var macs: Set<MACAddress> = []
        var selections: Set<Store.RecordSelection> = []
        var running = false
        var isEmpty: Bool { macs.isEmpty && selections.isEmpty }
    }

    private let pending = NIOLockedValueBox(Pending())
    /// Gathers what arrives together (a rollout's batches, an import) into one read.
    static let gather: Duration = .milliseconds(50)

    func note(_ changes: [CacheChange], files: PhoneFiles) {
        let start = pending.withLockedValue { pending -> Bool in
            for change in changes {
                switch change {
                case let .phone(mac): pending.macs.insert(mac)
                case let .customer(id): pending.selections.insert(.customer(id))
                case let .line(id): pending.selections.insert(.line(id))
                case .everything: pending.selections.insert(.all)
                }
            }
            if pending.selections.contains(.all) {
                pending.selections = [.all]
                pending.macs.removeAll()
            }
            guard !pending.running, !pending.isEmpty else { return false }
            pending.running = true
            return true
        }
        guard start else { return }
        let run: @Sendable () async -> Void = { [weak files] in await self.drain(files) }
        if let work = files.work { work.spawn(run) } else { Task(operation: run) }
    }

    /// Whether nothing waits to be read again (for tests).
    var isIdle: Bool { pending.withLockedValue { !$0.running && $0.isEmpty } }

    private func drain(_ files: PhoneFiles?) async {
        while true {
            try? await Task.sleep(for: Self.gather)
            let taken = pending.withLockedValue { pending -> Pending in
                let taken = pending
                pending.macs.removeAll()
                pending.selections.removeAll()
                if taken.isEmpty || files == nil || Task.isCancelled { pending.running = false }
                return taken
            }
            guard let files, !taken.isEmpty, !Task.isCancelled else { return }
            do {
                for selection in taken.selections { _ = try await files.load(selection) }
                // The store reads them 500 at a time.
                let missing = Array(taken.macs.filter { !files.isCached($0) })
                let tag = files.cache.withLockedValue { $0.tag() }
                files.insert(try await files.store.provisioningRecords(macs: missing), since: tag)
            } catch {
                // The phones are read on their next fetch instead.
            }
        }
    }
}
