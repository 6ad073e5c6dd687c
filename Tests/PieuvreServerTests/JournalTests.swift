import Foundation
import Logging
import PieuvreCore
@testable import PieuvreServer
import PieuvreStore
import Testing

@Suite struct JournalTests {
    /// A database that cannot keep up never holds a phone back nor fills the memory: past its
    /// capacity the journal drops new rows and counts them; what it holds is written in chunks.
    @Test func pastItsCapacityTheJournalShedsAndCountsWhatItDropped() async throws {
        try await TestPlatform.run(.sqlite) { p in
            let journal = ProvisioningJournal(store: p.store, logger: Logger(label: "test"), capacity: 2_500)
            let now = Date()
            for i in 0..<3_000 {
                // Distinct requests of registered phones: each is a row (an unknown MAC's are
                // folded per source and minute instead).
                journal.record(ProvisioningLogEntry(at: now, mac: nil, file: "f\(i).cfg", sourceIP: "192.0.2.\(i % 200)", userAgent: nil, outcome: .served, phoneID: UUID(), customerID: nil), sighting: nil)
            }
            #expect(journal.backlog == 2_500)
            #expect(journal.dropped == 500)
            // Written in chunks of 1,000 (three transactions here), all of it.
            await journal.flush()
            #expect(journal.backlog == 0)
        }
    }

    /// A phone repeating a request while the first is still waiting (a loop, or a backlog under
    /// overload) adds to that row's count: the backlog grows by distinct requests.
    @Test func identicalRequestsWaitingTogetherAreOneRowWithTheirCount() async throws {
        try await TestPlatform.run(.sqlite) { p in
            let journal = ProvisioningJournal(store: p.store, logger: Logger(label: "test"), capacity: 10)
            let phone = UUID(), now = Date()
            func entry(_ file: String, _ outcome: ProvisioningOutcome = .served, source: String = "192.0.2.1") -> ProvisioningLogEntry {
                ProvisioningLogEntry(at: now, mac: nil, file: file, sourceIP: source, userAgent: "UA", outcome: outcome, phoneID: phone, customerID: nil)
            }
            for _ in 0..<1_000 { journal.record(entry("a.cfg"), sighting: nil) }
            journal.record(entry("b.cfg"), sighting: nil)
            journal.record(entry("a.cfg", .badCredentials), sighting: nil)
            journal.record(entry("a.cfg", source: "192.0.2.2"), sighting: nil)
            #expect(journal.backlog == 4, "four distinct requests, whatever their number")
            for _ in 0..<500 { journal.record(entry("a.cfg"), sighting: nil) }
            #expect(journal.dropped == 0, "repeats are never dropped")
            await journal.flush()
            // After a flush a repeat starts a new row.
            journal.record(entry("a.cfg"), sighting: nil)
            #expect(journal.backlog == 1)
        }
    }
}

extension String {
    /// The value of an unlabelled sample in Prometheus text.
    func sampleValue(_ name: String) -> Double {
        for line in split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.split(separator: " ").last ?? "") ?? 0
        }
        return 0
    }
}
