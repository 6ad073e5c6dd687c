import Crypto
import Foundation
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOPosix
import PieuvreCore

/// Generation and hashing of secrets, in one place.
enum Secrets {
    /// `bytes` random bytes from the system's CSPRNG as URL-safe base64 without padding.
    static func token(bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A password a phone or a person can type: letters and digits without look-alikes.
    /// 20 characters from 56 symbols is about 116 bits.
    static func password(length: Int = 20) -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    static func sha256Hex(_ text: String) -> String {
        Hex.lower(SHA256.hash(data: Data(text.utf8)))
    }

    /// bcrypt is deliberately slow: run it on the thread pool, never on an event loop.
    static func hashPassword(_ password: String, cost: UInt8) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    static func verifyPassword(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash of a random password at the given cost (one per cost, computed once).
    static func decoy(cost: UInt8) -> String {
        decoys.withLockedValue { cache in
            if let hash = cache[cost] { return hash }
            let hash = Bcrypt.hash(Secrets.password(), cost: cost)
            cache[cost] = hash
            return hash
        }
    }

    private static let decoys = NIOLockedValueBox([UInt8: String]())
}
