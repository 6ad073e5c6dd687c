import Foundation
@testable import PieuvreCore
import Testing

/// The scan guard's memory is bounded without lifting blocks (issue #26, item 3: a flood from
/// 100,000 forged sources used to make it forget everything, real blocks included).
@Suite struct ScanGuardTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aFloodOfNewSourcesNeverLiftsALiveBlock() {
        let guardian = ScanGuard(policy: .init(threshold: 1), maxSources: 10)
        guardian.recordGuess("192.0.2.66", now: now)
        #expect(guardian.recordGuess("192.0.2.66", now: now), "the second guess crosses the threshold")
        for n in 0..<1_000 { guardian.recordGuess("198.51.\(n / 256).\(n % 256)", now: now.addingTimeInterval(Double(n) / 100)) }
        #expect(guardian.blockedUntil("192.0.2.66", now: now.addingTimeInterval(11)) != nil)
        #expect(guardian.remembered <= 10, "memory stays bounded")
    }

    @Test func theOldestQuietSourcesGoFirst() {
        let guardian = ScanGuard(policy: .init(threshold: 3), maxSources: 10)
        for n in 0..<10 { guardian.recordGuess("203.0.113.\(n)", now: now.addingTimeInterval(Double(n))) }
        guardian.recordGuess("203.0.113.200", now: now.addingTimeInterval(20))
        // The newest quiet source is still counted: three more guesses block it.
        for _ in 0..<3 { guardian.recordGuess("203.0.113.9", now: now.addingTimeInterval(21)) }
        #expect(guardian.blockedUntil("203.0.113.9", now: now.addingTimeInterval(22)) != nil)
    }

    @Test func aGuardFullOfLiveBlocksCountsNoNewSourceRatherThanLiftOne() {
        let guardian = ScanGuard(policy: .init(threshold: 0), maxSources: 4)
        for n in 0..<4 { #expect(guardian.recordGuess("192.0.2.\(n)", now: now)) }
        #expect(!guardian.recordGuess("192.0.2.99", now: now))
        #expect(guardian.blockedUntil("192.0.2.99", now: now) == nil)
        for n in 0..<4 { #expect(guardian.blockedUntil("192.0.2.\(n)", now: now) != nil) }
    }
}
