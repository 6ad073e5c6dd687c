import Crypto
import Foundation

/// Secrets at rest (SIP, device and web passwords, secret settings, the server's signing key)
/// are sealed with AES-GCM under a key kept in a file outside the database, so a copy of the
/// database alone gives none of them away. A sealed value reads `enc1:<base64 nonce|box|tag>`;
/// a value without the prefix is one written before encryption and is read as it is (and sealed
/// by `Store.sealSecretsAtRest` at the next start).
public struct SecretBox: Sendable {
    /// The key's bytes (SymmetricKey is not Sendable in this swift-crypto).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    static let prefix = "enc1:"

    public init(key: SymmetricKey) { self.keyBytes = key.withUnsafeBytes { Array($0) } }

    /// A key for one process (tests): what it seals cannot be read after a restart.
    public static func ephemeral() -> SecretBox { SecretBox(key: SymmetricKey(size: .bits256)) }

    /// The key in `path`, created (32 random bytes, base64, mode 0600) when there is none.
    public static func load(path: String) throws -> SecretBox {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
            let key = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            guard manager.createFile(atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600]) else {
                throw SecretKeyError("cannot create the secrets key file \(path)")
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: text), data.count == 32 else {
            throw SecretKeyError("\(path) does not hold a secrets key (32 bytes in base64)")
        }
        try? manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        return SecretBox(key: SymmetricKey(data: data))
    }

    public func seal(_ plain: String) -> String {
        // AES-GCM with a fresh random nonce cannot fail for a valid key.
        let box = try! AES.GCM.seal(Data(plain.utf8), using: key)
        return Self.prefix + box.combined!.base64EncodedString()
    }

    /// The plain text of a sealed value (a value never sealed is returned as it is).
    public func open(_ stored: String) throws -> String {
        guard stored.hasPrefix(Self.prefix) else { return stored }
        guard let data = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: data),
              let plain = try? AES.GCM.open(box, using: key) else {
            throw SecretKeyError("a secret in the database does not open with this secrets key: start with the key file the database was written with (--secrets-key)")
        }
        return String(decoding: plain, as: UTF8.self)
    }

    static func isSealed(_ value: String) -> Bool { value.hasPrefix(prefix) }
}

public struct SecretKeyError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
