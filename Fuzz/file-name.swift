import PhoneCatalog

/// libFuzzer target: file-name routing of `/sip-ps/<name>` and TFTP read requests.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let name = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let path = ProvisioningPath(fileName: name), let mac = path.mac {
        precondition(mac.hex.count == 12)
    }
    return 0
}
