import PhoneCatalog
import PieuvreCore
import PieuvreStore

/// The settings of one layer as the seed's pages show them: collapsible groups in the seed's
/// order, each setting with a human label, the input its type wants, the value that applies
/// and where it comes from, and read-only when a wider layer locked it. One component serves
/// the administrator's profiles (customer and department layers, with locks, every model) and
/// the phone pages (a phone's own model, no locks).
struct SettingsForm {
    struct Group {
        let id: String
        let title: String
        let open: Bool
        let fields: [Field]
        let subgroups: [Subgroup]
        /// What the group's values mean (the keys' "Valeur": a number to dial or to watch).
        var hint: String? = nil
    }

    struct Subgroup {
        let title: String
        let fields: [Field]
        var open = false
    }

    struct Field {
        let key: String
        let label: String
        let isBool: Bool
        let isChoice: Bool
        let isSecret: Bool
        let isNumber: Bool
        let isText: Bool
        let value: String
        /// The value as a person reads it (a choice's label), for read-only fields.
        let shown: String
        let checked: Bool
        let options: [Option]
        let min: Int?
        let max: Int?
        let maxLength: Int?
        /// Where the value in force comes from ("client 10000", "défaut").
        let source: String
        /// Who locked it above, when a wider layer did: the field is read-only.
        let lockedBy: String?
        /// This layer locks it (a checkbox on the profile pages).
        let locked: Bool
        /// The models it applies to (profile pages only).
        let models: String?
    }

    let action: String
    let showLocks: Bool
    let groups: [Group]

    /// Builds the form of `layer` for `actor`: the settings of `model` (all when nil) that the
    /// actor may edit.
    /// `find` keeps the settings whose label or key holds it (accents and case aside);
    /// `onlySet` those this layer sets or locks. Groups open where they hold what this layer
    /// sets, or everything when filtered, so a save does not fold the page shut.
    static func build(layer: LayerView, model: String?, actor: Actor, showLocks: Bool, action: String, lang: PortalLanguage, find: String = "", onlySet: Bool = false) -> SettingsForm {
        let traits = model.flatMap(Catalogue.model(id:))?.traits
        let needle = ContactCard.fold(find.trimmingWhitespace())
        let locked = Set(layer.locked)
        let definitions = SettingsCatalogue.all.filter { d in
            (traits.map(d.applies(to:)) ?? true) && d.editRole <= actor.role && d.editRole < .reseller
                && (!onlySet || layer.values[d.key] != nil || locked.contains(d.key))
                && (needle.isEmpty || ContactCard.fold(SettingLabels.label(d.key, lang)).contains(needle) || d.key.lowercased().contains(needle))
        }
        let filtered = onlySet || !needle.isEmpty
        var byGroup: [String: [(String?, Field)]] = [:]
        for d in definitions {
            let place = SettingLabels.place(d, lang)
            byGroup[place.group, default: []].append((place.subgroup, field(d, layer: layer, showModels: model == nil, lang: lang)))
        }
        var groups: [Group] = []
        for (index, title) in SettingLabels.groupOrder.enumerated() {
            guard let entries = byGroup[title], !entries.isEmpty else { continue }
            var order: [String] = []
            var sub: [String: [Field]] = [:]
            var top: [Field] = []
            for (subgroup, field) in entries {
                guard let subgroup else { top.append(field); continue }
                if sub[subgroup] == nil { order.append(subgroup) }
                sub[subgroup, default: []].append(field)
            }
            if title == "Features" {
                order.sort { (SettingLabels.featureOrder.firstIndex(of: $0) ?? 99) < (SettingLabels.featureOrder.firstIndex(of: $1) ?? 99) }
            }
            let holdsOwn = entries.contains { layer.values[$0.1.key] != nil || locked.contains($0.1.key) }
            groups.append(Group(id: "group-\(index)", title: title, open: groups.isEmpty || filtered || holdsOwn, fields: top,
                                subgroups: order.map { name in
                                    let fields = sub[name] ?? []
                                    return Subgroup(title: name, fields: fields, open: filtered || fields.contains { layer.values[$0.key] != nil || locked.contains($0.key) })
                                },
                                hint: title.hasPrefix("Programmable Keys") ? lang.text("keyValueHelp") : nil))
        }
        return SettingsForm(action: action, showLocks: showLocks, groups: groups)
    }

    private static func field(_ d: SettingDefinition, layer: LayerView, showModels: Bool, lang: PortalLanguage) -> Field {
        let effective = layer.effective?[d.key]
        let value = effective?.value ?? layer.values[d.key] ?? d.defaultValue
        let lockedAbove = layer.lockedAbove[d.key]
        var lockedBy: String?
        if let scope = lockedAbove {
            let name = effective?.lockedBy == scope && effective?.source == scope ? effective?.sourceName ?? "" : ""
            lockedBy = ([lang.text("lockedBy.\(scope.rawValue)"), name].filter { !$0.isEmpty }).joined(separator: " ")
        }
        // "vient du département Ventes", "verrouillé par le client 10000": each scope with its
        // own article, written whole in the labels.
        var source = effective.map { e in [lang.text("from.\(e.source.rawValue)"), e.sourceName].filter { !$0.isEmpty }.joined(separator: " ") } ?? ""
        // Locked here without a value of its own: the default, held for every phone below.
        if layer.locked.contains(d.key), layer.values[d.key] == nil { source = lang.text("lockedAtDefault") }
        var options: [Option] = []
        var isChoice = false, isBool = false, isSecret = false, isNumber = false
        var min: Int?, max: Int?, maxLength: Int?
        switch d.kind {
        case .bool: isBool = true
        case let .choice(list):
            isChoice = true
            options = list.map { Option($0, label: SettingLabels.option($0, lang), selected: $0 == value) }
        case let .integer(range): isNumber = true; min = range.lowerBound; max = range.upperBound
        case let .text(length), let .dialPattern(length): maxLength = length
        case .orderedChoices: maxLength = 64
        case .hostPort: maxLength = 255
        case let .secret(length): isSecret = true; maxLength = length
        }
        return Field(
            key: d.key, label: SettingLabels.label(d.key, lang), isBool: isBool, isChoice: isChoice, isSecret: isSecret,
            isNumber: isNumber, isText: !(isBool || isChoice || isSecret || isNumber), value: value,
            shown: isBool ? lang.text(value == "1" ? "yes" : "no") : (isChoice ? SettingLabels.option(value, lang) : (isSecret && !value.isEmpty ? Store.maskedSecret : value)),
            checked: value == "1",
            options: options, min: min, max: max, maxLength: maxLength, source: source, lockedBy: lockedBy,
            locked: layer.locked.contains(d.key),
            models: showModels ? Catalogue.models(having: d).map { $0.map(\.name).joined(separator: ", ") } : nil)
    }

    /// What a submitted form asks the layer to hold: the layer's own values, changed where the
    /// person changed a field (a field is written to this layer only when its value now differs
    /// from the one shown, or the layer already held it; a text emptied on this layer inherits).
    static func submitted(_ form: FormBody, layer: LayerView) -> (values: [String: String], locked: [String]) {
        var values: [String: String] = [:]
        for (key, value) in layer.values where layer.lockedAbove[key] == nil { values[key] = value }
        for (name, shownValues) in form.fields where name.hasPrefix("e:") {
            let key = String(name.dropFirst(2))
            guard let definition = SettingsCatalogue.definition(key), layer.lockedAbove[key] == nil else { continue }
            let shown = shownValues.first ?? ""
            let sent: String
            if case .bool = definition.kind {
                sent = form["v:\(key)"] == "1" ? "1" : "0"
            } else {
                sent = form["v:\(key)"] ?? shown
            }
            let own = layer.values[key] != nil
            if own {
                if case .bool = definition.kind { values[key] = sent } else if sent.isEmpty { values[key] = nil } else { values[key] = sent }
            } else if sent != shown {
                values[key] = sent
            }
        }
        // Locks of fields the form did not show (a filtered profile page) stay as they were.
        let shownKeys = Set(form.fields.keys.filter { $0.hasPrefix("e:") }.map { String($0.dropFirst(2)) })
        return (values, form.all("lock") + layer.locked.filter { !shownKeys.contains($0) })
    }
}
