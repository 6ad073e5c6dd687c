import Foundation
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Work started outside a request (a SIP answer, a NOTIFY and its retries, a TFTP transfer, an
/// alert), tracked so that a graceful shutdown cancels it and waits for it before the database
/// closes: a task that outlived the store would meet a closed pool. Listed after the storage
/// and the journal in the service group, so it stops before them.
public final class BackgroundWork: Service, Sendable {
    private struct State {
        var tasks: [UInt64: Task<Void, Never>] = [:]
        var next: UInt64 = 0
        var closed = false
    }
    private let state = NIOLockedValueBox(State())
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Starts `body` now, unless shutting down (then it is dropped: nothing would serve it).
    func spawn(_ body: @escaping @Sendable () async -> Void) {
        state.withLockedValue { state in
            guard !state.closed else { return }
            let id = state.next
            state.next += 1
            state.tasks[id] = Task { [weak self] in
                await body()
                _ = self?.state.withLockedValue { $0.tasks.removeValue(forKey: id) }
            }
        }
    }

    var running: Int { state.withLockedValue { $0.tasks.count } }

    /// Waits for the work running now, without refusing more (a test that needs its effects).
    func drain() async {
        let tasks = state.withLockedValue { Array($0.tasks.values) }
        for task in tasks { await task.value }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Refuses new work, cancels what runs and waits for it (before the database closes).
    public func close() async {
        let tasks = state.withLockedValue { state -> [Task<Void, Never>] in
            state.closed = true
            return Array(state.tasks.values)
        }
        if !tasks.isEmpty { logger.info("shutting down: cancelling background work", metadata: ["tasks": "\(tasks.count)"]) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
