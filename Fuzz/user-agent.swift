import PhoneCatalog
import PieuvreCore

/// libFuzzer target: the User-Agent parser sees whatever a client sends, and the certificate
/// subject reader (mutual TLS) whatever a vendor CA signed.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let agent = PhoneUserAgent(text) {
        precondition(agent.vendor == .yealink || agent.vendor == .snom)
        if let model = agent.model { precondition(model.vendor == agent.vendor) }
    }
    if let mac = MACAddress.find(in: text) {
        precondition(text.uppercased().contains(mac.hex.uppercased()) || text.uppercased().contains(mac.description.uppercased()) || text.uppercased().contains(mac.description.replacingOccurrences(of: ":", with: "-").uppercased()))
    }
    return 0
}
