import TFTPServer

/// libFuzzer target: the TFTP packet decoder, the well-known port's gate, and a transfer fed
/// with the same bytes as if they came from its client.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let packet = try? TFTPPacket.decode(bytes) {
        // What decodes re-encodes to something that decodes the same.
        precondition((try? TFTPPacket.decode(packet.encode())) == packet)
    }
    if case let .read(request) = TFTPGate.admit(bytes) {
        var (transfer, _) = TFTPTransfer.start(request: request, file: Array(repeating: 7, count: 3000), now: 0)
        _ = transfer.receive(bytes, now: 1)
        _ = transfer.tick(now: 10)
    }
    return 0
}
