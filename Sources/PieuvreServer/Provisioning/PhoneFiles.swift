import Foundation
import Logging
import NIOConcurrencyHelpers
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The phone-facing core, shared by HTTP and (later) TFTP: it routes a file name, applies the
/// window and credentials policy, renders or reuses files, and logs every request.
///
/// Rendered files and phone records are cached in memory: a phone's request is a lookup. A
/// change drops what it made stale (one phone, a line's, a customer's, or everything), at once
/// for this node's own changes and through the change feed for other nodes'.
public final class PhoneFiles: Sendable {
    let store: Store
    let platform: PlatformProfile
    let journal: ProvisioningJournal
    let digest: DigestAuthenticator
    let scanGuard: ScanGuard
    /// Tells a freshly provisioned phone its lamp (nil when SIP is off).
    let notifier: MessageWaitingNotifier?
    let cache = NIOLockedValueBox(ProvisioningCache<ProvisioningRecord>(maxEntries: PhoneFiles.maxEntries))
    private let logger: Logger
    /// Alerts are written off the request's path, tracked for a clean shutdown.
    let work: BackgroundWork?
    let metrics = PieuvreMetrics.shared
    /// First contacts, written in batches.
    private let issuer: CredentialIssuer

    /// What changes dropped, read again in bulk in the background.
    let refresh = CacheRefresh()

    /// A bound on cached records, so that requests for random MACs cannot grow memory forever.
    static let maxEntries = 500_000

    /// The CA certificates phones are told to trust (`pieuvre-ca.crt`), when the platform has them.
    let ca: PhoneCA?
    /// Uploaded firmware files, served over TFTP as `firmware/<filename>` (HTTP streams them).
    let firmwareDirectory: String?

    public init(store: Store, platform: PlatformProfile, journal: ProvisioningJournal, digestKey: String, scanPolicy: ScanGuard.Policy = .init(), notifier: MessageWaitingNotifier? = nil, work: BackgroundWork? = nil,
                ca: PhoneCA? = nil, firmwareDirectory: String? = nil, logger: Logger) {
        self.ca = ca
        self.firmwareDirectory = firmwareDirectory
        self.notifier = notifier
        self.work = work
        self.scanGuard = ScanGuard(policy: scanPolicy)
        self.store = store
        self.platform = platform
        self.journal = journal
        self.digest = DigestAuthenticator(key: digestKey)
        self.issuer = CredentialIssuer(store: store, cache: cache)
        self.logger = logger
        store.committed.add { [weak self] changes in self?.apply(changes) }
    }

    /// What to send back for one request.
    public enum Answer: Sendable, Equatable {
        case file(RenderedFile)
        case notFound
        case challenge(String)
        case forbidden(String)
        /// The source guessed too much (a MAC scan): 429 over HTTP, "try again later" over TFTP.
        case throttled
    }

    public struct Request: Sendable {
        public let fileName: String
        /// Path and query as received, for the digest `uri` check.
        public let path: String
        public let userAgent: String?
        public let authorization: String?
        public let sourceIP: String
        /// `http`, `https` or `tftp`, for the log.
        public let transport: String
        /// The MAC named by the phone's verified TLS client certificate (mutual TLS), if any.
        public let certifiedMAC: MACAddress?
        public init(fileName: String, path: String, userAgent: String?, authorization: String?, sourceIP: String, transport: String = "http", certifiedMAC: MACAddress? = nil) {
            self.transport = transport
            self.certifiedMAC = certifiedMAC
            self.fileName = fileName
            self.path = path
            self.userAgent = userAgent
            self.authorization = authorization
            self.sourceIP = sourceIP
        }
    }

    /// An answer now, from memory, or the rest of the work that needs the database. Everything
    /// already done (the log, a nonce count accepted) is not done again by `later`.
    public enum Reply: Sendable {
        case now(Answer)
        case later(@Sendable () async throws -> Answer)

        public func resolved() async throws -> Answer {
            switch self {
            case let .now(answer): answer
            case let .later(rest): try await rest()
            }
        }
    }

    public func answer(_ request: Request) async throws -> Answer {
        try await reply(request).resolved()
    }

    /// What `answer` gives, without suspending when memory holds what the request needs (a
    /// cached phone's file, the common file): the HTTP listener answers those on the
    /// connection's own thread (`PhoneFileLane`), and waits only for the rest.
    public func reply(_ request: Request) -> Reply {
        let now = store.clock.now
        if scanGuard.blockedUntil(request.sourceIP, now: now) != nil {
            return blocked(request, now: now)
        }
        return route(request, now: now)
    }

    /// A request from a source blocked as a scanner. The block stops guessers, not the phones
    /// behind the same address (a customer site behind one NAT, where a forged or a hostile
    /// page's requests got the address blocked): a registered phone presenting its valid
    /// credentials, or fetching from the address its window was first served to, goes through.
    /// A registered phone's refusals stay in its own log; the rest is folded per source.
    private func blocked(_ request: Request, now: Date) -> Reply {
        let path = ProvisioningPath(fileName: request.fileName)
        let agent = request.userAgent.flatMap(PhoneUserAgent.parsed)
        guard let mac = path?.mac ?? agent?.mac else {
            log(request, nil, .throttled, now: now)
            return .now(.throttled)
        }
        let isDevice = if case .device = path { true } else { false }
        return withRecord(mac) { known in
            if let known {
                if known.authenticatedIP == request.sourceIP {
                    return self.route(request, now: now)
                }
                if isDevice {
                    let presented = self.digest.check(header: request.authorization, method: "GET", path: request.path,
                                                      username: known.deviceUsername, password: known.devicePassword, now: now)
                    if presented == .valid { return self.route(request, now: now, presented: presented) }
                }
            }
            // In the log under the file's MAC (a User-Agent's alone says nothing of the file).
            self.log(request, path?.mac, .throttled, now: now, record: path?.mac == nil ? nil : known, device: isDevice ? .refused(.scanBlocked) : nil)
            return .now(.throttled)
        }
    }

    /// Everything after the scan guard. `presented`: the credentials already checked (a nonce's
    /// count is accepted once).
    private func route(_ request: Request, now: Date, presented: PresentedCredentials? = nil) -> Reply {
        let agent = request.userAgent.flatMap(PhoneUserAgent.parsed)
        guard let path = ProvisioningPath(fileName: request.fileName) else {
            log(request, nil, .notFound, now: now)
            return .now(.notFound)
        }
        // A phone asks for its own files: a request for MAC A from a phone saying it is MAC B
        // (by its User-Agent, or by its factory certificate, which cannot be typed) is refused.
        if let asked = path.mac {
            if let claimed = agent?.mac, claimed != asked {
                return refuseOtherPhone(request, asked: asked, claimed: claimed, by: "userAgentMAC", now: now,
                                        "the file asked for belongs to another phone than the one asking\n")
            }
            if let certified = request.certifiedMAC, certified != asked {
                return refuseOtherPhone(request, asked: asked, claimed: certified, by: "certificateMAC", now: now,
                                        "the client certificate belongs to another phone than the file asked for\n")
            }
        }
        switch path {
        case let .trustedCertificates(index):
            // Public: certificates, no secret; any phone may fetch them before it trusts us, over
            // plain HTTP or TFTP.
            guard let file = ca?.file(index) else {
                log(request, nil, .notFound, now: now)
                return .now(.notFound)
            }
            guard let mac = agent?.mac else {
                log(request, nil, .served, now: now)
                return .now(.file(file))
            }
            // A phone naming its MAC: in its own log, and noted once (the same answer for any
            // MAC, known or not, like the boot file: a reader learns nothing of the fleet).
            return withRecord(mac) { record in
                self.log(request, record == nil ? nil : mac, .served, now: now, record: record)
                if let record, record.caFetchedAt == nil { self.noteCAFetch(mac, request) }
                return .now(.file(file))
            }
        case let .firmwareSettings(filename):
            // Public like the firmware itself: where a snom fetches the file it was pinned to.
            return .later {
                guard self.firmwareDirectory != nil, try await self.store.firmware(filename: filename) != nil else {
                    self.log(request, nil, .notFound, now: now)
                    return .notFound
                }
                self.log(request, nil, .served, now: now)
                return .file(SnomRenderer.firmwareSettings(url: "\(self.platform.provisioningURL)firmware/\(filename)"))
            }
        case .yealinkMACBoot, .notProvided:
            log(request, path.mac, .notFound, now: now)
            return .now(.notFound)
        case let .common(model):
            log(request, nil, .served, now: now)
            if let cached = cache.withLockedValue({ $0.common[model.id] }) { return .now(.file(readable(cached, by: model, agent))) }
            return .later { .file(self.readable(try await self.commonFile(model), by: model, agent)) }
        case .yealinkBoot:
            // The boot file is rendered for the asking phone from its User-Agent alone, whether
            // or not its MAC is registered (it tells nothing a scanner could use); without a
            // usable User-Agent the phone falls back to the common file and then its MAC file.
            guard let mac = agent?.mac, let model = agent?.model, model.vendor == .yealink else {
                log(request, agent?.mac, .notFound, now: now)
                return .now(.notFound)
            }
            return withRecord(mac) { record in
                self.log(request, mac, .served, now: now, record: record)
                return .now(.file(YealinkRenderer.boot(model: model, mac: mac)))
            }
        case let .device(mac):
            return withEntry(mac) { record, rendered in self.deviceFile(mac, record, rendered, request, agent, now: now, presented: presented) }
        }
    }

    /// Goes on with a phone's record: at once when it is cached (or cached as no phone), after
    /// the database's answer otherwise.
    private func withRecord(_ mac: MACAddress, _ then: @escaping @Sendable (ProvisioningRecord?) -> Reply) -> Reply {
        withEntry(mac) { record, _ in then(record) }
    }

    /// The same, with the phone's rendered device file when the cache holds it (one lookup).
    private func withEntry(_ mac: MACAddress, _ then: @escaping @Sendable (ProvisioningRecord?, RenderedFile?) -> Reply) -> Reply {
        if let entry = cache.withLockedValue({ $0.entry(mac) }) {
            metrics.cacheHits.increment()
            return then(entry.record, entry.device)
        }
        return .later { try await then(try await self.record(mac), nil).resolved() }
    }

    /// One guess of a source (an unknown MAC, a mismatch, wrong credentials); the guess that
    /// crosses the threshold raises an alert.
    func guess(_ request: Request, mac: MACAddress?, now: Date, record: ProvisioningRecord? = nil) {
        guard scanGuard.recordGuess(request.sourceIP, now: now) else { return }
        logger.warning("MAC scan: source blocked", metadata: ["ip": "\(request.sourceIP)", "transport": "\(request.transport)"])
        alert(.macScan, request, mac: mac, record: record, detail: "more than \(scanGuard.policy.threshold) guesses within \(Int(scanGuard.policy.window)) s over \(request.transport); blocked for \(Int(scanGuard.policy.cooldown)) s")
    }

    func alert(_ kind: AlertKind, _ request: Request, mac: MACAddress?, record: ProvisioningRecord?, detail: String) {
        let store = self.store
        let logger = self.logger
        let alert = NewAlert(kind: kind, sourceIP: request.sourceIP, mac: mac?.description, customerID: record?.customerID, detail: detail)
        let write: @Sendable () async -> Void = {
            do { try await store.recordAlert(alert) } catch { logger.error("could not record an alert", metadata: ["kind": "\(kind.rawValue)"]) }
        }
        if let work { work.spawn(write) } else { Task { await write() } }
    }

    private func deviceFile(_ mac: MACAddress, _ record: ProvisioningRecord?, _ rendered: RenderedFile?, _ request: Request, _ agent: PhoneUserAgent?, now: Date,
                            presented checked: PresentedCredentials? = nil) -> Reply {
        guard let record else {
            // Exactly what a registered phone whose window is closed gets: a scanner learns nothing.
            log(request, mac, .notFound, now: now)
            guess(request, mac: mac, now: now)
            return .now(.challenge(digest.challenge(now: now, stale: false)))
        }
        let presented = checked ?? digest.check(header: request.authorization, method: "GET", path: request.path, username: record.deviceUsername, password: record.devicePassword, now: now)
        if presented == .invalid { guess(request, mac: mac, now: now, record: record) }
        // Over HTTP(S) the window serves only the vendor's own User-Agent naming this MAC (a
        // browser or a script that knows the MAC gets the challenge); TFTP carries no User-Agent.
        let phoneAsking = request.transport == "tftp" || (agent?.mac == mac && agent?.vendor == record.model.vendor)
        let until = phoneAsking ? record.authenticateUntil : nil
        switch ProvisioningPolicy.decide(now: now, authenticateUntil: until, windowOpenedAt: record.windowOpenedAt, credentialsIssuedAt: record.credentialsIssuedAt, presented: presented) {
        case let .challenge(reason, stale):
            // Another vendor's phone asking with this MAC is refused the window: a MAC typed on
            // the wrong row, not a reset phone.
            let otherVendor = request.transport != "tftp" && agent?.mac == mac && agent?.vendor != record.model.vendor
            log(request, mac, reason, now: now, record: record, device: .refused(otherVendor ? .modelMismatch : PhoneRefusal(reason) ?? .badCredentials))
            return .now(.challenge(digest.challenge(now: now, stale: stale)))
        case let .serve(issueCredentials):
            if issueCredentials {
                if !record.allowedNetworks.isEmpty, !record.allowedNetworks.contains(where: { $0.contains(request.sourceIP) }) {
                    log(request, mac, .outsideNetworks, now: now, record: record, device: .refused(.network))
                    alert(.outsideNetworks, request, mac: mac, record: record, detail: "first fetch of the window from \(request.sourceIP), outside the customer's networks; refused")
                    return .now(.challenge(digest.challenge(now: now, stale: false)))
                }
                if let model = agent?.model, model.id != record.model.id {
                    alert(.modelMismatch, request, mac: mac, record: record, detail: "first fetch of the window by a \(model.displayName) User-Agent; registered as \(record.model.displayName)")
                }
                // One set per window: a fetch that lost the race serves the winner's set. The
                // commit dropped this phone's cached record on every node; this answer uses the
                // record read above with the credentials the phone holds now (no second read on
                // the request's path), and its rendered file is not cached (a change may have
                // come in between).
                return .later {
                    guard let issued = try await self.issuer.issue(CredentialsIssue(phoneID: record.phoneID, mac: mac, ip: request.sourceIP, userAgent: request.userAgent, firmware: agent?.firmware, detectedModel: agent?.model?.id, silentAfter: record.silentAfter(now))) else {
                        return .notFound
                    }
                    // The issuer put the phone's cached record back with these credentials (no
                    // second read), so its next fetch is a hit and a rollout leaves the fleet cached.
                    let record = record.with(issued)
                    // A freshly booted phone learns its lamp's state at once.
                    if let number = record.line?.sda { self.notifier?.numbersChanged([number]) }
                    // The issuance wrote this sighting with the credentials (one write a phone in a
                    // rollout); a fetch that lost the race still records its own.
                    self.log(request, mac, .served, now: now, record: record, agent: agent, sighted: issued.drawnNow, device: .served)
                    return .file(self.readable(self.withFirmware(Renderer.device(self.profile(record)), record, agent), by: record.model, agent))
                }
            } else if presented != .valid, let first = record.authenticatedIP, first != request.sourceIP {
                alert(.twoAddresses, request, mac: mac, record: record, detail: "fetched inside its window from \(request.sourceIP) after \(first)")
            }
            log(request, mac, .served, now: now, record: record, agent: agent, device: .served)
            return .now(.file(readable(withFirmware(rendered ?? device(record), record, agent), by: record.model, agent)))
        }
    }

    /// A registered phone (by its User-Agent's MAC) fetched the CA: its device file may now
    /// switch the server check on. Written off the request's path, once a phone (its record
    /// then says so); the Store checks the request came from where the phone was seen.
    private func noteCAFetch(_ mac: MACAddress, _ request: Request) {
        let store = self.store, logger = self.logger, ip = request.sourceIP
        let write: @Sendable () async -> Void = {
            do { try await store.recordCAFetch(mac: mac, ip: ip) } catch { logger.error("could not note a CA fetch", metadata: ["mac": "\(mac)"]) }
        }
        if let work { work.spawn(write) } else { Task { await write() } }
    }

    /// A request for another phone's file: in the asked phone's own log (its administrator sees
    /// who tried), counted as a guess, and refused.
    private func refuseOtherPhone(_ request: Request, asked: MACAddress, claimed: MACAddress, by source: String, now: Date, _ message: String) -> Reply {
        withRecord(asked) { record in
            self.log(request, asked, .macMismatch, now: now, record: record)
            self.guess(request, mac: asked, now: now, record: record)
            self.logger.warning("MAC mismatch on a phone file", metadata: ["file": "\(request.fileName)", "\(source)": "\(claimed)", "ip": "\(request.sourceIP)"])
            return .now(.forbidden(message))
        }
    }

    /// A file as the asking phone's firmware reads it: Yealink before V81 wants its names
    /// without `static.` (files are rendered and cached with V81 names, adapted on the way out).
    private func readable(_ file: RenderedFile, by model: PhoneModel, _ agent: PhoneUserAgent?) -> RenderedFile {
        model.vendor == .yealink ? YealinkFirmware(agent: agent).adapt(file) : file
    }

    /// The device file with the pinned firmware's URL when the phone reports another version
    /// (or none: TFTP), so it upgrades; a phone on its version is not told to fetch it again.
    /// Yealink: `static.firmware.url` (ref §2.8); snom: `firmware_status`, the URL of a
    /// `<firmware-settings>` naming the file (ref §4.3), read under `update_policy` auto_update.
    private func withFirmware(_ file: RenderedFile, _ record: ProvisioningRecord, _ agent: PhoneUserAgent?) -> RenderedFile {
        guard let pinned = record.pinnedFirmware, let filename = pinned.filename, agent?.firmware != pinned.version else { return file }
        switch record.model.vendor {
        case .yealink:
            return RenderedFile(bytes: file.bytes + Array("static.firmware.url = \(platform.provisioningURL)firmware/\(filename)\n".utf8), contentType: file.contentType)
        case .snom:
            // Inserted before the phone settings close (the cached file is the same for every
            // firmware; this line depends on the one asking).
            let closing = Array("  </phone-settings>\n".utf8)
            guard let at = file.bytes.firstRange(of: closing)?.lowerBound else { return file }
            let line = Array("    <firmware_status perm=\"R\">\(Markup.escape("\(platform.provisioningURL)firmware-\(filename).xml"))</firmware_status>\n".utf8)
            return RenderedFile(bytes: Array(file.bytes[..<at]) + line + Array(file.bytes[at...]), contentType: file.contentType)
        }
    }

    /// Where a firmware file asked for over TFTP (`firmware/<filename>`) lies on disk, for the
    /// transfer to read block by block; nil when there is none (or the source is blocked as a
    /// scanner: `throttled`). Logged like any phone file.
    public enum FirmwareLookup: Sendable, Equatable {
        case file(path: String)
        case notFound
        case throttled
    }

    public func firmwareFile(_ request: Request) async throws -> FirmwareLookup {
        let now = store.clock.now
        if scanGuard.blockedUntil(request.sourceIP, now: now) != nil {
            log(request, nil, .throttled, now: now)
            return .throttled
        }
        let name = String(request.fileName.dropFirst("firmware/".count))
        guard let firmwareDirectory, !name.isEmpty, !name.contains("/"), let view = try await store.firmware(filename: name) else {
            log(request, nil, .notFound, now: now)
            return .notFound
        }
        log(request, nil, .served, now: now)
        return .file(path: (firmwareDirectory as NSString).appendingPathComponent(view.filename))
    }

    // MARK: cache

    /// Reads every phone's record into the cache a page at a time, off the requests' path: after
    /// a restart the fleet's next boot (or a storm) finds its records in memory instead of
    /// costing three queries a phone. Each page is tagged like any read, so a change racing it
    /// keeps what it dropped out. Stops at four fifths of the cache's bound. Answers the count.
    @discardableResult
    func warmUp(pageSize: Int = 1_000) async throws -> Int {
        try await load(.all, pageSize: pageSize)
    }

    /// Pages through the selected phones and caches those not cached (see `warmUp`).
    func load(_ selection: Store.RecordSelection, pageSize: Int = 1_000) async throws -> Int {
        var after: MACAddress?
        var loaded = 0
        while !Task.isCancelled, loaded < Self.maxEntries * 4 / 5 {
            let tag = cache.withLockedValue { $0.tag() }
            let page = try await store.provisioningRecords(selection, after: after, limit: pageSize)
            guard let last = page.last else { break }
            insert(page, since: tag)
            loaded += page.count
            after = last.mac
        }
        return loaded
    }

    func insert(_ records: [ProvisioningRecord], since tag: ProvisioningCache<ProvisioningRecord>.Tag) {
        cache.withLockedValue { cache in
            for record in records { cache.insert(record.mac, record, customerID: record.customerID, lineID: record.line?.id, since: tag) }
        }
    }

    /// Whether a phone's record is in this node's cache (for tests and diagnostics).
    func isCached(_ mac: MACAddress) -> Bool { cache.withLockedValue { $0.entry(mac) != nil } }

    /// Drops one phone's cached record and files.
    func forget(_ mac: MACAddress) { apply([.phone(mac)]) }

    /// Drops what changes made stale (this node's, at once; other nodes', from the feed).
    func apply(_ changes: some Sequence<CacheChange>) {
        let changes = Array(changes)
        cache.withLockedValue { cache in
            for change in changes { cache.apply(change) }
        }
        metrics.cacheDrops.increment(by: changes.count)
        refresh.note(changes, files: self)
    }

    func record(_ mac: MACAddress) async throws -> ProvisioningRecord? {
        let (cached, tag) = cache.withLockedValue { ($0.entry(mac), $0.tag()) }
        if let cached {
            metrics.cacheHits.increment()
            return cached.record
        }
        metrics.cacheMisses.increment()
        // The read's time includes waiting for a pooled connection: a database that cannot
        // keep up shows here first.
        let started = ContinuousClock.now
        let record = try await store.provisioningRecord(mac: mac)
        metrics.recordReads.recordNanoseconds(Int64((ContinuousClock.now - started) / .nanoseconds(1)))
        _ = cache.withLockedValue { $0.insert(mac, record, customerID: record?.customerID, lineID: record?.line?.id, since: tag) }
        return record
    }

    private func device(_ record: ProvisioningRecord) -> RenderedFile {
        if let file = cache.withLockedValue({ $0.entry(record.mac)?.device }) { return file }
        let file = Renderer.device(profile(record))
        cache.withLockedValue { $0.setDevice(record.mac, file) }
        return file
    }

    private func commonFile(_ model: PhoneModel) async throws -> RenderedFile {
        let (cached, tag) = cache.withLockedValue { ($0.common[model.id], $0.tag()) }
        if let cached { return cached }
        let layer = try await store.platformLayer()
        let settings = EffectiveSettings.compute([layer], model: model.traits).mapValues(\.value)
        let file = Renderer.common(model: model, platform: platform, settings: settings)
        cache.withLockedValue { $0.insertCommon(model.id, file, since: tag) }
        return file
    }

    func profile(_ record: ProvisioningRecord) -> DeviceProfile {
        let settings = EffectiveSettings.compute(record.layers, model: record.model.traits).mapValues(\.value)
        let account = record.line.map {
            SIPAccount(number: $0.sda, authName: $0.sipAuthName, password: $0.sipPassword, displayName: $0.name, label: $0.sda)
        }
        return DeviceProfile(
            model: record.model, mac: record.mac, account: account, platform: platform,
            deviceUsername: record.deviceUsername ?? "", devicePassword: record.devicePassword ?? "",
            webAdminPassword: record.webAdminPassword, settings: settings, phonebooks: phonebooks(record, settings), hasPlatformCA: record.caFetchedAt != nil)
    }

    /// The "Extensions" and "Contacts" books of a phone on a line, opened with the phone's own
    /// device credentials (or, when the seed's CommPortal Web Access fields are filled, with
    /// those), never a shared secret.
    func phonebooks(_ record: ProvisioningRecord, _ settings: [String: String]) -> [RemotePhonebook] {
        guard record.model.remotePhonebook, record.line != nil, settings["directory.network.enabled"] ?? "1" == "1" else { return [] }
        var username = record.deviceUsername ?? ""
        var password = record.devicePassword ?? ""
        if let user = settings["directory.commPortal.username"], !user.isEmpty,
           let secret = settings["directory.commPortal.password"], !secret.isEmpty {
            username = user
            password = secret
        }
        guard !username.isEmpty, !password.isEmpty else { return [] }
        return [(RemotePhonebook.extensions, "extensions.xml"), (RemotePhonebook.contacts, "contacts.xml")].map { name, file in
            RemotePhonebook(name: name, url: RemotePhonebook.url(provisioningURL: platform.provisioningURL, mac: record.mac, file: file, username: username, password: password))
        }
    }

    /// `device`: what this request tells of the phone's state (its device file served or
    /// refused); `sighted`: the issuance already wrote this request's sighting.
    func log(_ request: Request, _ mac: MACAddress?, _ outcome: ProvisioningOutcome, now: Date, record: ProvisioningRecord? = nil, agent: PhoneUserAgent? = nil, sighted: Bool = false, device: DeviceFileOutcome? = nil) {
        metrics.phoneFile(outcome, transport: request.transport)
        journal.record(
            ProvisioningLogEntry(at: now, mac: mac, file: request.fileName, sourceIP: request.sourceIP, userAgent: request.userAgent, outcome: outcome, transport: request.transport, phoneID: record?.phoneID, customerID: record?.customerID),
            sighting: sighted ? nil : record.map {
                PhoneSighting(phoneID: $0.phoneID, at: now, ip: request.sourceIP, userAgent: request.userAgent, firmware: agent?.firmware, detectedModel: agent?.model?.id,
                              silentAfter: $0.silentAfter(now), device: device)
            })
    }
}
