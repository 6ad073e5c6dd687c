import Foundation
import HummingbirdTesting
import Logging
import PhoneCatalog
@testable import PieuvreCore
@testable import PieuvreServer
@testable import PieuvreStore
import ServiceLifecycle
import Testing

/// A change drops what it made stale and nothing more, on this node at once and on the others
/// through the change feed; a read racing a change cannot put the old record back.
@Suite struct ChangeFeedTests {
    static let a = try! MACAddress(parsing: "80:5E:C0:02:1C:1B")
    static let b = try! MACAddress(parsing: "80:5E:C0:02:1C:1C")
    static let file = RenderedFile("x", contentType: "text/plain")

    @Test func dropsArePreciseAndARacingReadIsRefused() {
        var cache = ProvisioningCache<String>(maxEntries: 10)
        let customer = UUID(), other = UUID(), line = UUID()
        let inserted1 = cache.insert(Self.a, "A", customerID: customer, lineID: line, since: cache.tag())
        #expect(inserted1)
        let inserted2 = cache.insert(Self.b, "B", customerID: other, lineID: nil, since: cache.tag())
        #expect(inserted2)
        cache.insertCommon("yealink-t46g", Self.file, since: cache.tag())
        cache.apply(.phone(Self.a))
        #expect(cache.entry(Self.a) == nil && cache.entry(Self.b)?.record == "B" && cache.common["yealink-t46g"] != nil, "one phone: that phone only")
        // The race: a read of A began before A changed; its (old) result must not go in.
        let before = cache.tag()
        cache.apply(.phone(Self.a))
        let inserted3 = cache.insert(Self.a, "old A", customerID: customer, lineID: line, since: before)
        #expect(!inserted3)
        #expect(cache.entry(Self.a) == nil)
        // A read of B that began at the same time is unaffected by A's change.
        let inserted4 = cache.insert(Self.a, "new A", customerID: customer, lineID: line, since: cache.tag())
        #expect(inserted4)
        cache.apply(.line(line))
        #expect(cache.entry(Self.a) == nil && cache.entry(Self.b) != nil, "a line: its phones")
        _ = cache.insert(Self.a, "A", customerID: customer, lineID: line, since: cache.tag())
        let wide = cache.tag()
        cache.apply(.customer(other))
        #expect(cache.entry(Self.b) == nil && cache.entry(Self.a) != nil, "a customer: its phones")
        let inserted5 = cache.insert(Self.b, "old B", customerID: other, lineID: nil, since: wide)
        #expect(!inserted5, "a wider drop refuses reads that began before it")
        cache.apply(.everything)
        #expect(cache.entry(Self.a) == nil && cache.common.isEmpty)
        // Unknown MACs are cached as no phone, and dropped when one is registered.
        let inserted6 = cache.insert(Self.b, nil, customerID: nil, lineID: nil, since: cache.tag())
        #expect(inserted6)
        cache.apply(.phone(Self.b))
        #expect(cache.entry(Self.b) == nil)
    }

    @Test func feedRowsReadBackAsTheyWereWritten() {
        for change in [CacheChange.everything, .customer(UUID()), .line(UUID()), .phone(Self.a)] {
            let (kind, key) = change.stored
            #expect(CacheChange(kind: kind, key: key) == change)
        }
        #expect(CacheChange(kind: "from-a-newer-node", key: "x") == .everything)
    }

    /// Two nodes on one database: a phone's first fetch on A drops that phone only, on A at once
    /// and on B through the feed; a settings change on A reaches B's next fetch.
    @Test(arguments: TestDatabase.all)
    func aChangeOnOneNodeReachesTheOther(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await ProvisioningTests.setUp(p)
            for mac in ["80:5E:C0:02:1C:1B", "80:5E:C0:02:1C:1C"] {
                try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"\#(mac)","model":"yealink-cp920","sda":"0970192349"}"#)
            }
            // Node B: its own store and phone-facing core on the same database, and its poller.
            var logger = Logger(label: "node-b")
            logger.logLevel = .error
            let storeB = Store(storage: p.store.storage, secrets: p.store.secrets, clock: p.clock, passwordCost: 4)
            let journalB = ProvisioningJournal(store: storeB, logger: logger)
            let filesB = PhoneFiles(store: storeB, platform: ServerConfiguration(publicURL: "https://portail.metacentrex.fr/").platformProfile, journal: journalB,
                                    digestKey: try await storeB.digestKey(), logger: logger)
            let poller = Task { try await ChangeFeedPoller(store: storeB, files: filesB, logger: logger).run() }
            defer { poller.cancel() }
            try await Task.sleep(for: .milliseconds(300))
            let ua = ProvisioningTests.agents["yealink-cp920"]!.ua
            func fetch(_ files: PhoneFiles, _ name: String) async throws -> String? {
                let answer = try await files.answer(PhoneFiles.Request(fileName: name, path: "/sip-ps/\(name)", userAgent: ua, authorization: nil, sourceIP: "192.0.2.10"))
                guard case let .file(file) = answer else { return nil }
                return String(decoding: file.bytes, as: UTF8.self)
            }
            _ = try await filesB.record(Self.a)
            _ = try await filesB.record(Self.b)
            _ = try await p.phones.files.record(Self.b)
            #expect(filesB.isCached(Self.a) && filesB.isCached(Self.b))
            // A's first fetch on node A issues its credentials: A is dropped, B stays, on both nodes.
            let first = try #require(try await fetch(p.phones.files, "805ec0021c1b.cfg"))
            #expect(p.phones.files.isCached(Self.b), "a phone's first fetch drops that phone only")
            try await Task.sleep(for: .milliseconds(700))
            #expect(!filesB.isCached(Self.a) && filesB.isCached(Self.b), "the other node drops that phone only")
            // On node B the phone gets the same credentials (and does not draw new ones).
            let onB = try #require(try await fetch(filesB, "805ec0021c1b.cfg"))
            #expect(ProvisioningTests.value(onB, "static.auto_provision.server.password") == ProvisioningTests.value(first, "static.auto_provision.server.password"))
            // A settings change made through node A reaches node B's next fetch within a second.
            let changed = try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: reseller, json: #"{"values":{"preferences.ringtone":"Ring6"}}"#)
            #expect(changed.status == .ok, "\(changed)")
            try await Task.sleep(for: .milliseconds(700))
            let after = try #require(try await fetch(filesB, "805ec0021c1b.cfg"))
            #expect(after.contains("Ring6.wav") || after.contains("Ring6"), "node B serves the change")
            #expect(filesB.isCached(Self.b), "and still holds the phone the change did not touch")
        }
    }
}
