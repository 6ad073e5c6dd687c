import SIPCore
import Testing

@Suite struct SIPMessageTests {
    static let notify = "NOTIFY sip:0222969569@127.0.0.1 SIP/2.0\r\n"
        + "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-1;rport\r\n"
        + "Max-Forwards: 70\r\n"
        + "f: <sip:voicemail@127.0.0.1>;tag=a1\r\n"
        + "t: <sip:0222969569@127.0.0.1>\r\n"
        + "i: abc@pieuvre\r\n"
        + "CSeq: 1 NOTIFY\r\n"
        + "o: message-summary\r\n"
        + "Subject: a folded\r\n  value\r\n"
        + "l: 5\r\n\r\nhello padding"

    @Test func aRequestWithCompactAndFoldedHeaders() throws {
        let message = try SIPMessage.parse(Array(Self.notify.utf8))
        #expect(message.method == "NOTIFY")
        #expect(message.header("Event") == "message-summary" && message.header("From")?.hasPrefix("<sip:voicemail") == true)
        #expect(message.header("call-id") == "abc@pieuvre")
        #expect(message.header("Subject") == "a folded value")
        #expect(message.cseq?.number == 1 && message.cseq?.method == "NOTIFY")
        #expect(message.topViaBranch == "z9hG4bK-1")
        #expect(message.body == Array("hello".utf8), "Content-Length decides; padding is dropped")
        // Encoded and read again: the same message.
        #expect(try SIPMessage.parse(message.encoded()).body == message.body)
        #expect(try SIPMessage.parse(message.encoded()).header("Event") == "message-summary")
    }

    @Test func aResponse() throws {
        let message = try SIPMessage.parse(Array("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx\r\nCSeq: 1 NOTIFY\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(message.status == 200 && message.topViaBranch == "z9hG4bKx" && !message.isRequest)
    }

    @Test(arguments: [
        ("", SIPParseError.noHeaderEnd),
        ("NOTIFY sip:x SIP/2.0\r\nVia: a", .noHeaderEnd),
        ("HELLO\r\n\r\n", .badStartLine("HELLO")),
        ("SIP/2.0 99 Too Low\r\n\r\n", .badStartLine("SIP/2.0 99 Too Low")),
        ("SIP/2.0 abc OK\r\n\r\n", .badStartLine("SIP/2.0 abc OK")),
        ("notify sip:x SIP/3.0\r\n\r\n", .badStartLine("notify sip:x SIP/3.0")),
        ("NOTIFY nouri SIP/2.0\r\n\r\n", .badStartLine("NOTIFY nouri SIP/2.0")),
        ("NOTIFY sip:x SIP/2.0\r\n no header before\r\n\r\n", .badHeader(" no header before")),
        ("NOTIFY sip:x SIP/2.0\r\nNo colon here\r\n\r\n", .badHeader("No colon here")),
        ("NOTIFY sip:x SIP/2.0\r\nBad Name: x\r\n\r\n", .badHeader("Bad Name: x")),
        ("NOTIFY sip:x SIP/2.0\r\nContent-Length: -1\r\n\r\n", .badContentLength("-1")),
        ("NOTIFY sip:x SIP/2.0\r\nContent-Length: 9\r\n\r\nshort", .bodyShorterThanContentLength),
    ])
    func malformedMessagesAreRefusedNamingTheProblem(_ text: String, _ error: SIPParseError) {
        #expect(throws: error) { try SIPMessage.parse(Array(text.utf8)) }
    }

    @Test func oversizedAndHeaderFloodsAreRefused() {
        #expect(throws: SIPParseError.tooLarge) { try SIPMessage.parse(Array(repeating: 0x41, count: 70_000)) }
        let flood = "NOTIFY sip:x SIP/2.0\r\n" + String(repeating: "X: y\r\n", count: 101) + "\r\n"
        #expect(throws: SIPParseError.tooManyHeaders) { try SIPMessage.parse(Array(flood.utf8)) }
        // Arbitrary bytes never trap.
        for seed in 0..<2000 {
            var generator = SplitMix(seed: UInt64(seed))
            let bytes = (0..<Int(generator.next() % 300)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = try? SIPMessage.parse(bytes)
        }
    }

    @Test func theMessageSummaryBodyOfRFC3842() {
        var summary = MessageSummary(waiting: true, account: "sip:0970711005@127.0.0.1")
        summary.voiceNew = 2; summary.voiceOld = 8; summary.voiceUrgentNew = 1; summary.faxNew = 1
        #expect(summary.body == "Messages-Waiting: yes\r\nMessage-Account: sip:0970711005@127.0.0.1\r\nVoice-Message: 2/8 (1/0)\r\nFax-Message: 1/0\r\n")
    }

    @Test func aNonInviteTransactionResendsThenCompletesOrTimesOut() throws {
        let request = try SIPMessage.parse(Array(Self.notify.utf8))
        var transaction = NonInviteTransaction(request: request, now: 0)
        #expect(transaction.start(now: 0) == [.send(request.encoded()), .wait(until: 0.5)])
        #expect(transaction.tick(now: 0.5) == [.send(request.encoded()), .wait(until: 1.5)])
        #expect(transaction.tick(now: 1.5) == [.send(request.encoded()), .wait(until: 3.5)])
        let ok = try SIPMessage.parse(Array("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\r\nContent-Length: 0\r\n\r\n".utf8))
        #expect(transaction.receive(ok, now: 2) == [.completed(status: 200)])
        #expect(transaction.tick(now: 4).isEmpty)
        var lost = NonInviteTransaction(request: request, now: 0)
        var now = 0.5
        var sends = 0
        while !lost.finished {
            for action in lost.tick(now: now) {
                if case .send = action { sends += 1 }
                if case let .wait(until) = action { now = until }
            }
        }
        #expect(now >= 32 && sends >= 9 && sends <= 12, "timer F after 64·T1, resends capped at T2")
    }
}

/// A small deterministic generator for the byte soup above.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
