import Foundation
import PieuvreCore
@testable import PieuvreServer
import Testing

@Suite struct DigestTests {
    @Test func nonceCountsAreSingleUseWithAWindowForReordering() {
        var seen = DigestAuthenticator.SeenCounts(expires: .distantFuture)
        let counts: [UInt64] = [1, 3, 2, 2, 3, 5000, 5000 - 1023, 5000 - 1024, 5070, 5069, 5000, 4000]
        let answers = counts.map { seen.accept($0) }
        // In order: fresh, fresh, out of order but fresh, replay, replay, far ahead, the oldest
        // the window remembers, older than the window, a slide across words, fresh, replay, too old.
        #expect(answers == [true, true, true, false, false, true, true, false, true, true, false, false])
    }

    @Test func headersAreParsedWithQuotesAndCommas() {
        let fields = DigestAuthenticator.parse(#"username="805ec0021c1b", realm="pieuvre", nonce="a-b.c", uri="/sip-ps/x.cfg", qop=auth, nc=00000001, cnonce="x,y", response="0f""#)
        #expect(fields["username"] == "805ec0021c1b" && fields["uri"] == "/sip-ps/x.cfg" && fields["qop"] == "auth" && fields["nc"] == "00000001" && fields["cnonce"] == "x,y")
    }

    /// Two nodes share the signing key. An answer one accepted is a replay on it, and the other
    /// node answers it `stale` (a fresh challenge of its own), never valid: without this the
    /// other node, which has not seen the count, took the replay.
    @Test func anAnswerReplayedOnAnotherNodeIsStaleNotValid() {
        let now = Date()
        let nodeA = DigestAuthenticator(key: "shared"), nodeB = DigestAuthenticator(key: "shared")
        #expect(nodeA.node != nodeB.node)
        let nonce = nodeA.nonce(now: now)
        let ha1 = DigestAuthenticator.md5("805ec0021c1b:pieuvre:secret")
        let ha2 = DigestAuthenticator.md5("GET:/sip-ps/805ec0021c1b.cfg")
        let response = DigestAuthenticator.md5("\(ha1):\(nonce):00000001:c1:auth:\(ha2)")
        let header = #"Digest username="805ec0021c1b", realm="pieuvre", nonce="\#(nonce)", uri="/sip-ps/805ec0021c1b.cfg", qop=auth, nc=00000001, cnonce="c1", response="\#(response)""#
        func check(_ node: DigestAuthenticator, password: String = "secret") -> PresentedCredentials {
            node.check(header: header, method: "GET", path: "/sip-ps/805ec0021c1b.cfg", username: "805ec0021c1b", password: password, now: now)
        }
        #expect(check(nodeA) == .valid)
        #expect(check(nodeA) == .invalid)
        #expect(check(nodeB) == .stale)
        // A wrong password is invalid on the other node too: stale says nothing about the secret.
        #expect(check(nodeB, password: "wrong") == .invalid)
    }
}
