import FluentKit
import Foundation
import PhoneCatalog
import PieuvreCore

extension Store {
    /// Registers many phones at once ("Ajouter des adresses MAC par lot ou bloc"). All or nothing:
    /// every row is checked first, and any bad row refuses the whole import with one entry per
    /// bad line. The rows are then written in one transaction, in multi-row inserts.
    public func importPhones(_ actor: Actor, reference: String, rows: [ImportRow], dryRun: Bool = false) async throws -> ImportResult {
        try actor.require([.operator, .reseller], to: "import phones")
        let customer = try await visibleCustomer(actor, reference, on: db)
        guard !rows.isEmpty else { throw DomainError.unprocessable(Reason("empty-import", en: "the import holds no phone", fr: "L'import ne contient aucun téléphone.")) }
        let customerID = customer.id!
        let lines = try await Line.query(on: db).filter(\.$customer.$id == customerID).all()
        let linesByNumber = Dictionary(uniqueKeysWithValues: lines.map { ($0.sda, $0) })

        var errors: [ImportLineError] = []
        var firstLineOf: [MACAddress: Int] = [:]
        var parsed: [(row: ImportRow, mac: MACAddress, model: PhoneModel, line: Line?, description: String)] = []
        parsed.reserveCapacity(rows.count)
        for row in rows {
            // Each problem in English (the API) and French (the portals).
            var problems: [(en: String, fr: String)] = []
            func problem(_ error: DomainError) { problems.append((error.description, error.frenchText)) }
            var mac: MACAddress?
            do { mac = try MACAddress(parsing: row.mac) } catch { problem(error) }
            var model: PhoneModel?
            do { model = try Catalogue.model(named: row.model) } catch { problem(error) }
            var line: Line?
            if let sda = row.sda, !sda.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    let number = try DirectNumber(parsing: sda)
                    line = linesByNumber[number.digits]
                    if line == nil { problem(.invalid(field: "sda", value: sda, reason: .notALineOfThisCustomer)) }
                } catch { problem(error) }
            }
            var description = ""
            do { description = try FieldRules.optionalText(row.description ?? "", field: "description") } catch { problem(error) }
            if let mac {
                if let first = firstLineOf[mac] {
                    problems.append(("mac \(mac) appears again (first on line \(first))", "l'adresse MAC \(mac) revient (déjà ligne \(first))."))
                } else {
                    firstLineOf[mac] = row.line
                }
            }
            if problems.isEmpty, let mac, let model {
                parsed.append((row, mac, model, line, description))
            } else {
                errors.append(ImportLineError(line: row.line, error: problems.map(\.en).joined(separator: "; "), french: problems.map(\.fr).joined(separator: " ; ")))
            }
        }

        // MACs already on the platform, whoever holds them.
        let macs = Array(firstLineOf.keys)
        for chunk in macs.chunked(into: 500) {
            let taken = try await Phone.query(on: db).filter(\.$mac ~~ chunk.map(\.hex)).all(\.$mac)
            for hex in taken {
                let mac = try MACAddress(value: UInt64(hex, radix: 16)!)
                errors.append(ImportLineError(line: firstLineOf[mac]!, error: "mac \(mac): \(DomainError.duplicateObjectMessage)"))
            }
        }
        guard errors.isEmpty else {
            throw DomainError.importRefused(errors.sorted { $0.line < $1.line })
        }

        // A preview checks everything and writes nothing.
        if dryRun { return ImportResult(created: 0, macs: parsed.map { $0.mac.description }) }
        let now = clock.now
        let until = window.openedAtRegistration(now: now)
        let phones: [Phone] = parsed.map { item in
            let phone = Phone()
            phone.id = UUID()
            phone.mac = item.mac.hex
            phone.model = item.model.id
            phone.description = item.description
            phone.$customer.id = customerID
            phone.$line.id = item.line?.id
            phone.$department.id = item.line?.$department.id
            phone.authenticateUntil = until
            phone.windowOpenedAt = now
            phone.webAdminPassword = secrets.seal(Secrets.password(length: 16))
            phone.createdAt = now
            return phone
        }
        let shown = parsed.map { $0.mac.description }
        // The new MACs may be cached as no phone; a very large batch drops everything instead.
        let stale: Set<CacheChange> = parsed.count <= 1000 ? Set(parsed.map { .phone($0.mac) }) : [.everything]
        return try await transaction(duplicate: ("mac", "import"), changes: stale) { db in
            // 500 rows of 12 columns stay well under SQLite's and PostgreSQL's bind limits.
            for chunk in phones.chunked(into: 500) {
                try await chunk.create(on: db)
            }
            let result = ImportResult(created: phones.count, macs: shown)
            try await audit(db, actor, "phone.import", "customer", reference, before: Optional<ImportResult>.none, after: result)
            return result
        }
    }
}

extension Array {
    func chunked(into size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
