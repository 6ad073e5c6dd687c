import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A boot storm: phones booting at once, `concurrency` at a time, each as a real one would.
public struct Storm: Sendable {
    public enum Transport: String, Sendable, CaseIterable {
        case http, https, tftp
    }

    public let transport: Transport
    public let concurrency: Int
    /// Per phone, everything included (connection, handshake, every file).
    public let timeout: Duration
    private let http: HTTPPhoneClient?
    private let tftp: TFTPPhoneClient?
    private let spreadSources: Bool

    /// `base`: the provisioning URL (`https://host/sip-ps/`); over TFTP only its host is used,
    /// with `tftpPort`. `caFile`: trust that CA (PEM) besides the system's; `insecure`: no check.
    public init(base: URL, transport: Transport, concurrency: Int, tftpPort: Int = 69, caFile: String? = nil, insecure: Bool = false, timeout: Duration = .seconds(30)) throws {
        guard let host = base.host, !host.isEmpty else { throw StormError("the URL '\(base)' has no host") }
        self.transport = transport
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        let group = MultiThreadedEventLoopGroup.singleton
        #if os(Linux)
        // Linux answers on all of 127.0.0.0/8; elsewhere only 127.0.0.1 exists by default.
        spreadSources = host == "localhost" || host.hasPrefix("127.")
        #else
        spreadSources = false
        #endif
        switch transport {
        case .tftp:
            let address: SocketAddress
            do { address = try SocketAddress.makeAddressResolvingHost(host, port: tftpPort) } catch { throw StormError("cannot resolve \(host): \(error)") }
            tftp = TFTPPhoneClient(server: address, group: group)
            http = nil
        case .http, .https:
            var context: NIOSSLContext?
            if transport == .https {
                var configuration = TLSConfiguration.makeClientConfiguration()
                // The key exchanges a phone's TLS stack offers: BoringSSL's default adds the
                // post-quantum hybrid (X25519 + ML-KEM-768), which no phone sends; offering it
                // would measure a handshake no phone makes, and pay ML-KEM on both sides.
                configuration.curves = [.x25519, .secp256r1]
                if let caFile { configuration.additionalTrustRoots = [.file(caFile)] }
                if insecure { configuration.certificateVerification = .none }
                context = try NIOSSLContext(configuration: configuration)
            }
            let port = base.port ?? (transport == .https ? 443 : 80)
            let path = base.path.isEmpty ? "/sip-ps/" : base.path
            http = HTTPPhoneClient(host: host, port: port, basePath: path, tls: context, group: group)
            tftp = nil
        }
    }

    /// Boots every phone; `progress(done, total)` after each. Credentials known from an
    /// earlier storm are answered with; the outcomes carry what each phone holds afterwards.
    public func run(_ phones: [SimulatedPhone], credentials: [String: DeviceCredentials] = [:],
                    progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> (report: StormReport, outcomes: [PhoneOutcome]) {
        let clock = ContinuousClock()
        let started = clock.now
        var outcomes = [PhoneOutcome?](repeating: nil, count: phones.count)
        await withTaskGroup(of: (Int, PhoneOutcome).self) { group in
            var nextIndex = 0
            func launch() {
                let index = nextIndex
                let phone = phones[index]
                let known = credentials[phone.mac.hex]
                nextIndex += 1
                group.addTask { (index, await self.boot(phone, credentials: known, from: self.source(index))) }
            }
            while nextIndex < min(concurrency, phones.count) { launch() }
            var done = 0
            for await (index, outcome) in group {
                outcomes[index] = outcome
                done += 1
                progress(done, phones.count)
                if nextIndex < phones.count { launch() }
            }
        }
        let results = outcomes.map { $0 ?? PhoneOutcome(failure: "not run") }
        let report = StormReport(outcomes: results, seconds: HTTPPhoneClient.seconds(clock.now - started), protocol: transport.rawValue, concurrency: concurrency)
        return (report, results)
    }

    /// Against a server on loopback each phone gets its own source address (127.0.x.y), as
    /// phones on a network have theirs: limits and counters kept per address (TFTP transfers,
    /// guesses) then see a fleet, not one client.
    func source(_ index: Int) -> String? {
        guard spreadSources else { return nil }
        return "127.0.\((index / 250) % 250).\(2 + index % 250)"
    }

    private func boot(_ phone: SimulatedPhone, credentials: DeviceCredentials?, from source: String?) async -> PhoneOutcome {
        let timeout = self.timeout
        return await withTaskGroup(of: PhoneOutcome?.self) { group in
            group.addTask {
                if let http { return await http.boot(phone, credentials: credentials, from: source) }
                if let tftp { return await tftp.boot(phone, from: source) }
                return PhoneOutcome(failure: "no transport")
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : PhoneOutcome(failure: "timeout")
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? PhoneOutcome(failure: "timeout")
        }
    }
}

public struct StormError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
