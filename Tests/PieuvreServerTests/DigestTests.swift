import Foundation
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
}
