import Hummingbird
import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// Settings layers: `GET` shows a layer (and, for a line or a phone, the effective values with
/// their source); `PUT {"values": {...}, "locked": [...]}` replaces what the caller may edit.
struct SettingsController {
    let store: Store
    let notifier: MessageWaitingNotifier?

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("settings/catalogue", use: catalogue)
        route(group, "platform/settings") { _ in .platform }
        route(group, "reseller/settings") { _ in .reseller }
        route(group, "customers/:reference/settings") { .customer(reference: try $0.parameters.text("reference")) }
        route(group, "customers/:reference/departments/:name/settings") {
            .department(reference: try $0.parameters.text("reference"), name: try $0.parameters.text("name"))
        }
        route(group, "lines/:sda/settings") { .line(sda: try $0.parameters.text("sda")) }
        route(group, "phones/:mac/settings") { .phone(mac: try $0.parameters.text("mac")) }
    }

    private func route(_ group: RouterGroup<PieuvreRequestContext>, _ path: RouterPath, target: @escaping @Sendable (PieuvreRequestContext) throws -> LayerTarget) {
        let store = self.store
        let notifier = self.notifier
        group.get(path) { _, context in
            try JSONResponse.make(try await store.settingsLayer(try context.requireActor(), try target(context)))
        }
        group.put(path) { request, context in
            let actor = try context.requireActor()
            let body = try await JSONBody.read(request, context: context, allowed: ["values", "locked"])
            var values: [String: String] = [:]
            switch body.fields["values"] {
            case nil, .null?: break
            case let .object(object)?:
                for (key, value) in object {
                    switch value {
                    case let .string(s): values[key] = s
                    case let .bool(b): values[key] = b ? "1" : "0"
                    // Int(exactly:): a whole number too large for Int is refused below, not a trap.
                    case let .number(n) where Int(exactly: n) != nil: values[key] = String(Int(exactly: n)!)
                    default: throw APIError(.badRequest, "field 'values.\(key)' must be a string, a boolean or a whole number, not \(value.typeName)")
                    }
                }
            case let other?: throw APIError(.badRequest, "field 'values' must be an object, not \(other.typeName)")
            }
            var locked: [String] = []
            switch body.fields["locked"] {
            case nil, .null?: break
            case let .array(items)?:
                for item in items {
                    guard case let .string(key) = item else { throw APIError(.badRequest, "field 'locked' must list setting keys as strings") }
                    locked.append(key)
                }
            case let other?: throw APIError(.badRequest, "field 'locked' must be an array, not \(other.typeName)")
            }
            let layer = try target(context)
            let saved = try await store.replaceSettingsLayer(actor, layer, values: values, locked: locked)
            // Phones under the layer fetch their files now (check-sync), not at their next check.
            if let notifier, let numbers = try? await store.numbersReached(by: layer) { notifier.checkSync(numbers) }
            return try JSONResponse.make(saved)
        }
    }

    struct DefinitionView: Encodable {
        let key: String
        let group: String
        let type: String
        let options: [String]?
        let min: Int?
        let max: Int?
        let defaultValue: String
        let models: [String]?
        let editRole: Role
    }

    @Sendable func catalogue(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        _ = try context.requireActor()
        return try JSONResponse.make(SettingsCatalogue.all.map { d in
            var type = "", options: [String]? = nil, min: Int? = nil, max: Int? = nil
            switch d.kind {
            case .bool: type = "bool"
            case let .integer(range): type = "integer"; min = range.lowerBound; max = range.upperBound
            case let .text(length), let .dialPattern(length): type = "text"; max = length
            case let .secret(length): type = "secret"; max = length
            case let .choice(list): type = "choice"; options = list
            // Comma-separated, in order of preference, from `options`.
            case let .orderedChoices(list): type = "list"; options = list
            case .hostPort: type = "host"; max = 255
            }
            return DefinitionView(key: d.key, group: d.group, type: type, options: options, min: min, max: max, defaultValue: d.defaultValue, models: Catalogue.models(having: d)?.map(\.id).sorted(), editRole: d.editRole)
        })
    }
}

/// The provisioning log and a phone's own web password.
struct ProvisioningLogController {
    let store: Store
    let journal: ProvisioningJournal

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.get("phones/:mac/events", use: phoneEvents)
        group.get("customers/:reference/events", use: customerEvents)
        group.get("phones/:mac/web-password", use: webPassword)
    }

    @Sendable func phoneEvents(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        await journal.flush()
        return try JSONResponse.make(try await store.provisioningLog(actor, mac: try context.parameters.text("mac"), try ListQuery.read(request)))
    }

    @Sendable func customerEvents(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        await journal.flush()
        return try JSONResponse.make(try await store.provisioningLog(actor, reference: try context.parameters.text("reference"), try ListQuery.read(request)))
    }

    @Sendable func webPassword(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        return try JSONResponse.make(["webAdminPassword": try await store.phoneWebPassword(actor, mac: try context.parameters.text("mac"))])
    }
}
