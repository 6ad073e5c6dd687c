import Crypto
import Foundation
import PhoneCatalog
import PieuvreCore
import Simulator
import TFTPServer
import Testing

@Suite struct FetchScriptTests {
    let t46g = SimulatedPhone(mac: try! MACAddress(parsing: "00:15:65:82:0B:99"), model: Catalogue.model(id: "yealink-t46g")!)
    let d765 = SimulatedPhone(mac: try! MACAddress(parsing: "00:04:13:90:08:59"), model: Catalogue.model(id: "snom-d765")!)

    @Test func phonesAskForTheirFilesInOrderWithTheirOwnUserAgent() {
        #expect(t46g.files.map(\.name) == ["y000000000000.boot", "y000000000028.cfg", "001565820b99.cfg"])
        #expect(d765.files.map(\.name) == ["snomD765.htm", "snomD765-000413900859.htm"])
        // The server's own parser reads back the model and MAC the simulator puts in.
        for phone in [t46g, d765] {
            let agent = PhoneUserAgent(phone.userAgent)
            #expect(agent?.model == phone.model && agent?.mac == phone.mac)
        }
    }

    @Test func aChallengeIsAnsweredOnceWithTheCredentialsLearnedFromTheDeviceFile() throws {
        var script = HTTPFetchScript(phone: t46g, basePath: "/sip-ps/", credentials: nil)
        #expect(script.received(status: 404, wwwAuthenticate: nil, body: []) == .proceed)  // no boot file: go on
        #expect(script.next()?.path == "/sip-ps/y000000000028.cfg")
        #expect(script.received(status: 200, wwwAuthenticate: nil, body: []) == .proceed)
        let device = Array("static.auto_provision.server.username = 001565820b99\nstatic.auto_provision.server.password = s3cret\n".utf8)
        #expect(script.received(status: 200, wwwAuthenticate: nil, body: device) == .proceed)
        #expect(script.next() == nil && script.credentials == DeviceCredentials(username: "001565820b99", password: "s3cret"))

        // Next boot, window closed: the device file is challenged, answered once, then refused.
        var later = HTTPFetchScript(phone: t46g, basePath: "/sip-ps/", credentials: script.credentials)
        _ = later.received(status: 200, wwwAuthenticate: nil, body: [])
        _ = later.received(status: 200, wwwAuthenticate: nil, body: [])
        #expect(later.next()?.headers["Authorization"] == nil)
        let challenge = #"Digest realm="pieuvre", qop="auth", algorithm=MD5, nonce="abc-1.sig", opaque="70696575767265""#
        #expect(later.received(status: 401, wwwAuthenticate: challenge, body: []) == .proceed)
        let answer = try #require(later.next()?.headers["Authorization"])
        let fields = DigestHeader.fields(String(answer.dropFirst(7)))
        let md5 = { (text: String) in Hex.lower(Insecure.MD5.hash(data: Data(text.utf8))) }
        let expected = md5("\(md5("001565820b99:pieuvre:s3cret")):abc-1.sig:\(fields["nc"]!):\(fields["cnonce"]!):auth:\(md5("GET:/sip-ps/001565820b99.cfg"))")
        #expect(fields["response"] == expected && fields["uri"] == "/sip-ps/001565820b99.cfg" && fields["opaque"] == "70696575767265")
        #expect(later.received(status: 401, wwwAuthenticate: challenge, body: []) == .failed("device: 401 with credentials"))
        #expect(later.next() == nil)
    }

    @Test func withoutCredentialsAClosedWindowIsAFailureByReason() {
        var script = HTTPFetchScript(phone: d765, basePath: "/sip-ps", credentials: nil)
        #expect(script.next()?.path == "/sip-ps/snomD765.htm")
        _ = script.received(status: 200, wwwAuthenticate: nil, body: [])
        #expect(script.received(status: 401, wwwAuthenticate: "Digest realm=\"pieuvre\", nonce=\"n\"", body: []) == .failed("device: 401 without credentials (window closed)"))
    }

    @Test func yealinkCredentialsAreReadWithOrWithoutStaticAndSpaces() {
        let v81 = "#!version:1.0.0.1\r\naccount.1.password = a=b\r\nstatic.auto_provision.server.username = 001565820b99\r\nstatic.auto_provision.server.password =\ts3=cret \r\n"
        #expect(DeviceCredentials.read(from: v81, vendor: .yealink) == DeviceCredentials(username: "001565820b99", password: "s3=cret"))
        let v80 = "auto_provision.server.username=u\nauto_provision.server.password = p\n"
        #expect(DeviceCredentials.read(from: v80, vendor: .yealink) == DeviceCredentials(username: "u", password: "p"))
        #expect(DeviceCredentials.read(from: "auto_provision.server.username = u\nauto_provision.server.password =\n", vendor: .yealink) == nil)
        #expect(DeviceCredentials.read(from: "static.auto_provision.server.username_x = u\n", vendor: .yealink) == nil)
    }

    @Test func snomCredentialsAreReadFromTheXML() {
        let xml = #"<settings><phone-settings><http_client_user perm="R">000413900859</http_client_user><http_client_pass perm="R">p&lt;x</http_client_pass></phone-settings></settings>"#
        #expect(DeviceCredentials.read(from: xml, vendor: .snom) == DeviceCredentials(username: "000413900859", password: "p<x"))
        #expect(DeviceCredentials.read(from: "<settings/>", vendor: .snom) == nil)
    }

    @Test func tftpReadNegotiatesTheBlockSizeAndAcknowledgesEveryBlock() {
        var script = TFTPReadScript(fileName: "001565820b99.cfg", blockSize: 1024)
        #expect(try! TFTPPacket.decode(script.request) == .readRequest(TFTPRequest(fileName: "001565820b99.cfg", mode: .octet, options: [("blksize", "1024")])))
        #expect(script.received(TFTPPacket.optionAck([("blksize", "1024")]).encode()) == .send(TFTPPacket.ack(block: 0).encode()))
        let first = [UInt8](repeating: 65, count: 1024), last = [UInt8](repeating: 66, count: 10)
        #expect(script.received(TFTPPacket.data(block: 1, payload: first[...]).encode()) == .send(TFTPPacket.ack(block: 1).encode()))
        // The server did not hear the ACK and sends block 1 again: acknowledged again, not appended.
        #expect(script.received(TFTPPacket.data(block: 1, payload: first[...]).encode()) == .send(TFTPPacket.ack(block: 1).encode()))
        #expect(script.received(TFTPPacket.data(block: 2, payload: last[...]).encode()) == .done(ack: TFTPPacket.ack(block: 2).encode(), file: first + last))
    }

    @Test func tftpWithoutOptionsReadsInBlocksOf512AndReportsErrors() {
        var script = TFTPReadScript(fileName: "x.cfg")
        let full = [UInt8](repeating: 1, count: 512)
        #expect(script.received(TFTPPacket.data(block: 1, payload: full[...]).encode()) == .send(TFTPPacket.ack(block: 1).encode()))
        #expect(script.received(TFTPPacket.data(block: 2, payload: [][...]).encode()) == .done(ack: TFTPPacket.ack(block: 2).encode(), file: full))
        var refused = TFTPReadScript(fileName: "nope.cfg")
        #expect(refused.received(TFTPPacket.error(.fileNotFound, "file not found").encode()) == .failed("TFTP error 1: file not found"))
    }
}
