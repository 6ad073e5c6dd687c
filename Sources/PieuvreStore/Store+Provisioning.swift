import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore
import SQLKit

/// Everything the phone-facing side needs to answer one phone, read in one go.
public struct ProvisioningRecord: Sendable {
    public struct LineAccount: Sendable {
        public let id: UUID
        public let sda: String
        public let name: String
        public let sipAuthName: String
        public let sipPassword: String
    }

    public let phoneID: UUID
    public let customerID: UUID
    public let mac: MACAddress
    public let model: PhoneModel
    public let authenticateUntil: Date?
    public let windowOpenedAt: Date?
    public let credentialsIssuedAt: Date?
    public let deviceUsername: String?
    public let devicePassword: String?
    public let webAdminPassword: String
    /// Where the first fetch of the current window came from.
    public let authenticatedIP: String?
    /// The customer's allowed networks for a window's first fetch (empty: anywhere).
    public let allowedNetworks: [CIDR]
    public let line: LineAccount?
    /// platform → reseller → customer → departments (widest first) → line → phone.
    public let layers: [SettingsLayer]
    /// The firmware version pinned for this phone (`firmware.version` on any layer) and its
    /// uploaded file for the model, if there is one.
    public let pinnedFirmware: PinnedFirmware?
    /// Its effective `provisioning.repeatMinutes`, read once with the record: each of its
    /// requests says when it falls silent without walking the layers again.
    public let repeatMinutes: Int
    /// When it fetched the platform's CA (nil: never seen to): its device file switches the
    /// server check on only after.
    public var caFetchedAt: Date? = nil
}

public struct PinnedFirmware: Sendable, Equatable {
    public let version: String
    public let filename: String?
}

extension ProvisioningRecord {
    private static let repeatMinutesSetting = SettingsCatalogue.definition("provisioning.repeatMinutes")!

    /// The repeat interval the layers give (one setting through them, not the catalogue).
    static func repeatMinutes(in layers: [SettingsLayer]) -> Int {
        Int(EffectiveSettings.setting(repeatMinutesSetting, in: layers).value) ?? 1440
    }

    /// When this phone counts as silent if nothing more comes from it after `now`.
    public func silentAfter(_ now: Date) -> Date {
        PhoneState.silentAfter(lastRequest: now, repeatMinutes: repeatMinutes)
    }

    /// This record with the credentials the phone holds now (after an issuance), without
    /// reading the rest again.
    public func with(_ issued: IssuedCredentials) -> ProvisioningRecord {
        ProvisioningRecord(phoneID: phoneID, customerID: customerID, mac: mac, model: model, authenticateUntil: authenticateUntil, windowOpenedAt: windowOpenedAt,
                           credentialsIssuedAt: issued.issuedAt, deviceUsername: issued.username, devicePassword: issued.password, webAdminPassword: webAdminPassword,
                           authenticatedIP: issued.authenticatedIP, allowedNetworks: allowedNetworks, line: line, layers: layers, pinnedFirmware: pinnedFirmware, repeatMinutes: repeatMinutes,
                           caFetchedAt: caFetchedAt)
    }
}

/// One phone's first contact of a window: who asks, from where.
public struct CredentialsIssue: Sendable {
    public let phoneID: UUID
    public let mac: MACAddress
    public let ip: String
    public let userAgent: String?
    public let firmware: String?
    /// The model its User-Agent names, recorded as a sighting would.
    public let detectedModel: String?
    /// When it falls silent without another request (`ProvisioningRecord.silentAfter`).
    public let silentAfter: Date?

    public init(phoneID: UUID, mac: MACAddress, ip: String, userAgent: String?, firmware: String?, detectedModel: String? = nil, silentAfter: Date? = nil) {
        self.detectedModel = detectedModel
        self.silentAfter = silentAfter
        self.phoneID = phoneID
        self.mac = mac
        self.ip = ip
        self.userAgent = userAgent
        self.firmware = firmware
    }
}

/// The device credentials a phone holds after an issuance (in clear: for its file).
public struct IssuedCredentials: Sendable, Equatable {
    public let username: String?
    public let password: String?
    public let issuedAt: Date?
    public let authenticatedIP: String?
    /// Whether this issuance drew them (false: another request of the window did).
    public let drawnNow: Bool
}

/// A phone-facing request, as the provisioning log keeps it.
public struct ProvisioningLogEntry: Sendable, Codable, Equatable {
    /// Stored file names and User-Agents stop here: a request cannot grow the log by much.
    public static let maxText = 256

    public let at: Date
    public let mac: String?
    public let file: String
    public let sourceIP: String
    public let userAgent: String?
    public let outcome: ProvisioningOutcome
    /// `http`, `https`, `tftp` (and `sip` later).
    public let transport: String
    /// How many requests this row stands for (requests for unknown MACs are folded per source
    /// and minute).
    public var count: Int
    public var phoneID: UUID?
    public var customerID: UUID?

    public init(at: Date, mac: MACAddress?, file: String, sourceIP: String, userAgent: String?, outcome: ProvisioningOutcome, transport: String = "http", count: Int = 1, phoneID: UUID? = nil, customerID: UUID? = nil) {
        self.at = at
        self.mac = mac?.description
        self.file = Self.truncated(file)
        self.sourceIP = Self.truncated(sourceIP)
        self.userAgent = userAgent.map(Self.truncated)
        self.outcome = outcome
        self.transport = transport
        self.count = count
        self.phoneID = phoneID
        self.customerID = customerID
    }

    /// At most `maxText` bytes of UTF-8, cut on a character boundary.
    static func truncated(_ text: String) -> String {
        guard text.utf8.count > maxText else { return text }
        var out = ""
        var bytes = 0
        for character in text {
            bytes += character.utf8.count
            if bytes > maxText { break }
            out.append(character)
        }
        return out
    }

    enum CodingKeys: String, CodingKey { case at, mac, file, sourceIP, userAgent, outcome, transport, count }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(at, forKey: .at)
        try c.encode(mac, forKey: .mac)
        try c.encode(file, forKey: .file)
        try c.encode(sourceIP, forKey: .sourceIP)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(transport, forKey: .transport)
        try c.encode(count, forKey: .count)
    }
}

/// The last time a phone was seen, folded per phone before it is written.
public struct PhoneSighting: Sendable {
    public let phoneID: UUID
    public let at: Date
    public let ip: String
    public let userAgent: String?
    public let firmware: String?
    public let detectedModel: String?
    /// When it falls silent without another request.
    public let silentAfter: Date?
    /// What became of its latest request for its device file, and when (nil: this request was
    /// for another file, and says nothing of its state).
    public var device: DeviceFileOutcome?
    public var deviceAt: Date?

    public init(phoneID: UUID, at: Date, ip: String, userAgent: String?, firmware: String?, detectedModel: String?, silentAfter: Date? = nil, device: DeviceFileOutcome? = nil) {
        self.silentAfter = silentAfter
        self.device = device
        self.deviceAt = device == nil ? nil : at
        self.phoneID = phoneID
        self.at = at
        self.ip = ip
        self.userAgent = userAgent
        self.firmware = firmware
        self.detectedModel = detectedModel
    }
}

/// A device-file request's end, as a phone's state keeps it.
public enum DeviceFileOutcome: Sendable, Equatable {
    case served
    case refused(PhoneRefusal)
}

extension PhoneSighting {
    /// The later of two sightings of one phone in a batch, keeping the earlier one's device-file
    /// outcome when the later request was for another file (a phonebook fetched after a refused
    /// device file must not erase the refusal).
    public func merged(after earlier: PhoneSighting) -> PhoneSighting {
        guard device == nil, earlier.device != nil else { return self }
        var merged = self
        merged.device = earlier.device
        merged.deviceAt = earlier.deviceAt
        return merged
    }
}

extension Store {
    static let platformOwner = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    public func provisioningRecord(mac: MACAddress) async throws -> ProvisioningRecord? {
        try await provisioningRecords(where: "p.mac = \(bind: mac.hex)").first
    }

    /// Every phone's record a page at a time, in MAC order after `after` (nil: from the first):
    /// what a node warms its cache with at start, so a fleet rebooting after a restart finds
    /// its records in memory. Three to four queries a page, whatever its size.
    public func provisioningRecords(_ selection: RecordSelection = .all, after: MACAddress?, limit: Int) async throws -> [ProvisioningRecord] {
        let page: SQLQueryString = "p.mac > \(bind: after?.hex ?? "") ORDER BY p.mac LIMIT \(unsafeRaw: String(max(1, limit)))"
        switch selection {
        case .all: return try await provisioningRecords(where: page)
        case let .customer(id): return try await provisioningRecords(where: "p.customer_id = \(bind: id) AND " + page)
        case let .line(id): return try await provisioningRecords(where: "p.line_id = \(bind: id) AND " + page)
        }
    }

    /// These phones' records (a batch of phones a change dropped, read again together).
    public func provisioningRecords(macs: [MACAddress]) async throws -> [ProvisioningRecord] {
        guard !macs.isEmpty else { return [] }
        var records: [ProvisioningRecord] = []
        for chunk in macs.chunked(into: 500) {
            let list = SQLList(chunk.map { SQLBind($0.hex) })
            records += try await provisioningRecords(where: "p.mac IN (\(list))")
        }
        return records
    }

    /// The records of the phones a condition selects: the phones, their customers and lines in
    /// one query, then the departments, the settings layers of every owner involved in one
    /// query, and the uploaded firmware when a record pins a version. A layer shared by many
    /// phones (a customer's) is built once and shared.
    private func provisioningRecords(where condition: SQLQueryString) async throws -> [ProvisioningRecord] {
        let db = try self.db
        let sql = db as! any SQLDatabase
        let query: SQLQueryString = """
            SELECT p.id, p.mac, p.model, p.customer_id, p.department_id, p.authenticate_until, p.window_opened_at, p.credentials_issued_at,
                   p.device_username, p.device_password, p.web_admin_password, p.authenticated_ip, p.ca_fetched_at,
                   c.reseller_id, c.allowed_networks,
                   l.id AS line_id, l.sda AS line_sda, l.name AS line_name, l.sip_auth_name AS line_auth, l.sip_password AS line_password, l.department_id AS line_department_id
            FROM phones p JOIN customers c ON c.id = p.customer_id LEFT JOIN lines l ON l.id = p.line_id
            WHERE
            """
        let rows = try await sql.raw(query + " " + condition).all()
        guard !rows.isEmpty else { return [] }

        struct Read {
            let row: any SQLRow
            let phoneID: UUID
            let customerID: UUID
            let model: PhoneModel
            let mac: MACAddress
            let line: ProvisioningRecord.LineAccount?
            let owners: [(LayerScope, UUID, String)]
        }
        var paths: [UUID: [(id: UUID, name: String)]] = [:]
        var reads: [Read] = []
        for row in rows {
            guard let model = Catalogue.model(id: try row.decode(column: "model", as: String.self)),
                  let mac = try? MACAddress(parsing: try row.decode(column: "mac", as: String.self)) else { continue }
            var line: ProvisioningRecord.LineAccount?
            if let lineID = try row.decode(column: "line_id", as: UUID?.self) {
                line = .init(id: lineID, sda: try row.decode(column: "line_sda", as: String.self), name: try row.decode(column: "line_name", as: String.self),
                             sipAuthName: try row.decode(column: "line_auth", as: String.self), sipPassword: try secrets.open(try row.decode(column: "line_password", as: String.self)))
            }
            let phoneID = try row.decode(column: "id", as: UUID.self), customerID = try row.decode(column: "customer_id", as: UUID.self)
            let departmentID = try row.decode(column: "department_id", as: UUID?.self) ?? row.decode(column: "line_department_id", as: UUID?.self)
            var owners: [(LayerScope, UUID, String)] = [(.platform, Self.platformOwner, ""), (.reseller, try row.decode(column: "reseller_id", as: UUID.self), ""),
                                                        (.customer, customerID, "")]
            if let departmentID {
                if paths[departmentID] == nil { paths[departmentID] = try await departmentPath(departmentID, on: sql) }
                owners += paths[departmentID]!.map { (.department, $0.id, $0.name) }
            }
            if let line { owners.append((.line, line.id, line.sda)) }
            owners.append((.phone, phoneID, mac.description))
            reads.append(Read(row: row, phoneID: phoneID, customerID: customerID, model: model, mac: mac, line: line, owners: owners))
        }
        let layers = try await layerTable(Set(reads.flatMap { $0.owners.map(\.1) }), on: db)
        var firmware: [String: String]?
        var records: [ProvisioningRecord] = []
        records.reserveCapacity(reads.count)
        for read in reads {
            let row = read.row
            let chain = Self.chain(read.owners, from: layers)
            var pinned: PinnedFirmware?
            // One key through the layers, not the whole catalogue (the renderer merges the rest).
            if let definition = SettingsCatalogue.definition("firmware.version"), case let version = EffectiveSettings.setting(definition, in: chain).value, !version.isEmpty {
                if firmware == nil { firmware = try await firmwareFiles(on: sql) }
                pinned = PinnedFirmware(version: version, filename: firmware?["\(read.model.id) \(version)"])
            }
            records.append(ProvisioningRecord(
                phoneID: read.phoneID, customerID: read.customerID, mac: read.mac, model: read.model,
                authenticateUntil: try row.decode(column: "authenticate_until", as: Date?.self), windowOpenedAt: try row.decode(column: "window_opened_at", as: Date?.self),
                credentialsIssuedAt: try row.decode(column: "credentials_issued_at", as: Date?.self), deviceUsername: try row.decode(column: "device_username", as: String?.self),
                devicePassword: try row.decode(column: "device_password", as: String?.self).map(secrets.open),
                webAdminPassword: try row.decode(column: "web_admin_password", as: String?.self).map(secrets.open) ?? "",
                authenticatedIP: try row.decode(column: "authenticated_ip", as: String?.self),
                allowedNetworks: Self.networks(try row.decode(column: "allowed_networks", as: String?.self)),
                line: read.line,
                layers: chain,
                pinnedFirmware: pinned,
                repeatMinutes: ProvisioningRecord.repeatMinutes(in: chain),
                caFetchedAt: try row.decode(column: "ca_fetched_at", as: Date?.self)))
        }
        return records
    }

    /// The order in which transactions that update several phones take their rows' locks.
    static func lockOrder(_ a: UUID, _ b: UUID) -> Bool {
        withUnsafeBytes(of: a.uuid) { x in withUnsafeBytes(of: b.uuid) { y in x.lexicographicallyPrecedes(y) } }
    }

    /// Which phones a paged read goes through.
    public enum RecordSelection: Sendable, Hashable {
        case all
        case customer(UUID)
        case line(UUID)
    }

    struct Owner: Hashable {
        let scope: LayerScope
        let id: UUID
    }

    /// The settings layers of these owners, in one query (chunked under the databases' bind
    /// limits), each built once.
    func layerTable(_ owners: Set<UUID>, on db: any Database) async throws -> [Owner: SettingsLayer] {
        var table: [Owner: SettingsLayer] = [:]
        for chunk in Array(owners).chunked(into: 5_000) {
            // Plain SQL: Fluent's model reflection cost more than the read on every cache miss.
            let rows = try await (db as! any SQLDatabase).select().columns("scope", "owner_id", "key", "value", "locked")
                .from(SettingValue.schema).where("owner_id", .in, SQLGroupExpression(SQLList(chunk.map { SQLBind($0) }))).all()
            for row in rows {
                guard let scope = LayerScope(rawValue: try row.decode(column: "scope", as: String.self)) else { continue }
                let owner = Owner(scope: scope, id: try row.decode(column: "owner_id", as: UUID.self))
                let key = try row.decode(column: "key", as: String.self)
                var layer = table[owner] ?? SettingsLayer(scope: scope)
                if let value = try row.decode(column: "value", as: String?.self) { layer.values[key] = (try? secrets.open(value)) ?? "" }
                if try row.decode(column: "locked", as: Bool.self) { layer.locked.insert(key) }
                table[owner] = layer
            }
        }
        return table
    }

    /// The layers of a chain of owners, widest first, from a table read by `layerTable`. A
    /// layer's values are shared by every chain it is in (copy on write): a customer's settings
    /// are held once for all its phones.
    static func chain(_ owners: [(LayerScope, UUID, String)], from table: [Owner: SettingsLayer]) -> [SettingsLayer] {
        owners.map { scope, owner, name in
            let layer = table[Owner(scope: scope, id: owner)]
            return SettingsLayer(scope: scope, name: name, values: layer?.values ?? [:], locked: layer?.locked ?? [])
        }
    }

    /// Uploaded firmware by "family version" (a handful of rows).
    func firmwareFiles(on sql: any SQLDatabase) async throws -> [String: String] {
        var files: [String: String] = [:]
        for row in try await sql.select().columns("family", "version", "filename").from("firmware").all() {
            files["\(try row.decode(column: "family", as: String.self)) \(try row.decode(column: "version", as: String.self))"] = try row.decode(column: "filename", as: String.self)
        }
        return files
    }

    /// A department and its parents, widest first, in one recursive query (none: no query).
    func departmentPath(_ id: UUID?, on sql: any SQLDatabase) async throws -> [(id: UUID, name: String)] {
        guard let id else { return [] }
        let rows = try await sql.raw("""
            WITH RECURSIVE chain(id, name, parent_id, depth) AS (
                SELECT id, name, parent_id, 0 FROM departments WHERE id = \(bind: id)
                UNION ALL
                SELECT d.id, d.name, d.parent_id, chain.depth + 1 FROM departments d JOIN chain ON d.id = chain.parent_id WHERE chain.depth < 32)
            SELECT id, name FROM chain ORDER BY depth DESC
            """).all()
        return try rows.map { (try $0.decode(column: "id", as: UUID.self), try $0.decode(column: "name", as: String.self)) }
    }

    /// The platform layer alone: what common files are made of.
    public func platformLayer() async throws -> SettingsLayer {
        try await layers([(.platform, Self.platformOwner, "")], on: db)[0]
    }

    /// Draws fresh device credentials (revoking the earlier ones) and records the phone's
    /// first contact in this window, unless this window's set was drawn already: a phone that
    /// opens several connections at boot, or fetches through two nodes, gets one set per window
    /// whatever the interleaving (one conditional UPDATE decides, on both databases). Answers
    /// whether this call drew them.
    @discardableResult
    public func issueDeviceCredentials(phoneID: UUID, mac: MACAddress, ip: String, userAgent: String?, firmware: String?) async throws -> Bool {
        let issued = try await issueDeviceCredentials([CredentialsIssue(phoneID: phoneID, mac: mac, ip: ip, userAgent: userAgent, firmware: firmware)])
        return issued[phoneID]?.drawnNow ?? false
    }

    /// The same for many phones in one transaction (a rollout's first contacts arrive together):
    /// one commit, one audit insert and one change-feed insert for the lot. Answers, for each
    /// phone, the set it holds now (drawn by this call or earlier).
    public func issueDeviceCredentials(_ batch: [CredentialsIssue]) async throws -> [UUID: IssuedCredentials] {
        guard !batch.isEmpty else { return [:] }
        let now = clock.now
        let secrets = self.secrets
        let sealed = batch.map { _ in secrets.seal(Secrets.password(length: 24)) }
        // Only these phones' cached records are stale, on every node: a rollout flushes nothing else.
        // Rows are locked in one order everywhere (by id: here and in the journal's sightings),
        // so two transactions updating the same phones cannot wait on each other (PostgreSQL
        // answered a two-node storm with "deadlock detected" before).
        let ordered = zip(batch, sealed).sorted { Self.lockOrder($0.0.phoneID, $1.0.phoneID) }
        return try await transaction(changes: Set(batch.map { .phone($0.mac) })) { db in
            let sql = db as! any SQLDatabase
            var result: [UUID: IssuedCredentials] = [:]
            for (request, password) in ordered {
                guard let row = try await sql.raw("""
                    UPDATE phones SET device_username = mac, device_password = \(bind: password), credentials_issued_at = \(bind: now),
                        authenticated_at = \(bind: now), authenticated_ip = \(bind: request.ip), authenticated_user_agent = \(bind: request.userAgent), firmware = \(bind: request.firmware),
                        last_seen_at = \(bind: now), last_seen_ip = \(bind: request.ip), last_user_agent = \(bind: request.userAgent),
                        detected_model = COALESCE(\(bind: request.detectedModel), detected_model),
                        served_at = \(bind: now), refusal = NULL, refused_at = NULL, refused_ip = NULL, silent_after = \(bind: request.silentAfter)
                    WHERE id = \(bind: request.phoneID)
                      AND (credentials_issued_at IS NULL OR (window_opened_at IS NOT NULL AND credentials_issued_at < window_opened_at))
                    RETURNING device_username
                    """).first() else { continue }
                result[request.phoneID] = IssuedCredentials(username: try row.decode(column: "device_username", as: String.self), password: try secrets.open(password),
                                                            issuedAt: now, authenticatedIP: request.ip, drawnNow: true)
            }
            // Lost races: the set another request (or node) drew in this window.
            let others = batch.map(\.phoneID).filter { result[$0] == nil }
            if !others.isEmpty {
                let rows = try await sql.select().columns("id", "device_username", "device_password", "credentials_issued_at", "authenticated_ip")
                    .from(Phone.schema).where("id", .in, others).all()
                for row in rows {
                    let id = try row.decode(column: "id", as: UUID.self)
                    result[id] = IssuedCredentials(
                        username: try row.decode(column: "device_username", as: String?.self),
                        password: try row.decode(column: "device_password", as: String?.self).map(secrets.open),
                        issuedAt: try row.decode(column: "credentials_issued_at", as: Date?.self),
                        authenticatedIP: try row.decode(column: "authenticated_ip", as: String?.self), drawnNow: false)
                }
            }
            let drawn = batch.filter { result[$0.phoneID]?.drawnNow == true }
            if !drawn.isEmpty {
                let after = Self.json(["issuedAt": now])
                var insert = sql.insert(into: AuditEvent.schema).columns("id", "at", "actor_login", "actor_role", "action", "object_type", "object_key", "before", "after")
                for request in drawn {
                    insert = insert.values(SQLBind(UUID()), SQLBind(now), SQLBind("phone \(request.mac.description)"), SQLBind(Role.operator.rawValue), SQLBind("phone.credentials"),
                                           SQLBind("phone"), SQLBind(request.mac.description), SQLBind(Optional<String>.none), SQLBind(after))
                }
                try await insert.run()
            }
            return result
        }
    }

    /// Notes that the phone with this MAC fetched the platform's CA, when the request came from
    /// where the phone was last seen or first served (a forged User-Agent from elsewhere naming
    /// another customer's MAC cannot switch that phone's check on before it holds the CA).
    /// A change (its device file changes) only when it was not noted before. Answers whether
    /// it was noted now.
    @discardableResult
    public func recordCAFetch(mac: MACAddress, ip: String) async throws -> Bool {
        let now = clock.now
        let sql = try db as! any SQLDatabase
        guard try await sql.raw("""
            UPDATE phones SET ca_fetched_at = \(bind: now)
            WHERE mac = \(bind: mac.hex) AND ca_fetched_at IS NULL AND (last_seen_ip = \(bind: ip) OR authenticated_ip = \(bind: ip))
            RETURNING id
            """).first() != nil else { return false }
        // The device file of this phone alone is stale, on every node.
        try await transaction(changes: [.phone(mac)]) { _ in }
        return true
    }

    /// Writes a batch of log entries and sightings. Not a "change": caches stay valid.
    public func recordProvisioning(_ entries: [ProvisioningLogEntry], sightings: [PhoneSighting], unknown: [UnknownSighting] = []) async throws {
        guard !entries.isEmpty || !sightings.isEmpty || !unknown.isEmpty else { return }
        try await db.transaction { db in
            // Plain multi-row inserts: Fluent's per-model reflection cost more than the write
            // itself at thousands of requests a second.
            let sql = db as! any SQLDatabase
            for chunk in entries.chunked(into: 500) {
                var insert = sql.insert(into: ProvisioningEvent.schema)
                    .columns("id", "at", "mac", "file", "source_ip", "user_agent", "outcome", "phone_id", "customer_id", "transport", "count")
                for entry in chunk {
                    insert = insert.values(
                        SQLBind(UUID()), SQLBind(entry.at), SQLBind(entry.mac), SQLBind(entry.file), SQLBind(entry.sourceIP),
                        SQLBind(entry.userAgent), SQLBind(entry.outcome.rawValue), SQLBind(entry.phoneID), SQLBind(entry.customerID),
                        SQLBind(entry.transport), SQLBind(entry.count))
                }
                try await insert.run()
            }
            try await countRequests(entries, on: sql)
            try await recordUnknownMACs(unknown, on: sql)
            for sighting in sightings.sorted(by: { Self.lockOrder($0.phoneID, $1.phoneID) }) {
                // Only a newer sighting: several nodes flush their journals on their own timers, and
                // an older one arriving last must not put the phone back at its previous address.
                // Plain SQL too: a rollout sights every phone once.
                var update = sql.update(Phone.schema).set("last_seen_at", to: SQLBind(sighting.at)).set("last_seen_ip", to: SQLBind(sighting.ip))
                    .set("last_user_agent", to: SQLBind(sighting.userAgent))
                if let firmware = sighting.firmware { update = update.set("firmware", to: SQLBind(firmware)) }
                if let model = sighting.detectedModel { update = update.set("detected_model", to: SQLBind(model)) }
                if let silentAfter = sighting.silentAfter { update = update.set("silent_after", to: SQLBind(silentAfter)) }
                switch sighting.device {
                case .served:
                    update = update.set("served_at", to: SQLBind(sighting.deviceAt)).set("refusal", to: SQLLiteral.null)
                        .set("refused_at", to: SQLLiteral.null).set("refused_ip", to: SQLLiteral.null)
                case let .refused(reason):
                    update = update.set("refusal", to: SQLBind(reason.rawValue)).set("refused_at", to: SQLBind(sighting.deviceAt)).set("refused_ip", to: SQLBind(sighting.ip))
                case nil: break
                }
                try await update.where("id", .equal, SQLBind(sighting.phoneID))
                    .where { $0.where("last_seen_at", .is, SQLLiteral.null).orWhere("last_seen_at", .lessThanOrEqual, SQLBind(sighting.at)) }
                    .run()
            }
        }
    }

    /// Adds a batch's phone-file requests to the per-hour, per-customer counters the fleet's
    /// chart reads (the log itself is never scanned for it). SIP messages are not requests.
    func countRequests(_ entries: [ProvisioningLogEntry], on sql: any SQLDatabase) async throws {
        struct Key: Hashable { let hour: Int64; let customer: UUID }
        var counts: [Key: (served: Int, refused: Int)] = [:]
        for entry in entries where entry.transport != "sip" {
            let key = Key(hour: Int64(entry.at.timeIntervalSince1970 / 3600), customer: entry.customerID ?? Self.platformOwner)
            var count = counts[key] ?? (0, 0)
            if entry.outcome == .served { count.served += entry.count } else { count.refused += entry.count }
            counts[key] = count
        }
        for (key, count) in counts {
            try await sql.raw("""
                INSERT INTO request_counts (hour, customer_id, served, refused) VALUES (\(bind: key.hour), \(bind: key.customer), \(bind: count.served), \(bind: count.refused))
                ON CONFLICT (hour, customer_id) DO UPDATE SET served = request_counts.served + excluded.served, refused = request_counts.refused + excluded.refused
                """).run()
        }
    }

    /// A phone's log: the entries of its registration only (written with its record's id), so a
    /// MAC deleted by one tenant and registered by another shows the new tenant nothing of the
    /// old. Requests for a MAC no one has registered are the operator's to read.
    /// A phone's provisioning log, newest first, a page at a time (the operator also reads the
    /// requests for a MAC that is no phone).
    public func provisioningLog(_ actor: Actor, mac: String, _ list: ListRequest = .init()) async throws -> Page<ProvisioningLogEntry> {
        try actor.require([.operator, .reseller, .administrator], to: "read provisioning logs")
        if actor.role == .operator, let parsed = try? MACAddress(parsing: mac),
           try await Phone.query(on: db).filter(\.$mac == parsed.hex).first() == nil {
            return try await logPage(ProvisioningEvent.query(on: db).filter(\.$mac == parsed.description).filter(\.$phoneID == nil), list)
        }
        let phone = try await visiblePhone(actor, mac, on: db)
        return try await logPage(ProvisioningEvent.query(on: db).filter(\.$phoneID == phone.id!), list)
    }

    private func logPage(_ query: QueryBuilder<ProvisioningEvent>, _ list: ListRequest) async throws -> Page<ProvisioningLogEntry> {
        let rows = try await Self.newestFirst(query, at: \.$at, id: \.$id, list).all()
        let next = rows.count > list.limit ? rows[list.limit - 1] : nil
        return Page(items: rows.prefix(list.limit).map(Self.entry), next: next.map { Self.timeCursor($0.at, $0.id!) })
    }

    /// Drops log entries older than the retention (run in the background).
    public func pruneProvisioningLog(olderThan days: Int) async throws {
        let cutoff = clock.now.addingTimeInterval(-Double(days) * 86_400)
        try await ProvisioningEvent.query(on: db).filter(\.$at < cutoff).delete()
        try await storage.sql.raw("DELETE FROM alerts WHERE at < \(bind: cutoff)").run()
        try await storage.sql.raw("DELETE FROM unknown_macs WHERE last_at < \(bind: clock.now.addingTimeInterval(-Self.unknownMACDays * 86_400))").run()
        try await storage.sql.raw("DELETE FROM unknown_near WHERE mac NOT IN (SELECT mac FROM unknown_macs)").run()
        // The fleet's chart reads the last 24 hours; two days of counters are kept.
        try await storage.sql.raw("DELETE FROM request_counts WHERE hour < \(bind: Int64(clock.now.timeIntervalSince1970 / 3600) - 48)").run()
        try await pruneOutbox(before: cutoff)
        // Nodes read the feed within seconds; a day of it is plenty for one that was paused.
        try await storage.sql.raw("DELETE FROM change_feed WHERE at < \(bind: clock.now.addingTimeInterval(-86_400))").run()
    }

    /// A customer's provisioning log, newest first, a page at a time.
    public func provisioningLog(_ actor: Actor, reference: String, _ list: ListRequest = .init()) async throws -> Page<ProvisioningLogEntry> {
        try actor.require([.operator, .reseller, .administrator], to: "read provisioning logs")
        let customer = try await visibleCustomer(actor, reference, on: db)
        return try await logPage(ProvisioningEvent.query(on: db).filter(\.$customerID == customer.id!), list)
    }

    static func entry(_ e: ProvisioningEvent) -> ProvisioningLogEntry {
        ProvisioningLogEntry(at: e.at, mac: e.mac.flatMap { try? MACAddress(parsing: $0) }, file: e.file, sourceIP: e.sourceIP, userAgent: e.userAgent,
                             outcome: ProvisioningOutcome(rawValue: e.outcome) ?? .notFound, transport: e.transport ?? "http", count: e.count ?? 1,
                             phoneID: e.phoneID, customerID: e.customerID)
    }

    /// One round trip to the database (readiness).
    public func ping() async throws {
        _ = try await storage.sql.raw("SELECT 1 AS one").first()
    }

    /// The change feed after `position`, in order (at most `limit` rows).
    public func changeFeed(after position: Int64, limit: Int = 1000) async throws -> [(position: Int64, change: CacheChange)] {
        try await storage.sql.raw("SELECT position, kind, key FROM change_feed WHERE position > \(bind: position) ORDER BY position LIMIT \(bind: limit)").all().map { row in
            (try row.decode(column: "position", as: Int64.self), CacheChange(kind: try row.decode(column: "kind", as: String.self), key: try row.decode(column: "key", as: String.self)))
        }
    }

    /// Where the feed stands now (0 when empty): a node starting with empty caches reads on from here.
    public func changeFeedPosition() async throws -> Int64 {
        let row = try await storage.sql.raw("SELECT MAX(position) AS position FROM change_feed").first()
        return (try? row?.decode(column: "position", as: Int64?.self)) ?? 0
    }

    /// The key every node signs digest nonces with, so any node can check any nonce.
    public func digestKey() async throws -> String {
        let row = try await (db as! any SQLDatabase).raw("SELECT digest_key FROM platform_state WHERE id = 1").first()
        return try secrets.open(try row?.decode(column: "digest_key", as: String.self) ?? "")
    }

    /// The admin password of a phone's own web page; for those who manage the phone.
    public func phoneWebPassword(_ actor: Actor, mac: String) async throws -> String {
        try actor.require([.operator, .reseller, .administrator], to: "read a phone's web password")
        return try await visiblePhone(actor, mac, on: db).webAdminPassword.map(secrets.open) ?? ""
    }

    // MARK: layers

    func departmentChain(_ id: UUID?, on db: any Database) async throws -> [Department] {
        var chain: [Department] = []
        var next = id
        while let current = next, chain.count < 32, let department = try await Department.find(current, on: db) {
            chain.insert(department, at: 0)
            next = department.$parent.id
        }
        return chain
    }

    func layers(_ owners: [(LayerScope, UUID, String)], on db: any Database) async throws -> [SettingsLayer] {
        Self.chain(owners, from: try await layerTable(Set(owners.map(\.1)), on: db))
    }
}
