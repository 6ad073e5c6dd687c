import Foundation
import PhoneCatalog
import PieuvreCore

/// One phone of a storm: its MAC and model, and from them what a real one of that model sends.
public struct SimulatedPhone: Sendable, Hashable {
    public let mac: MACAddress
    public let model: PhoneModel

    public init(mac: MACAddress, model: PhoneModel) {
        self.mac = mac
        self.model = model
    }

    /// The User-Agent the model sends (forms captured in the field, reference/yealink-snom.md §1,
    /// §4): Yealink `Yealink SIP-T46G 28.86.0.15 00:15:65:82:0b:99` (`SIP-` for the T4x and the
    /// CP920), snom `Mozilla/4.0 (compatible; snomD765-SIP 10.1.54.13 … 000413900859 SXM:0 UXM:0)`.
    public var userAgent: String {
        switch model.vendor {
        case .yealink:
            let sip = model.name.hasPrefix("T") || model.name == "CP920" ? "SIP-" : ""
            return "Yealink \(sip)\(model.name) \(model.yealinkCode ?? "00").86.0.15 \(mac.description.lowercased())"
        case .snom:
            return "Mozilla/4.0 (compatible; \(model.snomType ?? "snom")-SIP 10.1.54.13 2010.12-00004-g9ba52f5 \(mac.hex.uppercased()) SXM:0 UXM:0)"
        }
    }

    /// The files it asks for at boot, in order: Yealink's boot file, the model's common file,
    /// its own device file.
    public var files: [PhoneFile] {
        var files: [PhoneFile] = []
        if model.vendor == .yealink { files.append(PhoneFile(name: "y000000000000.boot", kind: .boot)) }
        files.append(PhoneFile(name: model.commonFileName, kind: .common))
        files.append(PhoneFile(name: model.deviceFileName(mac), kind: .device))
        return files
    }
}

public struct PhoneFile: Sendable, Hashable {
    public let name: String
    public let kind: FileKind
}

public enum FileKind: String, Sendable, CaseIterable, Codable {
    case boot, common, device
}

/// The credentials a device file gives the phone, which it answers digest challenges with.
public struct DeviceCredentials: Sendable, Hashable, Codable {
    public let username: String
    public let password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Read from a device file as the phone reads it: Yealink's
    /// `[static.]auto_provision.server.username/password`, snom's `http_client_user/pass`.
    public static func read(from file: String, vendor: Vendor) -> DeviceCredentials? {
        switch vendor {
        case .yealink:
            // Read on bytes: the simulator shares the cores with the server it measures, and
            // splitting a whole device file into trimmed Strings cost it half of its time.
            var user: String?, pass: String?
            for line in file.utf8.split(whereSeparator: { $0 == 0x0A || $0 == 0x0D }) {
                guard let equals = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
                var key = trimmed(line[..<equals])
                if key.starts(with: "static.".utf8) { key = key.dropFirst(7) }
                if key.elementsEqual("auto_provision.server.username".utf8) { user = String(Substring(trimmed(line[line.index(after: equals)...]))) }
                if key.elementsEqual("auto_provision.server.password".utf8) { pass = String(Substring(trimmed(line[line.index(after: equals)...]))) }
            }
            guard let user, let pass, !user.isEmpty, !pass.isEmpty else { return nil }
            return DeviceCredentials(username: user, password: pass)
        case .snom:
            guard let user = element("http_client_user", in: file), let pass = element("http_client_pass", in: file) else { return nil }
            return DeviceCredentials(username: user, password: pass)
        }
    }

    /// Without the spaces and tabs around it.
    private static func trimmed(_ text: Substring.UTF8View) -> Substring.UTF8View {
        var text = text
        while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        while let last = text.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        return text
    }

    private static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex),
              let start = xml.range(of: ">", range: open.upperBound..<close.lowerBound) else { return nil }
        // The phone reads the value as XML text: entities stand for their characters.
        let value = String(xml[start.upperBound..<close.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        return value.isEmpty ? nil : value
    }
}
