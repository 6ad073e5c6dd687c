import PieuvreCore
import PieuvreStore

/// "Resynchroniser" / "Redémarrer", whichever door asks (the API, the portal): the same steps in
/// the same order, each door saying "SIP is off" its own way (409 in the API, the page's message).
enum PhoneActions {
    /// No NOTIFY can leave: SIP is off, or names no platform to send through.
    struct SIPOff: Error {}

    /// Sends the check-sync (with the reboot flag the action asks) to the phone's line and
    /// answers that number. Whether the caller may see the phone comes first, so another
    /// tenant's MAC is "not found" whatever SIP's state; the Store then checks the role and
    /// audits before anything leaves.
    static func send(_ action: Store.PhoneAction, mac: String, actor: Actor, store: Store, notifier: MessageWaitingNotifier?) async throws -> String {
        _ = try await store.phone(actor, mac: mac)
        guard let notifier, notifier.reachesPhones else { throw SIPOff() }
        let number = try await store.requestPhoneAction(actor, mac: mac, action)
        notifier.checkSyncNow(number, reboot: action == .reboot)
        return number
    }

    /// The same for a portal form: SIP off is the page's own refusal, in the page's language.
    static func sendFromPortal(_ action: Store.PhoneAction, mac: String, actor: Actor, store: Store, notifier: MessageWaitingNotifier?) async throws -> String {
        do {
            return try await send(action, mac: mac, actor: actor, store: store, notifier: notifier)
        } catch is SIPOff {
            throw DomainError.unprocessable(.portal("sip-off", label: "sipOff"))
        }
    }
}
