import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// The voicemail platform's reports, the mailbox counters, and the notification rules
/// ("Signal lumineux | E-mail") with the lamp state they give.
struct VoicemailController {
    let store: Store
    /// Tells the lamps a change concerns (nil when SIP is off).
    let notifier: MessageWaitingNotifier?
    /// Notification e-mails (nil when no SMTP server is configured: nothing is queued).
    let mail: MailOutbox?

    func addRoutes(to group: RouterGroup<PieuvreRequestContext>) {
        group.post("lines/:sda/voicemail/events", use: event)
        group.get("lines/:sda/voicemail", use: counters)
        group.get("lines/:sda/lamp", use: lamp)
        group.get("lines/:sda/notifications/lamp", use: lampRules)
        group.put("lines/:sda/notifications/lamp", use: setLampRules)
        group.get("lines/:sda/notifications/email", use: emailRule)
        group.put("lines/:sda/notifications/email", use: setEmailRule)
    }

    @Sendable func event(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["event", "messageId", "class", "urgent", "from"])
        guard let eventText = try body.string("event") else { throw DomainError.missing(field: "event") }
        guard let event = VoicemailEvent(rawValue: eventText) else {
            throw DomainError.invalid(field: "event", value: eventText, reason: .oneOf(["deposited", "read", "unread", "deleted"]))
        }
        guard let messageID = try body.string("messageId") else { throw DomainError.missing(field: "messageId") }
        let classText = try body.string("class") ?? "voice"
        guard let messageClass = VoicemailMessage.Class(rawValue: classText) else {
            throw DomainError.invalid(field: "class", value: classText, reason: .oneOf(["voice", "fax"]))
        }
        let report = VoicemailReport(event: event, messageID: messageID, messageClass: messageClass, urgent: try body.bool("urgent") ?? false, from: try body.string("from"))
        let sda = try context.parameters.text("sda")
        let result = try await store.recordVoicemailEvent(actor, sda: sda, report, queueMail: mail != nil)
        if result.changed { notifier?.mailboxChanged(sda) }
        return try JSONResponse.make(result.counters)
    }

    @Sendable func counters(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.voicemailCounters(try context.requireActor(), sda: try context.parameters.text("sda")))
    }

    @Sendable func lamp(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.lampState(try context.requireActor(), sda: try context.parameters.text("sda")))
    }

    @Sendable func lampRules(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.lampRules(try context.requireActor(), sda: try context.parameters.text("sda")))
    }

    /// The body and the answer: a bare JSON array `[{"number", "faxes", "urgent", "allVoicemail"}]`.
    @Sendable func setLampRules(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard let value = JSONValue.parse(Data(buffer: buffer)) else { throw APIError(.badRequest, "the body is not valid JSON") }
        guard case let .array(items) = value else { throw APIError(.badRequest, "the body must be a JSON array of rules, not \(value.typeName)") }
        let rules = try items.enumerated().map { index, item -> LampRule in
            guard case let .object(fields) = item else { throw APIError(.badRequest, "[\(index)] must be an object {\"number\", \"faxes\", \"urgent\", \"allVoicemail\"}") }
            let rule = try JSONBody(fields: fields, allowed: ["number", "faxes", "urgent", "allVoicemail"], path: "[\(index)].")
            guard let number = try rule.string("number") else { throw DomainError.missing(field: "[\(index)].number") }
            return LampRule(number: number, faxes: try rule.bool("faxes") ?? false, urgent: try rule.bool("urgent") ?? false, allVoicemail: try rule.bool("allVoicemail") ?? false)
        }
        let sda = try context.parameters.text("sda")
        let before = Set(try await store.lampRules(actor, sda: sda).map(\.number))
        let saved = try await store.setLampRules(actor, sda: sda, rules)
        // Numbers that lost a rule go out, numbers that gained one light at once if due.
        notifier?.numbersChanged(before.union(saved.map(\.number)))
        return try JSONResponse.make(saved)
    }

    @Sendable func emailRule(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let rule = try await store.emailRule(try context.requireActor(), sda: try context.parameters.text("sda"))
        return try JSONResponse.make(rule ?? EmailRule(address: "", faxes: false, urgent: false, allVoicemail: false, attach: false))
    }

    /// `{"address", "faxes", "urgent", "allVoicemail", "attach", "language"}`; an empty address
    /// removes the rule. `language` (`fr` or `en`, default `fr`) is the mails'.
    @Sendable func setEmailRule(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        let body = try await JSONBody.read(request, context: context, allowed: ["address", "faxes", "urgent", "allVoicemail", "attach", "language"])
        let address = try body.string("address") ?? ""
        let languageText = try body.string("language") ?? "fr"
        guard let language = VoicemailMail.Language(rawValue: languageText) else {
            throw DomainError.invalid(field: "language", value: languageText, reason: .oneOf(["fr", "en"]))
        }
        // Every field is read (and its type checked) even when the rule is being removed.
        let faxes = try body.bool("faxes") ?? false, urgent = try body.bool("urgent") ?? false
        let allVoicemail = try body.bool("allVoicemail") ?? false, attach = try body.bool("attach") ?? false
        let rule = address.isEmpty ? nil : EmailRule(address: address, faxes: faxes, urgent: urgent, allVoicemail: allVoicemail, attach: attach, language: language)
        let saved = try await store.setEmailRule(actor, sda: try context.parameters.text("sda"), rule)
        return try JSONResponse.make(saved ?? EmailRule(address: "", faxes: false, urgent: false, allVoicemail: false, attach: false))
    }
}
