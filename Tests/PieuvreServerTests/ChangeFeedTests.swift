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

    /// A first contact's commit drops the phones it issued for; the issuer puts them back with
    /// their credentials, unless anything else was dropped meanwhile.
    @Test func entriesComeBackAfterTheirOwnCommitOnly() {
        var cache = ProvisioningCache<String>(maxEntries: 10)
        let customer = UUID()
        _ = cache.insert(Self.a, "A", customerID: customer, lineID: nil, since: cache.tag())
        _ = cache.insert(Self.b, "B", customerID: customer, lineID: nil, since: cache.tag())
        var snapshot = cache.snapshot([Self.a, Self.b])
        cache.apply(.phone(Self.a))
        cache.apply(.phone(Self.b))
        #expect(cache.restore(snapshot, ownDrops: 2) { _, record in record + "+credentials" } == 2)
        #expect(cache.entry(Self.a)?.record == "A+credentials" && cache.entry(Self.a)?.customerID == customer)
        #expect(cache.entry(Self.a)?.device == nil, "the file is rendered again with them")
        // A change that came between the snapshot and the commit (B's line here): nothing back.
        snapshot = cache.snapshot([Self.a])
        cache.apply(.phone(Self.b))
        cache.apply(.phone(Self.a))
        #expect(cache.restore(snapshot, ownDrops: 1) { _, record in record + "!" } == 0)
        #expect(cache.entry(Self.a) == nil, "read again on its next fetch")
        // A wider drop meanwhile: nothing back either; a phone missing from the update: not back.
        _ = cache.insert(Self.a, "A", customerID: customer, lineID: nil, since: cache.tag())
        snapshot = cache.snapshot([Self.a])
        cache.apply(.customer(UUID()))
        cache.apply(.phone(Self.a))
        #expect(cache.restore(snapshot, ownDrops: 1) { _, record in record } == 0)
        _ = cache.insert(Self.a, "A", customerID: customer, lineID: nil, since: cache.tag())
        snapshot = cache.snapshot([Self.a])
        cache.apply(.phone(Self.a))
        #expect(cache.restore(snapshot, ownDrops: 1) { _, _ in nil } == 0)
    }

    /// The warm-up's bulk reader gives, page by page, the very records the one-phone read gives,
    /// layers, departments, line and firmware pin included; the warm-up caches every phone.
    @Test(arguments: TestDatabase.all)
    func everyPhonesRecordReadInPagesIsTheRecordReadAlone(_ db: TestDatabase) async throws {
        try await TestPlatform.run(db) { p in
            let reseller = try await ProvisioningTests.setUp(p)
            #expect(try await p.call(.post, "/api/v1/customers/10000/departments", token: reseller, json: #"{"name":"Bâtiment A"}"#).status == .created)
            #expect(try await p.call(.post, "/api/v1/customers/10000/departments", token: reseller, json: #"{"name":"Est","parent":"Bâtiment A"}"#).status == .created)
            let macs = (0..<7).map { String(format: "00:15:65:00:00:%02X", $0) }
            for (n, mac) in macs.enumerated() {
                let body = n % 2 == 0 ? #"{"mac":"\#(mac)","model":"yealink-t46g","sda":"0970192349"}"# : #"{"mac":"\#(mac)","model":"snom-d765","department":"Est"}"#
                #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: body).status == .created)
            }
            #expect(try await p.call(.put, "/api/v1/customers/10000/departments/Est/settings", token: reseller, json: #"{"values":{"preferences.ringtone":"Ring4","firmware.version":"1.2.3"},"locked":["preferences.ringtone"]}"#).status == .ok)
            #expect(try await p.call(.put, "/api/v1/phones/00:15:65:00:00:02/settings", token: reseller, json: #"{"values":{"preferences.language":"English"}}"#).status == .ok)
            var paged: [ProvisioningRecord] = []
            var after: MACAddress?
            while true {
                let page = try await p.store.provisioningRecords(after: after, limit: 3)
                guard let last = page.last else { break }
                #expect(page.count <= 3)
                paged += page
                after = last.mac
            }
            #expect(paged.map(\.mac.description) == macs.sorted(), "every phone once, in MAC order")
            for record in paged {
                let alone = try #require(try await p.store.provisioningRecord(mac: record.mac))
                #expect(record.layers == alone.layers && record.line?.sda == alone.line?.sda && record.pinnedFirmware == alone.pinnedFirmware, "\(record.mac)")
                #expect(record.phoneID == alone.phoneID && record.model.id == alone.model.id && record.webAdminPassword == alone.webAdminPassword)
            }
            #expect(paged.filter { $0.model.id == "snom-d765" }.allSatisfy { $0.layers.map(\.name).contains("Est") && $0.pinnedFirmware?.version == "1.2.3" })
            let files = p.phones.files
            files.apply([.everything])
            #expect(try await files.warmUp(pageSize: 2) == 7)
            #expect(try macs.allSatisfy { files.isCached(try MACAddress(parsing: $0)) })
            // A change to the customer drops its phones at once; they are read again in the
            // background (the cache stays an index of every phone), as is a phone registered now.
            files.apply([.customer(paged[0].customerID)])
            #expect(try macs.allSatisfy { !files.isCached(try MACAddress(parsing: $0)) })
            #expect(try await p.call(.post, "/api/v1/customers/10000/phones", token: reseller, json: #"{"mac":"00:15:65:00:01:00","model":"yealink-t42g"}"#).status == .created)
            for _ in 0..<750 where !files.refresh.isIdle { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try (macs + ["00:15:65:00:01:00"]).allSatisfy { files.isCached(try MACAddress(parsing: $0)) })
        }
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
            let workB = BackgroundWork(logger: logger)
            let filesB = PhoneFiles(store: storeB, platform: ServerConfiguration(publicURL: "https://portail.metacentrex.fr/").platformProfile, journal: journalB,
                                    digestKey: try await storeB.digestKey(), work: workB, logger: logger)
            let poller = Task { try await ChangeFeedPoller(store: storeB, files: filesB, logger: logger).run() }
            defer { poller.cancel() }
            // The poller's first read (which looks back over the feed's overlap) before B caches.
            try await Task.sleep(for: .seconds(1))
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
            // On node A itself the phone is put back with the credentials it was just given.
            #expect(p.phones.files.isCached(Self.a), "no second read for the node that issued")
            let cachedA = try #require(try await p.phones.files.record(Self.a))
            #expect(cachedA.devicePassword == ProvisioningTests.value(first, "static.auto_provision.server.password") && cachedA.credentialsIssuedAt != nil)
            // The other node dropped A (from the feed) and read it again in the background, with
            // the credentials drawn on A; B was not touched. Waited for, not slept on: a busy
            // machine may take longer than the poller's quarter second.
            let issued = ProvisioningTests.value(first, "static.auto_provision.server.password")
            try await Self.eventually { filesB.cache.withLockedValue { $0.entry(Self.a)?.record?.devicePassword } == issued }
            let aOnB = filesB.cache.withLockedValue { $0.entry(Self.a)?.record }
            #expect(aOnB?.devicePassword == ProvisioningTests.value(first, "static.auto_provision.server.password"), "the other node holds A's new record")
            #expect(filesB.isCached(Self.b), "the other node drops that phone only")
            // On node B the phone gets the same credentials (and does not draw new ones).
            let onB = try #require(try await fetch(filesB, "805ec0021c1b.cfg"))
            #expect(ProvisioningTests.value(onB, "static.auto_provision.server.password") == ProvisioningTests.value(first, "static.auto_provision.server.password"))
            // A settings change made through node A reaches node B's next fetch within a second.
            let changed = try await p.call(.put, "/api/v1/phones/80:5E:C0:02:1C:1B/settings", token: reseller, json: #"{"values":{"preferences.ringtone":"Ring6"}}"#)
            #expect(changed.status == .ok, "\(changed)")
            var after = ""
            try await Self.eventually {
                after = (try? await fetch(filesB, "805ec0021c1b.cfg")) ?? ""
                return after.contains("Ring6")
            }
            #expect(after.contains("Ring6.wav") || after.contains("Ring6"), "node B serves the change")
            #expect(filesB.isCached(Self.b), "and still holds the phone the change did not touch")
            poller.cancel()
            await workB.close()
        }
    }

    /// Waits until `condition` holds, up to 15 s (what a feed poll takes on a loaded machine);
    /// the expectation after it says what was expected when it never did.
    static func eventually(_ condition: () async -> Bool) async throws {
        for _ in 0..<300 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
