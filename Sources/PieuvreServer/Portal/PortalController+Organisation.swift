import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// Lines from the fiche client, the department tree and the phone profiles (settings layers).
extension PortalController {
    func addOrganisationRoutes(to router: Router<PieuvreRequestContext>) {
        router.post("extranet/clients/:ref/lines", use: createLine)
        router.post("extranet/clients/:ref/lines/:sda", use: changePresentedNumber)
        router.get("extranet/clients/:ref/lines/:sda/edit", use: editLinePage)
        router.post("extranet/clients/:ref/lines/:sda/edit", use: editLine)
        router.get("admin/departments", use: departmentsPage)
        router.post("admin/departments", use: createDepartment)
        router.post("admin/departments/rename", use: renameDepartment)
        router.post("admin/lines/move", use: moveLine)
        router.get("admin/profiles", use: profilesPage)
        router.post("admin/profiles", use: saveProfile)
    }

    @Sendable func createLine(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            let reference = try context.parameters.require("ref")
            let form = try await FormBody.read(request, limit: 64 * 1024)
            try kit.checkCSRF(request, form)
            var input = NewLine(sda: form["sda"], name: form["name"])
            input.department = (form["department"] ?? "").isEmpty ? nil : form["department"]
            input.licence = (form["licence"] ?? "").isEmpty ? nil : form["licence"]
            input.portalPassword = (form["portalPassword"] ?? "").isEmpty ? nil : form["portalPassword"]
            input.administrator = form["administrator"] == "1"
            do {
                _ = try await store.createLine(actor, reference: reference, input)
                return kit.redirect("/extranet/clients/\(reference)#compte")
            } catch let error as DomainError where error.isFormError {
                return try await clientPage(request, actor, reference: reference, extra: ["error": error.description], status: .unprocessableContent)
            }
        }
    }

    @Sendable func changePresentedNumber(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            let reference = try context.parameters.require("ref")
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkCSRF(request, form)
            var patch = LinePatch()
            patch.presentedNumber = .set(form["presentedNumber"] ?? "")
            do {
                _ = try await store.updateLine(actor, sda: try context.parameters.require("sda"), patch)
                return try await clientPage(request, actor, reference: reference, extra: ["message": kit.language(request).labels["saved"]!])
            } catch let error as DomainError where error.isFormError {
                return try await clientPage(request, actor, reference: reference, extra: ["error": error.description], status: .unprocessableContent)
            }
        }
    }

    @Sendable func editLinePage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            return try await lineView(request, actor, reference: try context.parameters.require("ref"), sda: try context.parameters.require("sda"), error: nil)
        }
    }

    private func lineView(_ request: Request, _ actor: Actor, reference: String, sda: String, error: String?) async throws -> Response {
        let line = try await store.line(actor, sda: sda)
        guard line.customer == reference else { throw DomainError.notFound(what: "line", key: sda) }
        let departments = try await store.departments(actor, reference: reference).map { ["name": $0.name, "selected": $0.name == line.department] as [String: Any] }
        var values: [String: Any] = [
            "reference": reference, "departments": departments,
            "line": ["sda": line.sda, "name": line.name, "licence": line.licence ?? "", "presentedNumber": line.presentedNumber, "locked": line.locked, "administrator": line.administrator] as [String: Any],
            "restrictions": InternationalRestriction.allCases.map { ["value": $0.rawValue, "selected": $0.rawValue == line.internationalRestriction] },
        ]
        if let error { values["error"] = error }
        return kit.page("line", request, values, status: error == nil ? .ok : .unprocessableContent, actor: actor)
    }

    @Sendable func editLine(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.reseller, .operator, .administrator])
            let reference = try context.parameters.require("ref")
            let sda = try context.parameters.require("sda")
            let form = try await FormBody.read(request, limit: 64 * 1024)
            try kit.checkCSRF(request, form)
            guard try await store.line(actor, sda: sda).customer == reference else { throw DomainError.notFound(what: "line", key: sda) }
            var patch = LinePatch()
            patch.name = .set(form["name"] ?? "")
            patch.licence = .set((form["licence"] ?? "").isEmpty ? nil : form["licence"])
            patch.department = .set((form["department"] ?? "").isEmpty ? nil : form["department"])
            if let number = form["presentedNumber"] { patch.presentedNumber = .set(number) }
            if let restriction = form["internationalRestriction"] { patch.internationalRestriction = .set(restriction) }
            patch.locked = .set(form["locked"] == "1")
            patch.administrator = .set(form["administrator"] == "1")
            if let password = form["portalPassword"], !password.isEmpty { patch.portalPassword = .set(password) }
            do {
                _ = try await store.updateLine(actor, sda: sda, patch)
                return kit.redirect("/extranet/clients/\(reference)#compte")
            } catch let error as DomainError where error.isFormError {
                return try await lineView(request, actor, reference: reference, sda: sda, error: error.description)
            }
        }
    }

    // MARK: departments

    @Sendable func departmentsPage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator])
            return try await departmentsView(request, actor, extra: [:])
        }
    }

    private func departmentsView(_ request: Request, _ actor: Actor, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let reference = try await adminReference(actor)
        let departments = try await store.departments(actor, reference: reference)
        let lines = try await store.lines(actor, reference: reference)
        // Depth-first: each department under its parent, indented by depth.
        var tree: [[String: Any]] = []
        func visit(_ parent: String?, depth: Int) {
            for department in departments where department.parent == parent {
                let count = lines.filter { $0.department == department.name }.count
                tree.append(["name": department.name, "indent": String(0.6 + Double(depth) * 1.5), "lines": count])
                if depth < 16 { visit(department.name, depth: depth + 1) }
            }
        }
        visit(nil, depth: 0)
        var values: [String: Any] = ["tree": tree, "allLines": lines.map { ["sda": $0.sda, "name": $0.name] }]
        values.merge(extra) { _, new in new }
        return kit.page("departments", request, values, status: status, actor: actor)
    }

    @Sendable func createDepartment(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await departmentChange(request) { actor, reference, form in
            _ = try await store.createDepartment(actor, reference: reference, name: form["name"], parent: (form["parent"] ?? "").isEmpty ? nil : form["parent"])
        }
    }

    @Sendable func renameDepartment(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await departmentChange(request) { actor, reference, form in
            _ = try await store.renameDepartment(actor, reference: reference, name: form["name"] ?? "", to: form["newName"])
        }
    }

    @Sendable func moveLine(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await departmentChange(request) { actor, _, form in
            var patch = LinePatch()
            patch.department = .set((form["department"] ?? "").isEmpty ? nil : form["department"])
            _ = try await store.updateLine(actor, sda: form["sda"] ?? "", patch)
        }
    }

    private func departmentChange(_ request: Request, _ change: (Actor, String, FormBody) async throws -> Void) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator])
            let form = try await FormBody.read(request, limit: 16 * 1024)
            try kit.checkCSRF(request, form)
            do {
                try await change(actor, try await adminReference(actor), form)
                return try await departmentsView(request, actor, extra: ["message": kit.language(request).labels["saved"]!])
            } catch let error as DomainError where error.isFormError {
                return try await departmentsView(request, actor, extra: ["error": error.description], status: .unprocessableContent)
            }
        }
    }

    // MARK: phone profiles

    @Sendable func profilesPage(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator])
            return try await profilesView(request, actor, department: request.uri.queryParameters.get("department") ?? "", extra: [:])
        }
    }

    private func target(_ reference: String, _ department: String) -> LayerTarget {
        department.isEmpty ? .customer(reference: reference) : .department(reference: reference, name: department)
    }

    private func profilesView(_ request: Request, _ actor: Actor, department: String, extra: [String: Any], status: HTTPResponse.Status = .ok) async throws -> Response {
        let reference = try await adminReference(actor)
        let layer = try await store.settingsLayer(actor, target(reference, department))
        let rows = SettingsCatalogue.all.filter { $0.editRole <= .administrator }.map { d -> [String: Any] in
            let value = layer.values[d.key] ?? ""
            var row: [String: Any] = ["key": d.key, "group": d.group, "value": value, "defaultValue": d.defaultValue, "locked": layer.locked.contains(d.key)]
            if let above = layer.lockedAbove[d.key] { row["lockedAbove"] = above.rawValue }
            if let effective = layer.effective?[d.key] {
                row["effective"] = effective.value
                row["source"] = effective.sourceName.isEmpty ? effective.source.rawValue : "\(effective.source.rawValue) \(effective.sourceName)"
            }
            switch d.kind {
            case let .choice(options): row["isChoice"] = true; row["options"] = options.map { ["value": $0, "selected": $0 == value] }
            case .bool: row["isChoice"] = true; row["options"] = ["1", "0"].map { ["value": $0, "selected": $0 == value] }
            default: break
            }
            return row
        }
        let departments = try await store.departments(actor, reference: reference).map { ["name": $0.name, "selected": $0.name == department] as [String: Any] }
        var values: [String: Any] = ["settings": rows, "departments": departments, "department": department]
        values.merge(extra) { _, new in new }
        return kit.page("profiles", request, values, status: status, actor: actor)
    }

    @Sendable func saveProfile(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try await guarded(request) {
            let actor = try await signedIn(request, [.administrator])
            let form = try await FormBody.read(request, limit: 256 * 1024)
            try kit.checkCSRF(request, form)
            let department = form["department"] ?? ""
            var values: [String: String] = [:]
            for (name, entries) in form.fields where name.hasPrefix("v:") {
                if let value = entries.first, !value.isEmpty { values[String(name.dropFirst(2))] = value }
            }
            do {
                _ = try await store.replaceSettingsLayer(actor, target(try await adminReference(actor), department), values: values, locked: form.all("lock"))
                return try await profilesView(request, actor, department: department, extra: ["message": kit.language(request).labels["saved"]!])
            } catch let error as DomainError {
                return try await profilesView(request, actor, department: department, extra: ["error": error.description], status: .unprocessableContent)
            }
        }
    }
}
