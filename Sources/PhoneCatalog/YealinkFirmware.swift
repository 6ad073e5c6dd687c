/// Which parameter names a Yealink phone's firmware reads. V81 and later read `static.`-prefixed
/// names for what survives a reset (`static.auto_provision.*`, `static.security.*`); V80 and
/// older read the same names without the prefix (wazo's v80 templates), so a V80 phone given
/// only `static.` names never learns its device credentials and is locked out when its window
/// closes. The firmware is the User-Agent's version (`Yealink SIP-T46G 28.80.0.95 …`: V80).
public enum YealinkFirmware: Sendable, Equatable {
    case v81OrLater
    case v80OrEarlier
    /// No User-Agent (TFTP) or one without a version: both forms are written, each firmware
    /// reading its own and ignoring the other's.
    case unknown

    public init(agent: PhoneUserAgent?) {
        guard let agent, agent.vendor == .yealink else { self = .unknown; return }
        // The second number of `78.86.0.15`, read on bytes (this runs on every Yealink fetch).
        let parts = agent.firmware.utf8.split(separator: UInt8(ascii: "."))
        guard parts.count >= 2, let major = Int(Substring(parts[1])) else { self = .unknown; return }
        self = major >= 81 ? .v81OrLater : .v80OrEarlier
    }

    /// A rendered file (written with V81 names) as this firmware reads it. Byte-stable: the
    /// same file and firmware give the same bytes.
    public func adapt(_ file: RenderedFile) -> RenderedFile {
        guard self != .v81OrLater else { return file }
        var lines: [Substring] = []
        for line in String(decoding: file.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("static.") {
                if self == .unknown { lines.append(line) }
                lines.append(line.dropFirst("static.".count))
            } else {
                lines.append(line)
            }
        }
        return RenderedFile(lines.joined(separator: "\n"), contentType: file.contentType)
    }
}
