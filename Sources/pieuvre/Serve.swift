import ArgumentParser
import Foundation
import MailCore
import Hummingbird
import PieuvreCore
import PieuvreServer
import PieuvreStore
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (API and, as they come, portals, /sip-ps/, TFTP).")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: ServeOptions

    func run() async throws {
        let logger = try common.logger("pieuvre")
        var configuration = try options.configuration()
        configuration.firmwareDirectory = (common.resolvedDataDir as NSString).appendingPathComponent("firmware")
        PieuvreMetrics.bootstrap()
        // Every listener's port first: a taken port stops here, before anything is opened.
        try await ListenerProbe.check(configuration)
        // The store opens once every option is known good: a refusal leaves no pool open.
        let store = try await common.openStore(logger: logger)
        let bootstrap = try await store.bootstrapOperator(password: Environment.value(options.adminPassword, "PIEUVRE_ADMIN_PASSWORD"))
        if bootstrap.created {
            if let generated = bootstrap.generatedPassword {
                // Printed once on the terminal, not logged: logs are kept and shipped.
                // Written unbuffered so it shows before the server's first log line, even in a pipe.
                FileHandle.standardOutput.write(Data("Created the operator account: login 'admin', password '\(generated)'. It is shown only this once.\n".utf8))
            } else {
                logger.notice("created the operator account 'admin' with the password from PIEUVRE_ADMIN_PASSWORD")
            }
        }
        let services: [any Service]
        do {
            services = try await buildServices(configuration: configuration, store: store, logger: logger)
        } catch {
            // A certificate that does not load, say: close the pool, then say why.
            await store.storage.shutdown()
            throw error
        }
        // A service that fails (a listener that could not bind after all) stops the others in
        // order, the database last, instead of cancelling them all at once under its feet.
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations and exit.")

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let logger = try common.logger("pieuvre")
        let store = try await common.openStore(logger: logger)
        await store.storage.shutdown()
        print("migrations applied to \(store.storage.location)")
    }
}

/// The server's options, shared by `serve` and `doctor` (which checks what `serve` would use).
struct ServeOptions: ParsableArguments {
    @Option(name: .long, help: "Address to listen on. Env: PIEUVRE_HTTP_HOST (default 0.0.0.0).")
    var httpHost: String?

    @Option(name: .long, help: "HTTP port; 0 picks a free one. Env: PIEUVRE_HTTP_PORT (default 8080).")
    var httpPort: Int?

    @Option(name: .long, help: "Public base URL phones and people reach, e.g. https://portail.example.fr/. Env: PIEUVRE_PUBLIC_URL.")
    var publicURL: String?

    @Option(name: .long, help: "Password of the operator account 'admin' created on first start. Env: PIEUVRE_ADMIN_PASSWORD (default: random, printed once).")
    var adminPassword: String?

    @Option(name: .long, help: "SIP registrar domain written into phones' files. Env: PIEUVRE_SIP_DOMAIN (default: the public URL's host).")
    var sipDomain: String?

    @Option(name: .long, help: "Outbound proxy host[:port] for phones. Env: PIEUVRE_SIP_PROXY (default: none).")
    var sipProxy: String?

    @Option(name: .long, help: "HTTPS port (needs --tls-cert and --tls-key). Env: PIEUVRE_TLS_PORT (default 8443 when a certificate is given).")
    var tlsPort: Int?

    @Option(name: .long, help: "PEM certificate chain for HTTPS. Env: PIEUVRE_TLS_CERT.")
    var tlsCert: String?

    @Option(name: .long, help: "PEM private key for HTTPS. Env: PIEUVRE_TLS_KEY.")
    var tlsKey: String?

    @Option(name: .long, help: "PEM file of the phone vendors' device CAs: HTTPS asks phones for their factory certificate (optional) and refuses a phone file to a certificate naming another MAC. Env: PIEUVRE_TLS_CLIENT_CA (default: not asked).")
    var tlsClientCa: String?

    @Option(name: .long, help: "UDP port of the TFTP server for DHCP option 66; 0 turns it off. Env: PIEUVRE_TFTP_PORT (default 69).")
    var tftpPort: Int?

    @Option(name: .long, help: "Most TFTP transfers at once. Env: PIEUVRE_TFTP_MAX_TRANSFERS (default 256).")
    var tftpMaxTransfers: Int?

    @Option(name: .long, help: "Most TFTP transfers at once from one address. Env: PIEUVRE_TFTP_MAX_PER_SOURCE (default 16).")
    var tftpMaxPerSource: Int?

    @Option(name: .long, help: "UDP port Pieuvre sends SIP from (message-waiting NOTIFY to phones through --sip-proxy); 0 turns SIP off. Env: PIEUVRE_SIP_PORT (default 5060).")
    var sipPort: Int?

    @Flag(name: .long, help: "Answer SIP plug-and-play SUBSCRIBEs (ua-profile) of registered phones with the provisioning URL, on the SIP port and the multicast group 224.0.1.75:5060. Env: PIEUVRE_SIP_PNP=1 (default off).")
    var sipPnp = false

    @Option(name: .long, help: "Address the plug-and-play listener binds and joins 224.0.1.75 on. Env: PIEUVRE_SIP_PNP_ADDRESS (default 0.0.0.0).")
    var sipPnpAddress: String?

    @Option(name: .long, help: "Comma-separated CIDRs of load balancers: only for requests from them is the client's address taken from Forwarded / X-Forwarded-For. Env: PIEUVRE_TRUSTED_PROXIES (default: none, the peer is the client).")
    var trustedProxies: String?

    @Option(name: .long, help: "SMTP server for notification e-mails: smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps://… (TLS from the start). Env: PIEUVRE_SMTP_URL (default: none, no e-mail is sent).")
    var smtpUrl: String?

    @Option(name: .long, help: "Sender address of notification e-mails. Env: PIEUVRE_MAIL_FROM (default pieuvre@<public URL's host>).")
    var mailFrom: String?

    @Option(name: .long, help: "Days the provisioning log keeps its entries (pruned hourly). Env: PIEUVRE_LOG_RETENTION_DAYS (default 90).")
    var logRetentionDays: Int?

    @Option(name: .long, help: "Guesses (unknown MACs, MAC mismatches, wrong credentials) one address may make within 60 s before it gets 429. Env: PIEUVRE_SCAN_THRESHOLD (default 50).")
    var scanThreshold: Int?

    @Option(name: .long, help: "Comma-separated CIDRs never blocked as scanners (a customer site behind one address). Env: PIEUVRE_SCAN_EXEMPT.")
    var scanExempt: String?

    /// The configuration these options (or their environment variables) describe; a bad value
    /// is refused with the flag's name.
    @Option(name: .long, help: "CA certificates (PEM) phones are given to check the server with, at /sip-ps/pieuvre-ca.crt (each alone at pieuvre-ca-N.crt), fetched over plain HTTP (--phone-ca-url); a phone is told to check the server with it once it has fetched it (Yealink); 'chain' for those of --tls-cert after the server's own. Env: PIEUVRE_PHONE_CA (default: none).")
    var phoneCa: String?

    @Option(name: .long, help: "Plain-HTTP base URL where phones fetch the CA of --phone-ca before they trust the server, e.g. http://portail.example.fr/ (a phone cannot fetch over HTTPS the certificate it checks HTTPS with). Env: PIEUVRE_PHONE_CA_URL (default: http://<public host>:<HTTP port>/).")
    var phoneCaUrl: String?

    @Option(name: .long, help: "Seconds a connection may take to send its first request's header (TLS handshake included). Env: PIEUVRE_HTTP_HEADER_TIMEOUT (default 30).")
    var httpHeaderTimeout: Int?

    @Option(name: .long, help: "Seconds a request's body may pause between two reads. Env: PIEUVRE_HTTP_BODY_TIMEOUT (default 30).")
    var httpBodyTimeout: Int?

    @Option(name: .long, help: "Seconds a keep-alive connection may wait for its next request. Env: PIEUVRE_HTTP_IDLE_TIMEOUT (default 75).")
    var httpIdleTimeout: Int?

    @Option(name: .long, help: "HTTP(S) connections held at once, all listeners together; more are closed at once. Env: PIEUVRE_HTTP_MAX_CONNECTIONS (default 16384).")
    var httpMaxConnections: Int?

    @Option(name: .long, help: "HTTP(S) connections held at once from one address (--trusted-proxies count in the total only). Env: PIEUVRE_HTTP_MAX_CONNECTIONS_PER_ADDRESS (default 2048).")
    var httpMaxConnectionsPerAddress: Int?

    @Option(name: .long, help: "Serve /metrics and /health/* on this port only (not on the HTTP port). Env: PIEUVRE_METRICS_PORT (default: on the HTTP port).")
    var metricsPort: Int?

    @Option(name: .long, help: "Address of the metrics port. Env: PIEUVRE_METRICS_HOST (default: --http-host).")
    var metricsHost: String?

    func configuration() throws -> ServerConfiguration {
        let port = try Environment.int(httpPort, "PIEUVRE_HTTP_PORT", flag: "http-port") ?? 8080
        guard (0...65535).contains(port) else { throw ValidationError("--http-port must be between 0 and 65535, not \(port)") }
        let certificate = Environment.value(tlsCert, "PIEUVRE_TLS_CERT")
        let key = Environment.value(tlsKey, "PIEUVRE_TLS_KEY")
        guard (certificate == nil) == (key == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        let securePort = try Environment.int(tlsPort, "PIEUVRE_TLS_PORT", flag: "tls-port") ?? 8443
        guard (0...65535).contains(securePort) else { throw ValidationError("--tls-port must be between 0 and 65535, not \(securePort)") }
        var configuration = ServerConfiguration(
            host: Environment.value(httpHost, "PIEUVRE_HTTP_HOST") ?? "0.0.0.0",
            port: port,
            publicURL: Environment.value(publicURL, "PIEUVRE_PUBLIC_URL"),
            sipDomain: Environment.value(sipDomain, "PIEUVRE_SIP_DOMAIN"),
            sipProxy: Environment.value(sipProxy, "PIEUVRE_SIP_PROXY"),
            tlsPort: certificate == nil ? nil : securePort,
            tlsCertificate: certificate,
            tlsKey: key,
            tftpPort: try Environment.int(tftpPort, "PIEUVRE_TFTP_PORT", flag: "tftp-port") ?? 69)
        configuration.tlsClientCA = Environment.value(tlsClientCa, "PIEUVRE_TLS_CLIENT_CA")
        guard configuration.tlsClientCA == nil || certificate != nil else { throw ValidationError("--tls-client-ca needs HTTPS: --tls-cert and --tls-key") }
        configuration.tftpMaxTransfers = try Environment.int(tftpMaxTransfers, "PIEUVRE_TFTP_MAX_TRANSFERS", flag: "tftp-max-transfers") ?? 256
        configuration.tftpMaxPerSource = try Environment.int(tftpMaxPerSource, "PIEUVRE_TFTP_MAX_PER_SOURCE", flag: "tftp-max-per-source") ?? 16
        guard (0...65535).contains(configuration.tftpPort ?? 0) else { throw ValidationError("--tftp-port must be between 0 and 65535") }
        guard configuration.tftpMaxTransfers >= 1, configuration.tftpMaxPerSource >= 1 else { throw ValidationError("TFTP transfer limits must be at least 1") }
        configuration.sipPort = try Environment.int(sipPort, "PIEUVRE_SIP_PORT", flag: "sip-port") ?? 5060
        guard (0...65535).contains(configuration.sipPort ?? 0) else { throw ValidationError("--sip-port must be between 0 and 65535") }
        configuration.sipPnP = sipPnp || Environment.value(nil, "PIEUVRE_SIP_PNP") == "1"
        configuration.sipPnPAddress = Environment.value(sipPnpAddress, "PIEUVRE_SIP_PNP_ADDRESS") ?? "0.0.0.0"
        configuration.logRetentionDays = try Environment.int(logRetentionDays, "PIEUVRE_LOG_RETENTION_DAYS", flag: "log-retention-days") ?? 90
        guard configuration.logRetentionDays >= 1 else { throw ValidationError("--log-retention-days must be at least 1") }
        configuration.scanThreshold = try Environment.int(scanThreshold, "PIEUVRE_SCAN_THRESHOLD", flag: "scan-threshold") ?? 50
        guard configuration.scanThreshold >= 1 else { throw ValidationError("--scan-threshold must be at least 1") }
        configuration.scanExempt = try (Environment.value(scanExempt, "PIEUVRE_SCAN_EXEMPT") ?? "").split(separator: ",").map { text in
            guard let cidr = CIDR(String(text)) else { throw ValidationError("--scan-exempt: '\(text)' is not a CIDR like 192.0.2.0/24") }
            return cidr
        }
        configuration.trustedProxies = try (Environment.value(trustedProxies, "PIEUVRE_TRUSTED_PROXIES") ?? "").split(separator: ",").map { text in
            guard let cidr = CIDR(String(text)) else { throw ValidationError("--trusted-proxies: '\(text)' is not a CIDR like 10.0.0.0/8") }
            return cidr
        }
        if let url = Environment.value(smtpUrl, "PIEUVRE_SMTP_URL") {
            do {
                configuration.smtp = try SMTPEndpoint(parsing: url)
            } catch {
                throw ValidationError(error.description)
            }
        }
        let host = URL(string: configuration.platformProfile.provisioningURL)?.host ?? "localhost"
        configuration.mailFrom = Environment.value(mailFrom, "PIEUVRE_MAIL_FROM") ?? "pieuvre@\(host)"
        guard MailMessage.isAddress(configuration.mailFrom) || configuration.mailFrom.hasSuffix("@localhost") else {
            throw ValidationError("--mail-from '\(configuration.mailFrom)' is not an e-mail address")
        }
        configuration.metricsPort = try Environment.int(metricsPort, "PIEUVRE_METRICS_PORT", flag: "metrics-port")
        guard (0...65535).contains(configuration.metricsPort ?? 0) else { throw ValidationError("--metrics-port must be between 0 and 65535") }
        configuration.metricsHost = Environment.value(metricsHost, "PIEUVRE_METRICS_HOST")
        let timeouts: [(Int?, String, String, WritableKeyPath<ConnectionTimeouts.Limits, Double>)] = [(httpHeaderTimeout, "PIEUVRE_HTTP_HEADER_TIMEOUT", "http-header-timeout", \ConnectionTimeouts.Limits.header),
                                            (httpBodyTimeout, "PIEUVRE_HTTP_BODY_TIMEOUT", "http-body-timeout", \.body),
                                            (httpIdleTimeout, "PIEUVRE_HTTP_IDLE_TIMEOUT", "http-idle-timeout", \.idle)]
        for (value, env, flag, keyPath) in timeouts {
            guard let seconds = try Environment.int(value, env, flag: flag) else { continue }
            guard (1...3600).contains(seconds) else { throw ValidationError("--\(flag) must be between 1 and 3600 seconds, not \(seconds)") }
            configuration.connectionTimeouts[keyPath: keyPath] = Double(seconds)
        }
        if let total = try Environment.int(httpMaxConnections, "PIEUVRE_HTTP_MAX_CONNECTIONS", flag: "http-max-connections") {
            guard (1...1_000_000).contains(total) else { throw ValidationError("--http-max-connections must be between 1 and 1000000, not \(total)") }
            configuration.connectionLimits.total = total
        }
        if let perAddress = try Environment.int(httpMaxConnectionsPerAddress, "PIEUVRE_HTTP_MAX_CONNECTIONS_PER_ADDRESS", flag: "http-max-connections-per-address") {
            guard (1...1_000_000).contains(perAddress) else { throw ValidationError("--http-max-connections-per-address must be between 1 and 1000000, not \(perAddress)") }
            configuration.connectionLimits.perAddress = perAddress
        }
        configuration.phoneCA = Environment.value(phoneCa, "PIEUVRE_PHONE_CA")
        configuration.phoneCAURL = Environment.value(phoneCaUrl, "PIEUVRE_PHONE_CA_URL")
        if let url = configuration.phoneCAURL, !(url.hasPrefix("http://") || url.hasPrefix("https://")) || URL(string: url)?.host == nil {
            throw ValidationError("--phone-ca-url must be an http:// URL with a host, not '\(url)'")
        }
        do { _ = try configuration.phoneCertificates() } catch { throw ValidationError("\(error)") }
        return configuration
    }
}
