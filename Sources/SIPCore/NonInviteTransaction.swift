/// A non-INVITE client transaction over UDP (RFC 3261 §17.1.2) as a pure state machine: the
/// request is sent, resent at T1, 2·T1… up to T2 until a response comes; a provisional
/// response moves the resends to T2; a final one completes it; timer F (64·T1) gives up.
public struct NonInviteTransaction: Sendable {
    public enum Action: Sendable, Equatable {
        case send([UInt8])
        case wait(until: Double)
        case completed(status: Int)
        case timedOut
    }

    public static let t1 = 0.5
    public static let t2 = 4.0

    public let branch: String
    private let request: [UInt8]
    private var interval = t1
    private var deadline: Double
    private var proceeding = false
    public private(set) var finished = false

    public init(request: SIPMessage, now: Double) {
        self.branch = request.topViaBranch ?? ""
        self.request = request.encoded()
        self.deadline = now + 64 * Self.t1
    }

    public func start(now: Double) -> [Action] {
        [.send(request), .wait(until: now + Self.t1)]
    }

    public mutating func receive(_ response: SIPMessage, now: Double) -> [Action] {
        guard !finished, let status = response.status else { return [] }
        if status < 200 {
            proceeding = true
            return []
        }
        finished = true
        return [.completed(status: status)]
    }

    public mutating func tick(now: Double) -> [Action] {
        guard !finished else { return [] }
        if now >= deadline {
            finished = true
            return [.timedOut]
        }
        interval = proceeding ? Self.t2 : min(interval * 2, Self.t2)
        return [.send(request), .wait(until: min(now + interval, deadline))]
    }
}
