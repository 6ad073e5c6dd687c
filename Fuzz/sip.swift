import SIPCore

/// libFuzzer target: the SIP parser (every datagram the SIP port receives goes through it).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? SIPMessage.parse(bytes) {
        // What parses is written out as a message that parses again, with the same body; the
        // only allowed refusal is the header count (encoding adds Content-Length to a message
        // that had the most headers allowed, found by this target).
        do {
            let again = try SIPMessage.parse(message.encoded())
            precondition(again.body == message.body)
        } catch {
            precondition(error == .tooManyHeaders && message.headers.count == SIPMessage.maxHeaders)
        }
        _ = message.topViaBranch
        _ = message.cseq
        // A SUBSCRIBE that came through the proxy: accepted or refused, never a trap.
        if var dialog = try? Subscription(accepting: message, localTag: "t", now: 0) {
            _ = dialog.accept(message, contact: "sip:v@h", now: 0)
            _ = dialog.notify(via: "h:1", branch: "b", contact: "sip:v@h", now: 1, contentType: "x/y", body: [])
            _ = SIPHeaders.user(of: dialog.resource)
        }
        _ = message.headerValues("Record-Route")
    }
    return 0
}
