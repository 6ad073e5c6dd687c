import PhoneCatalog

/// libFuzzer target: the User-Agent parser sees whatever a client sends.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let agent = PhoneUserAgent(text) {
        precondition(agent.vendor == .yealink || agent.vendor == .snom)
        if let model = agent.model { precondition(model.vendor == agent.vendor) }
    }
    return 0
}
