import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOSSL
import PieuvreServer
import PieuvreStore
import SwiftASN1
import X509

/// The checks of `pieuvre doctor`, in the order a phone meets what they check.
struct DoctorChecks {
    let common: CommonOptions
    let configuration: ServerConfiguration
    /// Clock readings gathered on the way (the database's, the public URL's `Date`), compared
    /// with this machine's at the end.
    private var databaseOffset: Double?
    private var webOffset: Double?

    init(common: CommonOptions, configuration: ServerConfiguration) {
        self.common = common
        self.configuration = configuration
    }

    mutating func runAll() async -> [Finding] {
        var findings = [await database()]
        findings.append(await publicURL())
        findings.append(await certificate())
        findings.append(await phoneCA())
        findings.append(tftp())
        findings.append(sipProxy())
        findings.append(clock())
        return findings
    }

    // MARK: database

    mutating func database() async -> Finding {
        let name = "database"
        let location: DatabaseLocation
        do { location = try common.location() } catch { return .fail(name, "\(error)", fix: "give --database-url as sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DB") }
        if case let .sqlite(path) = location, !FileManager.default.fileExists(atPath: path) {
            // Opening it would create an empty database: doctor changes nothing.
            return .fail(name, "no database at \(path)", fix: "start the server once (it creates and migrates the database), or point --data-dir / --database-url at the existing one")
        }
        let storage: Storage
        do { storage = try Storage(location: location, logger: .init(label: "doctor", factory: { _ in SwiftLogNoOpLogHandler() })) } catch {
            return .fail(name, "\(location): \(error)", fix: "check --database-url")
        }
        let before = Date().timeIntervalSince1970
        let clock: Double
        do {
            clock = try await Self.within(seconds: 10) { try await storage.databaseClock() }
        } catch {
            await storage.shutdown()
            return .fail(name, "\(location) does not answer: \(Self.short(error))", fix: "check that PostgreSQL runs, listens where --database-url says and accepts that user and password (or that the SQLite file is readable by this user)")
        }
        let after = Date().timeIntervalSince1970
        databaseOffset = clock - (before + after) / 2
        let applied = (try? await storage.appliedMigrations()) ?? []
        await storage.shutdown()
        let known = Storage.migrationNames
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty {
            return .fail(name, "\(location): the schema is newer than this pieuvre (\(unknown.joined(separator: ", ")))", fix: "run the release that migrated it, or a newer one")
        }
        let missing = known.filter { !applied.contains($0) }
        if !missing.isEmpty {
            return .fail(name, "\(location): \(missing.count) of \(known.count) migrations not applied (\(missing.map { $0.split(separator: ".").last.map(String.init) ?? $0 }.joined(separator: ", ")))",
                         fix: "run `pieuvre migrate` with the same options (the server also applies them when it starts)")
        }
        return .pass(name, "\(location): answers, schema up to date (\(known.count) migrations)")
    }

    // MARK: public URL

    mutating func publicURL() async -> Finding {
        let name = "public URL"
        guard let text = configuration.publicURL else {
            return .fail(name, "not set: phones would be told \(configuration.platformProfile.provisioningURL), which names this machine as it calls itself",
                         fix: "set --public-url (PIEUVRE_PUBLIC_URL) to the address phones reach, e.g. https://provisioning.example.fr/")
        }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let host = url.host, !host.isEmpty else {
            return .fail(name, "'\(text)' is not an http:// or https:// URL", fix: "set --public-url to e.g. https://provisioning.example.fr/")
        }
        guard Self.resolves(host) else {
            return .fail(name, "\(host) does not resolve", fix: "add a DNS record for \(host) (phones resolve it through the DHCP-given DNS servers), or fix the name in --public-url")
        }
        let base = text.hasSuffix("/") ? text : text + "/"
        // This machine's roots, and the private CA closing --tls-cert's chain when there is one:
        // the certificate check judges the chain, this one whether the URL answers.
        var tls = TLSConfiguration.makeClientConfiguration()
        if let path = configuration.tlsCertificate, let chain = try? NIOSSLCertificate.fromPEMFile(path), let root = chain.last, chain.count > 1 {
            tls.additionalTrustRoots = [.certificates([root])]
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        let finding = await ask(client, base: base, host: host, scheme: scheme)
        try? await client.shutdown()
        return finding
    }

    private mutating func ask(_ client: HTTPClient, base: String, host: String, scheme: String) async -> Finding {
        let name = "public URL"
        let started = Date()
        do {
            let response = try await client.execute(HTTPClientRequest(url: base + "health/ready"), timeout: .seconds(5))
            let body = String(buffer: try await response.body.collect(upTo: 4096))
            let elapsed = Int(Date().timeIntervalSince(started) * 1000)
            if let date = response.headers.first(name: "date").flatMap(Self.httpDate) {
                webOffset = date.timeIntervalSince1970 - (started.timeIntervalSince1970 + Date().timeIntervalSince1970) / 2
            }
            switch response.status.code {
            case 200 where body.hasPrefix("ok"):
                return .pass(name, "\(base)health/ready answers 200 in \(elapsed) ms")
            case 503:
                return .fail(name, "\(base)health/ready answers 503: the server runs but cannot reach its database", fix: "see the database check, and the server's log")
            default:
                return .fail(name, "\(base)health/ready answers \(response.status.code), not Pieuvre's 200 'ok'",
                             fix: "the name or the proxy in front sends requests elsewhere: route \(base) (all paths) to Pieuvre's HTTP port")
            }
        } catch {
            let reason = Self.short(error)
            let fix = scheme == "https" && reason.lowercased().contains("certificate")
                ? "the certificate served at \(host) is not trusted by this machine, and phones check it too: serve a chain to a public CA, or see the certificate check"
                : "start the server, and open the way to it: firewall, DNS, and the proxy in front if there is one (deploy/nginx-pieuvre.conf)"
            return .fail(name, "\(base)health/ready: \(reason)", fix: fix)
        }
    }

    // MARK: certificate

    func certificate() async -> Finding {
        let name = "certificate"
        guard let certificatePath = configuration.tlsCertificate, let keyPath = configuration.tlsKey else {
            return .skip(name, "no --tls-cert: this server speaks plain HTTP (TLS ends at a proxy, or phones use HTTP/TFTP)")
        }
        let chain: [Certificate]
        do {
            let pem = try String(contentsOfFile: certificatePath, encoding: .utf8)
            chain = try PEMDocument.parseMultiple(pemString: pem).filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(pemDocument: $0) }
        } catch {
            return .fail(name, "cannot read \(certificatePath): \(Self.short(error))", fix: "give --tls-cert a PEM file: the server's certificate first, then its intermediates")
        }
        guard let leaf = chain.first else {
            return .fail(name, "\(certificatePath) holds no certificate", fix: "give --tls-cert a PEM file: the server's certificate first, then its intermediates")
        }
        do {
            let key = try Certificate.PrivateKey(pemEncoded: try String(contentsOfFile: keyPath, encoding: .utf8))
            guard key.publicKey == leaf.publicKey else {
                return .fail(name, "the key in \(keyPath) is not the certificate's", fix: "give --tls-key the private key the certificate was issued for")
            }
        } catch {
            return .fail(name, "cannot read the key \(keyPath): \(Self.short(error))", fix: "give --tls-key an unencrypted PEM private key")
        }
        let now = Date()
        let day: TimeInterval = 86_400
        let until = Self.day(leaf.notValidAfter)
        if leaf.notValidAfter < now {
            return .fail(name, "expired on \(until)", fix: "renew the certificate; phones refuse an expired one")
        }
        if leaf.notValidBefore > now {
            return .fail(name, "not valid before \(Self.day(leaf.notValidBefore))", fix: "check this machine's clock, or wait for the certificate's start")
        }
        let daysLeft = Int(leaf.notValidAfter.timeIntervalSince(now) / day)
        if daysLeft < 30 {
            return .fail(name, "expires on \(until), in \(daysLeft) days", fix: "renew it now: phones that meet an expired certificate stop fetching their files")
        }
        let names = Self.names(of: leaf)
        if let host = configuration.publicURL.flatMap({ URL(string: $0)?.host }), !names.contains(where: { Self.matches(pattern: $0, host: host) }) {
            return .fail(name, "issued for \(names.joined(separator: ", ")), not for \(host) (the public URL's host)", fix: "get a certificate naming \(host), or set --public-url to a name the certificate carries")
        }
        // A chain to a root this machine trusts (Debian's store) or, failing that, to the
        // private CA at the end of the file.
        let intermediates = CertificateStore(chain.dropFirst())
        var publicVerifier = Verifier(rootCertificates: CertificateStore(Self.systemRoots())) { RFC5280Policy(validationTime: now) }
        if case let .validCertificate(path) = await publicVerifier.validate(leaf: leaf, intermediates: intermediates) {
            return .pass(name, "valid until \(until) (\(daysLeft) days), names \(names.joined(separator: ", ")), chains to \(path.last.map { Self.commonName($0.subject) } ?? "a public root")")
        }
        if let root = chain.last, root.subject == root.issuer {
            var privateVerifier = Verifier(rootCertificates: CertificateStore([root])) { RFC5280Policy(validationTime: now) }
            if case .validCertificate = await privateVerifier.validate(leaf: leaf, intermediates: intermediates) {
                return .pass(name, "valid until \(until) (\(daysLeft) days), names \(names.joined(separator: ", ")), chains to the private CA '\(Self.commonName(root.subject))' (phones trust it only once given it: see README, HTTPS and phones)")
            }
        }
        return .fail(name, "the chain in \(certificatePath) does not lead to a trusted root", fix: "put the intermediate certificates after the server's own in the file, in order (phones do not fetch missing intermediates)")
    }

    // MARK: phone CA

    /// With `--phone-ca`, phones must read the CA before they trust the server: over plain
    /// HTTP, at the URL their common file names, the very bytes Pieuvre serves.
    func phoneCA() async -> Finding {
        let name = "phone CA"
        guard configuration.phoneCA != nil else { return .skip(name, "no --phone-ca: phones check the server with their built-in CAs") }
        let ca: PhoneCA
        do {
            guard let read = try configuration.phoneCertificates() else { return .skip(name, "no --phone-ca") }
            ca = read
        } catch {
            return .fail(name, "\(error)", fix: "give --phone-ca a PEM file of CA certificates, or `chain` with --tls-cert holding the server's certificate then its CA")
        }
        let platform = configuration.platformProfile
        let url = platform.caAnchorURL
        guard url.lowercased().hasPrefix("http://") else {
            return .fail(name, "phones are told to fetch the CA at \(url), which needs the trust it brings", fix: "set --phone-ca-url to a plain http:// URL phones reach (Pieuvre's HTTP port, or a front that forwards it)")
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let finding = await fetchCA(client, url: url, ca: ca, directory: platform.caDirectoryURL)
        try? await client.shutdown()
        return finding
    }

    private func fetchCA(_ client: HTTPClient, url: String, ca: PhoneCA, directory: String) async -> Finding {
        let name = "phone CA"
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
            let body = try await response.body.collect(upTo: 1 << 20)
            let expected = ca.file(ca.certificates.count == 1 ? nil : ca.certificates.count)?.bytes ?? []
            guard response.status.code == 200, Array(buffer: body) == expected else {
                return .fail(name, "\(url) answers \(response.status.code)\(response.status.code == 200 ? " with other bytes than the CA" : "")", fix: "route \(directory) to Pieuvre's HTTP port (--phone-ca-url says where phones go)")
            }
            return .pass(name, "\(url) serves the CA over plain HTTP (\(ca.certificates.count) certificate\(ca.certificates.count == 1 ? "" : "s"))")
        } catch {
            return .fail(name, "\(url): \(Self.short(error))", fix: "start the server and open its HTTP port to phones, or set --phone-ca-url to where they reach it")
        }
    }

    // MARK: TFTP

    func tftp() -> Finding {
        let name = "TFTP"
        guard let port = configuration.tftpPort, port > 0 else { return .skip(name, "--tftp-port 0: TFTP is off (phones use HTTP or HTTPS)") }
        let host = configuration.host
        switch UDPProbe.bind(host: host, port: port) {
        case .bound:
            return .pass(name, "UDP port \(port) on \(host) is free and this user may bind it")
        case .denied:
            return .fail(name, "this user may not bind UDP port \(port)", fix: "run with CAP_NET_BIND_SERVICE (deploy/pieuvre.service gives it), or choose --tftp-port above 1023 and forward 69 to it")
        case .inUse:
            // Taken: by the running server, or by another TFTP server that would answer instead.
            let target = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
            var request: [UInt8] = [0, 1]
            request += Array("doctor.probe".utf8) + [0] + Array("octet".utf8) + [0]
            if let answer = UDPProbe.ask(host: target, port: port, payload: request, seconds: 2), answer.count >= 4, answer[0] == 0, [3, 5].contains(answer[1]) {
                return .pass(name, "UDP port \(port) is in use by a TFTP server that answers (the running Pieuvre, if it is the only one)")
            }
            return .fail(name, "UDP port \(port) is taken by something that does not answer TFTP", fix: "find it with `ss -ulpn 'sport = :\(port)'` and stop it (tftpd-hpa, dnsmasq's TFTP…)")
        case let .error(text):
            return .fail(name, "cannot bind UDP port \(port) on \(host): \(text)", fix: "check --http-host: it must be an address of this machine")
        }
    }

    // MARK: SIP proxy

    func sipProxy() -> Finding {
        let name = "SIP proxy"
        guard let proxy = configuration.sipProxy, !proxy.isEmpty else { return .skip(name, "no --sip-proxy: phones register to the SIP domain directly") }
        let address = proxy.split(separator: ";").first.map(String.init) ?? proxy
        let parts = address.split(separator: ":")
        let host = String(parts.first ?? "")
        let port = parts.count > 1 ? Int(parts[1]) ?? 5060 : 5060
        guard Self.resolves(host) else { return .fail(name, "\(host) does not resolve", fix: "fix --sip-proxy, or its DNS record") }
        let callID = "doctor-\(UInt64.random(in: 1...UInt64.max))"
        let options = "OPTIONS sip:\(host):\(port) SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK\(callID);rport\r\nMax-Forwards: 70\r\nFrom: <sip:doctor@pieuvre.invalid>;tag=\(callID)\r\nTo: <sip:\(host)>\r\nCall-ID: \(callID)\r\nCSeq: 1 OPTIONS\r\nUser-Agent: pieuvre-doctor\r\nContent-Length: 0\r\n\r\n"
        guard let answer = UDPProbe.ask(host: host, port: port, payload: Array(options.utf8), seconds: 3),
              let text = String(bytes: answer, encoding: .utf8), text.hasPrefix("SIP/2.0 ") else {
            return .fail(name, "\(host):\(port) gave no SIP answer over UDP in 3 s", fix: "check the address in --sip-proxy and that the proxy accepts SIP from this server (its firewall, its allowed sources)")
        }
        let status = text.prefix { $0 != "\r" && $0 != "\n" }.dropFirst(8)
        return .pass(name, "\(host):\(port) answers OPTIONS: \(status)")
    }

    // MARK: clock

    func clock() -> Finding {
        let name = "clock"
        let now = Date()
        // Certificates and device credentials' windows are dates: a clock left at 1970 or
        // 2000 (no RTC battery, no NTP) refuses every certificate.
        guard Calendar(identifier: .gregorian).component(.year, from: now) >= 2025 else {
            return .fail(name, "this machine says \(Self.day(now))", fix: "set the clock and keep it with NTP (systemd-timesyncd or chrony)")
        }
        var readings: [String] = []
        for (source, offset) in [("the database", databaseOffset), ("the public URL", webOffset)] {
            guard let offset else { continue }
            if abs(offset) > 30 {
                return .fail(name, "\(source)'s clock is \(Int(offset)) s from this machine's", fix: "run NTP on both machines: windows, nonces and sessions compare times written by other nodes")
            }
            readings.append("\(source) within \(String(format: "%.1f", abs(offset))) s")
        }
        return .pass(name, "\(Self.day(now)) UTC" + (readings.isEmpty ? "" : ", " + readings.joined(separator: ", ")))
    }

    // MARK: helpers

    static func within<T: Sendable>(seconds: Double, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                throw DoctorTimeout(seconds: seconds)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    struct DoctorTimeout: Error, CustomStringConvertible {
        let seconds: Double
        var description: String { "no answer in \(Int(seconds)) s" }
    }

    static func short(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.count > 300 ? String(text.prefix(300)) + "…" : text
    }

    static func resolves(_ host: String) -> Bool {
        var result: UnsafeMutablePointer<addrinfo>?
        defer { if let result { freeaddrinfo(result) } }
        return getaddrinfo(host, nil, nil, &result) == 0
    }

    static func day(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    static func systemRoots() -> [Certificate] {
        guard let pem = try? String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8),
              let documents = try? PEMDocument.parseMultiple(pemString: pem) else { return [] }
        return documents.compactMap { try? Certificate(pemDocument: $0) }
    }

    /// The DNS names and addresses a certificate is for (its common name when it has no
    /// subject alternative names, as older clients read it).
    static func names(of certificate: Certificate) -> [String] {
        var names: [String] = []
        if let alternatives = try? certificate.extensions.subjectAlternativeNames {
            for name in alternatives {
                switch name {
                case let .dnsName(dns): names.append(dns)
                case let .ipAddress(octets):
                    let bytes = Array(octets.bytes)
                    if bytes.count == 4 { names.append(bytes.map(String.init).joined(separator: ".")) }
                default: break
                }
            }
        }
        if names.isEmpty { names.append(commonName(certificate.subject)) }
        return names
    }

    static func commonName(_ name: DistinguishedName) -> String {
        for rdn in name { for attribute in rdn where attribute.type == .RDNAttributeType.commonName { return attribute.value.description } }
        return name.description
    }

    /// `*.example.fr` covers one label, as browsers and phones read it.
    static func matches(pattern: String, host: String) -> Bool {
        let pattern = pattern.lowercased(), host = host.lowercased()
        if pattern.hasPrefix("*.") {
            guard let dot = host.firstIndex(of: ".") else { return false }
            return host[host.index(after: dot)...] == pattern.dropFirst(2)
        }
        return pattern == host
    }
}
