import PieuvreCore
import Testing

/// The connection rules behind the HTTP(S) listeners' guard (issue #26, item 1).
@Suite struct ConnectionRulesTests {
    let limits = ConnectionTimeouts.Limits(header: 30, body: 20, idle: 75)

    @Test func eachPhaseHasItsDeadlineAndAnsweringHasNone() {
        var t = ConnectionTimeouts(limits: limits)
        #expect(t.deadline == 30, "a new connection owes its first header")
        t.headRead()
        #expect(t.deadline == 20, "then its body")
        t.bodyRead()
        #expect(t.deadline == 20, "each part of the body starts the clock again")
        t.requestEnded()
        #expect(t.deadline == nil, "the server answers: no deadline on the client")
        t.answerEnded()
        #expect(t.deadline == 75, "keep-alive: the next request may take the idle time")
    }

    @Test func pipelinedRequestsKeepTheDeadlineOffUntilTheLastAnswer() {
        var t = ConnectionTimeouts(limits: limits)
        t.headRead(); t.requestEnded()
        t.headRead(); t.requestEnded()
        t.answerEnded()
        #expect(t.deadline == nil, "one answer still owed")
        t.answerEnded()
        #expect(t.deadline == 75)
        t.answerEnded()
        #expect(t.deadline == 75, "an extra end never goes negative")
    }

    @Test func capsHoldPerAddressAndInAll() {
        var caps = ConnectionLimits(total: 3, perAddress: 2)
        let first = caps.admit("192.0.2.1"), second = caps.admit("192.0.2.1"), third = caps.admit("192.0.2.1")
        #expect(first && second)
        #expect(!third, "the address has its two")
        let other = caps.admit("192.0.2.2"), fourth = caps.admit("192.0.2.3")
        #expect(other)
        #expect(!fourth, "three in all")
        caps.release("192.0.2.1")
        let again = caps.admit("192.0.2.3")
        #expect(again && caps.open == 3)
        caps.release("192.0.2.2")
        #expect(caps.count("192.0.2.2") == 0 && caps.addresses == 2, "an address with none open is forgotten")
    }

    @Test func aTrustedProxyCountsInTheTotalOnly() {
        var caps = ConnectionLimits(total: 4, perAddress: 1)
        var admitted = 0
        for _ in 0..<5 where caps.admit("10.0.0.1", counted: false) { admitted += 1 }
        #expect(admitted == 4, "the total still holds")
        #expect(caps.addresses == 0)
        caps.release("10.0.0.1", counted: false)
        #expect(caps.open == 3)
    }
}
