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
        let parts = agent.firmware.split(separator: ".")
        guard parts.count >= 2, let major = Int(parts[1]) else { self = .unknown; return }
        self = major >= 81 ? .v81OrLater : .v80OrEarlier
    }

    /// A rendered file (written with V81 names) as this firmware reads it. Byte-stable: the
    /// same file and firmware give the same bytes.
    public func adapt(_ file: RenderedFile) -> RenderedFile {
        guard self != .v81OrLater else { return file }
        let text = String(decoding: file.bytes, as: UTF8.self)
        var out = ""
        out.reserveCapacity(text.utf8.count + 512)
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("static.") {
                let unprefixed = line.dropFirst("static.".count)
                if self == .unknown { out += line + "\n" }
                out += unprefixed + "\n"
            } else {
                out += line + "\n"
            }
        }
        // split kept the empty piece after the last newline: one newline too many.
        if out.hasSuffix("\n\n") || (!text.hasSuffix("\n") && out.hasSuffix("\n")) { out.removeLast() }
        return RenderedFile(out, contentType: file.contentType)
    }
}
