import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore
import SQLKit

extension Store {
    public func phone(_ actor: Actor, mac: String) async throws -> PhoneView {
        let phone = try await visiblePhone(actor, mac, on: db)
        return view(phone, customer: phone.customer.reference, now: clock.now)
    }

    /// What a person may ask a phone to do now, over SIP.
    public enum PhoneAction: String, Sendable {
        case checkSync = "check-sync"
        case reboot
    }

    /// "Resynchroniser" or "Redémarrer": who may ask it of this phone (administrators and above;
    /// a line's user a check-sync of a phone on their own line), audited; answers the number
    /// the NOTIFY goes to. A phone without a line has no number to reach.
    public func requestPhoneAction(_ actor: Actor, mac: String, _ action: PhoneAction) async throws -> String {
        try actor.require(action == .reboot ? [.operator, .reseller, .administrator] : [.operator, .reseller, .administrator, .user],
                          to: action == .reboot ? "reboot phones" : "resynchronise phones")
        let phone = try await visiblePhone(actor, mac, on: db)
        guard let number = phone.line?.sda else {
            throw DomainError.unprocessable(Reason("no-line", en: "the phone has no line: there is no number to send the request to",
                                                   fr: "Le téléphone n'est affecté à aucune ligne : aucun numéro où envoyer la demande."))
        }
        let shown = try MACAddress(value: UInt64(phone.mac, radix: 16) ?? 0).description
        try await transaction(changes: []) { db in
            try await self.audit(db, actor, "phone.\(action.rawValue)", "phone", shown, before: Optional<String>.none, after: number)
        }
        return number
    }

    /// The phones on the caller's own line ("Paramétrer les touches": every phone of the line).
    public func phonesOnOwnLine(_ actor: Actor) async throws -> [PhoneView] {
        guard let lineID = actor.lineID else { return [] }
        let phones = try await Phone.query(on: db).filter(\.$line.$id == lineID)
            .with(\.$customer).with(\.$line).with(\.$department).sort(\.$mac).limit(100).all()
        let now = clock.now
        return phones.map { view($0, customer: $0.customer.reference, now: now) }
    }

    /// What the settings page of one phone is titled with: the phone and its customer's name.
    public func phoneHeading(_ actor: Actor, mac: String) async throws -> (phone: PhoneView, companyName: String) {
        let phone = try await visiblePhone(actor, mac, on: db)
        return (view(phone, customer: phone.customer.reference, now: clock.now), phone.customer.companyName)
    }

    /// Registers a phone ("Provisionner @MAC") and opens its provisioning window.
    public func registerPhone(_ actor: Actor, reference: String, _ input: NewPhone) async throws -> PhoneView {
        try actor.require([.operator, .reseller, .administrator], to: "register phones")
        let customer = try await visibleCustomer(actor, reference, on: db)
        let mac = try MACAddress(parsing: input.mac ?? "")
        let model = try Catalogue.model(named: input.model ?? "")
        let now = clock.now
        let phone = Phone()
        phone.mac = mac.hex
        phone.model = model.id
        phone.description = try FieldRules.optionalText(input.description ?? "", field: "description")
        phone.$customer.id = customer.id!
        try await assign(phone, sda: input.sda, department: input.department, customerID: customer.id!)
        phone.authenticateUntil = window.openedAtRegistration(now: now)
        phone.windowOpenedAt = now
        phone.webAdminPassword = secrets.seal(Secrets.password(length: 16))
        phone.createdAt = now
        let view = view(phone, customer: reference, now: now)
        // A MAC that was no phone may be cached as such: drop it.
        do {
            return try await transaction(duplicate: ("mac", mac.description), changes: [.phone(mac)]) { db in
                try await phone.create(on: db)
                try await audit(db, actor, "phone.create", "phone", mac.description, before: Optional<PhoneView>.none, after: view)
                return view
            }
        } catch DomainError.duplicate(let field, let value, _) {
            throw DomainError.duplicate(field: field, value: value, holder: try await holder(of: mac, for: actor))
        }
    }

    /// The customer holding a MAC, for a caller who may see that customer (the operator, its
    /// reseller, its administrator); nil for anyone else, who learns only that the MAC is taken.
    func holder(of mac: MACAddress, for actor: Actor) async throws -> String? {
        guard let phone = try await Phone.query(on: db).filter(\.$mac == mac.hex).first(),
              let customer = try await Customer.find(phone.$customer.id, on: db),
              Self.canSee(actor, customerID: customer.id!, resellerID: customer.$reseller.id) else { return nil }
        return customer.reference
    }

    public func updatePhone(_ actor: Actor, mac: String, _ patch: PhonePatch) async throws -> PhoneView {
        try actor.require([.operator, .reseller, .administrator], to: "change phones")
        let phone = try await visiblePhone(actor, mac, on: db)
        let reference = phone.customer.reference
        let now = clock.now
        let before = view(phone, customer: reference, now: now)
        if case let .set(description) = patch.description {
            phone.description = try FieldRules.optionalText(description, field: "description")
        }
        if case let .set(model) = patch.model { phone.model = try Catalogue.model(named: model).id }
        switch (patch.sda, patch.department) {
        case (.keep, .keep): break
        case let (.set(sda), .keep):
            // A phone given to a line goes to the line's department, as the seed's list shows.
            try await assign(phone, sda: sda, department: nil, customerID: phone.$customer.id)
        case let (.keep, .set(department)):
            try await assign(phone, department: department, customerID: phone.$customer.id)
        case let (.set(sda), .set(department)):
            try await assign(phone, sda: sda, department: department, customerID: phone.$customer.id)
        }
        if case let .set(until) = patch.authenticateUntil {
            if let until { try window.validateUntil(until, now: now) }
            phone.authenticateUntil = until
            if let until, until > now { phone.windowOpenedAt = now }
        }
        if patch.authorizeNextHour {
            phone.authenticateUntil = window.nextHour(now: now)
            phone.windowOpenedAt = now
        }
        var replacedMAC: String?
        if case let .set(text) = patch.mac {
            let mac = try MACAddress(parsing: text)
            if mac.hex != phone.mac {
                // The broken phone's credentials die with its MAC; the new one gets a fresh window.
                phone.mac = mac.hex
                phone.deviceUsername = nil
                phone.devicePassword = nil
                phone.credentialsIssuedAt = nil
                phone.authenticatedAt = nil
                phone.authenticatedIP = nil
                phone.authenticatedUserAgent = nil
                phone.firmware = nil
                phone.detectedModel = nil
                phone.lastSeenAt = nil
                phone.lastSeenIP = nil
                phone.lastUserAgent = nil
                // Its state starts again: waiting for the new phone's first fetch.
                phone.servedAt = nil
                phone.refusal = nil
                phone.refusedAt = nil
                phone.refusedIP = nil
                phone.silentAfter = nil
                phone.authenticateUntil = window.openedAtRegistration(now: now)
                phone.windowOpenedAt = now
                replacedMAC = mac.description
            }
        }
        let after = view(phone, customer: reference, now: now)
        let duplicate = replacedMAC.map { ("mac", $0) }
        // The phone's record under its old MAC and, when it changed, its new one.
        let stale = Set([before.mac, after.mac].compactMap { try? MACAddress(parsing: $0) }.map(CacheChange.phone))
        let moved = replacedMAC != nil
        try await transaction(duplicate: duplicate, changes: stale) { db in
            try await phone.save(on: db)
            // The slips found near its old MAC are not near its new one.
            if moved { try await (db as! any SQLDatabase).raw("DELETE FROM unknown_near WHERE phone_id = \(bind: phone.id!)").run() }
            try await audit(db, actor, "phone.update", "phone", after.mac, before: before, after: after)
        }
        return after
    }

    public func deletePhone(_ actor: Actor, mac: String) async throws {
        try actor.require([.operator, .reseller, .administrator], to: "delete phones")
        let phone = try await visiblePhone(actor, mac, on: db)
        let before = view(phone, customer: phone.customer.reference, now: clock.now)
        let stale = Set([before.mac].compactMap { try? MACAddress(parsing: $0) }.map(CacheChange.phone))
        try await transaction(changes: stale) { db in
            try await phone.delete(on: db)
            try await audit(db, actor, "phone.delete", "phone", before.mac, before: before, after: Optional<PhoneView>.none)
        }
    }

    /// Points a phone at a line (by number, nil for none) and a department (by name, nil for none;
    /// when only the line is given, the line's department).
    private func assign(_ phone: Phone, sda: String?, department: String?, customerID: UUID) async throws {
        if let sda {
            let number = try DirectNumber(parsing: sda)
            guard let line = try await Line.query(on: db).filter(\.$sda == number.digits)
                .filter(\.$customer.$id == customerID).with(\.$department).first() else {
                throw DomainError.invalid(field: "sda", value: sda, reason: .notALineOfThisCustomer)
            }
            phone.$line.id = line.id
            phone.$line.value = line
            if department == nil {
                phone.$department.id = line.$department.id
                phone.$department.value = line.$department.value ?? nil
                return
            }
        } else {
            phone.$line.id = nil
            phone.$line.value = .some(nil)
        }
        try await assign(phone, department: department, customerID: customerID)
    }

    private func assign(_ phone: Phone, department: String?, customerID: UUID) async throws {
        if let department {
            let found = try await self.department(named: department, customerID: customerID, on: db)
            phone.$department.id = found.id
            phone.$department.value = found
        } else {
            phone.$department.id = nil
            phone.$department.value = .some(nil)
        }
    }

    func view(_ phone: Phone, customer reference: String, now: Date) -> PhoneView {
        let mac = phone.displayMAC
        let refusal = phone.refusal.flatMap(PhoneRefusal.init(rawValue:))
        let model = Catalogue.model(id: phone.model)
        return PhoneView(
            mac: mac, model: phone.model, modelName: model?.displayName ?? phone.model,
            description: phone.description, customer: reference,
            sda: phone.$line.value??.sda, department: phone.$department.value??.name,
            authenticateUntil: phone.authenticateUntil, authenticatedAt: phone.authenticatedAt,
            authenticatedIP: phone.authenticatedIP, authenticatedUserAgent: phone.authenticatedUserAgent,
            firmware: phone.firmware,
            windowOpen: ProvisioningWindow.isOpen(until: phone.authenticateUntil, now: now),
            createdAt: phone.createdAt,
            credentialsIssuedAt: phone.credentialsIssuedAt,
            lastSeenAt: phone.lastSeenAt, lastSeenIP: phone.lastSeenIP,
            detectedModel: phone.detectedModel,
            modelMismatch: phone.detectedModel.map { $0 != phone.model } ?? false,
            state: PhoneState.of(servedAt: phone.servedAt, refusal: refusal, windowOpen: ProvisioningWindow.isOpen(until: phone.authenticateUntil, now: now), silentAfter: phone.silentAfter, now: now),
            refusal: refusal.map { PhoneView.Refusal(reason: $0, at: phone.refusedAt ?? phone.lastSeenAt ?? now, ip: phone.refusedIP) })
    }
}
