import PieuvreCore

/// libFuzzer target: the Digest `Authorization` header parser.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let fields = DigestHeader.fields(header)
    for key in fields.keys { precondition(key == key.lowercased() || key.contains(where: { !$0.isASCII })) }
    return 0
}
