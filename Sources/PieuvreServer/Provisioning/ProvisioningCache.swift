import Foundation
import PhoneCatalog
import PieuvreCore

/// What the phone-facing core keeps in memory, as a plain value: phone records (and `nil` for
/// MACs that are no phone) with their rendered device file, and common files per model. A
/// change drops what it made stale and nothing more (`apply`). A record read from the database
/// is put in only if nothing that concerns it was dropped since the read began (`tag` before
/// the read, `insert` after): otherwise a read racing a change would put the old record back.
struct ProvisioningCache<Record: Sendable>: Sendable {
    struct Entry: Sendable {
        var record: Record?
        var device: RenderedFile?
        let customerID: UUID?
        let lineID: UUID?
    }

    /// Taken before a database read, checked when its result is put in.
    struct Tag: Equatable, Sendable {
        let epoch: Int
        let drops: Int
    }

    private(set) var entries: [MACAddress: Entry] = [:]
    private(set) var common: [String: RenderedFile] = [:]
    /// Moves with every drop wider than one phone (a line, a customer, everything).
    private(set) var epoch = 0
    /// Counts one-phone drops; `droppedAt` says when each phone was last dropped.
    private(set) var drops = 0
    private var droppedAt: [MACAddress: Int] = [:]
    let maxEntries: Int

    init(maxEntries: Int) { self.maxEntries = maxEntries }

    func tag() -> Tag { Tag(epoch: epoch, drops: drops) }

    func entry(_ mac: MACAddress) -> Entry? { entries[mac] }

    /// Puts a record read since `tag` in; refused (answers false) when something that concerns
    /// it was dropped meanwhile: the caller serves what it read, the next request reads again.
    @discardableResult
    mutating func insert(_ mac: MACAddress, _ record: Record?, customerID: UUID?, lineID: UUID?, since tag: Tag) -> Bool {
        guard tag.epoch == epoch, (droppedAt[mac] ?? 0) <= tag.drops else { return false }
        // A bound, so requests for random MACs cannot grow memory forever.
        if entries.count >= maxEntries, entries[mac] == nil { entries.removeAll(keepingCapacity: true) }
        if entries[mac] == nil { entries[mac] = Entry(record: record, device: nil, customerID: customerID, lineID: lineID) }
        return true
    }

    /// Some phones' entries as they are, before a commit that will drop them (first contacts).
    struct Snapshot: Sendable {
        let entries: [MACAddress: Entry]
        let tag: Tag
    }

    func snapshot(_ macs: some Sequence<MACAddress>) -> Snapshot {
        var taken: [MACAddress: Entry] = [:]
        for mac in macs { if let entry = entries[mac] { taken[mac] = entry } }
        return Snapshot(entries: taken, tag: tag())
    }

    /// After a commit that dropped exactly `ownDrops` phones (the snapshot's, and only what
    /// the commit changed in them: `update`), puts their entries back updated, so a rollout's
    /// phones stay cached without a second read. Only when nothing else was dropped since the
    /// snapshot: any other change, anywhere, and the phones are read again on their next fetch.
    @discardableResult
    mutating func restore(_ snapshot: Snapshot, ownDrops: Int, update: (MACAddress, Record) -> Record?) -> Int {
        guard snapshot.tag.epoch == epoch, drops == snapshot.tag.drops + ownDrops else { return 0 }
        var restored = 0
        for (mac, entry) in snapshot.entries where entries[mac] == nil {
            guard let record = entry.record, let updated = update(mac, record) else { continue }
            entries[mac] = Entry(record: updated, device: nil, customerID: entry.customerID, lineID: entry.lineID)
            restored += 1
        }
        return restored
    }

    mutating func setDevice(_ mac: MACAddress, _ file: RenderedFile) {
        entries[mac]?.device = file
    }

    mutating func insertCommon(_ model: String, _ file: RenderedFile, since tag: Tag) {
        if tag.epoch == epoch { common[model] = file }
    }

    mutating func apply(_ change: CacheChange) {
        switch change {
        case .everything:
            epoch += 1
            entries.removeAll()
            common.removeAll()
            droppedAt.removeAll()
        case let .customer(id):
            epoch += 1
            entries = entries.filter { $0.value.customerID != id }
        case let .line(id):
            epoch += 1
            entries = entries.filter { $0.value.lineID != id }
        case let .phone(mac):
            drops += 1
            entries[mac] = nil
            droppedAt[mac] = drops
            if droppedAt.count > 100_000 {
                // Too many to remember one by one: any read in flight is refused instead.
                droppedAt.removeAll()
                epoch += 1
            }
        }
    }
}
