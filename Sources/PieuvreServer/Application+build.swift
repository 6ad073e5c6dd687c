import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import MailCore
import NIOCore
import NIOSSL
import PhoneCatalog
import PieuvreCore
import PieuvreStore
import ServiceLifecycle

/// How the HTTP servers listen and what phones are told.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The address phones and people reach the server by (`https://portail.example/`).
    public var publicURL: String?
    /// Registrar and outbound proxy of the operator's SIP platform, written into device files.
    public var sipDomain: String?
    public var sipProxy: String?
    /// HTTPS on its own port, with a PEM certificate chain and key.
    public var tlsPort: Int?
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// Vendors' device CAs (PEM): the HTTPS listener asks phones for their factory certificate
    /// and binds one that is presented to the MAC it names (mutual TLS, optional per phone).
    public var tlsClientCA: String?
    /// UDP port of the TFTP server; nil or 0 turns it off.
    public var tftpPort: Int?
    public var tftpMaxTransfers = 256
    public var tftpMaxPerSource = 16
    /// Days the provisioning log keeps its entries.
    public var logRetentionDays = 90
    /// Guesses one source may make within 60 s before it is refused for 10 minutes.
    public var scanThreshold = 50
    public var scanExempt: [CIDR] = []
    /// HTTP(S) connections held at once, in all and from one address (`--http-max-connections*`).
    public var connectionLimits = ConnectionLimits()
    /// How long a connection may owe a request's header or body, or idle between requests.
    public var connectionTimeouts = ConnectionTimeouts.Limits()
    /// UDP port Pieuvre sends SIP from (message-waiting NOTIFY); nil or 0 turns SIP off.
    public var sipPort: Int?
    /// Answer plug-and-play SUBSCRIBEs (ua-profile), and join 224.0.1.75 on this address.
    public var sipPnP = false
    public var sipPnPAddress = "0.0.0.0"
    /// Where notification e-mails go (nil: no e-mail is queued, and the portal's tab says so),
    /// and the address they come from.
    public var smtp: SMTPEndpoint?
    public var mailFrom = "pieuvre@localhost"
    /// Load balancers whose `Forwarded` / `X-Forwarded-For` name the client (none: the peer is).
    public var trustedProxies: [CIDR] = []
    /// PEM certificates phones are given to check the server with (`--phone-ca`): a file, or
    /// `chain` for the certificates of `--tls-cert` after the server's own (or the only one).
    public var phoneCA: String?
    /// Plain-HTTP base URL where phones fetch the CA (`--phone-ca-url`, e.g. `http://portail.example.fr/`).
    public var phoneCAURL: String?
    /// Where firmware uploads are kept (`<data directory>/firmware`; nil: no firmware).
    public var firmwareDirectory: String?
    /// `/metrics` and `/health/*` on their own port (and address), off the public one.
    public var metricsPort: Int?
    public var metricsHost: String?

    public init(host: String = "0.0.0.0", port: Int = 8080, publicURL: String? = nil, sipDomain: String? = nil, sipProxy: String? = nil, tlsPort: Int? = nil, tlsCertificate: String? = nil, tlsKey: String? = nil, tftpPort: Int? = nil) {
        self.tftpPort = tftpPort
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.sipDomain = sipDomain
        self.sipProxy = sipProxy
        self.tlsPort = tlsPort
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
    }

    /// What phones are told: the public URL's `/sip-ps/`, or this server's own address.
    public var platformProfile: PlatformProfile {
        let base = publicURL.map { $0.hasSuffix("/") ? $0 : $0 + "/" } ?? "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)/"
        let publicHost = URL(string: base)?.host ?? "localhost"
        return PlatformProfile(provisioningURL: base + "sip-ps/", sipDomain: sipDomain ?? publicHost, sipProxy: sipProxy, pushesCA: phoneCA != nil,
                               caDirectoryURL: caBaseURL(base: base, publicHost: publicHost) + "sip-ps/", caCount: (try? phoneCertificates())?.certificates.count ?? 1)
    }

    /// Where phones fetch the CA before they trust the server: `--phone-ca-url`, else the
    /// public host over plain HTTP on this server's HTTP port (a public URL already in http is
    /// used as it is).
    func caBaseURL(base: String, publicHost: String) -> String {
        if let phoneCAURL { return phoneCAURL.hasSuffix("/") ? phoneCAURL : phoneCAURL + "/" }
        guard base.lowercased().hasPrefix("https://") else { return base }
        let host = publicHost.contains(":") ? "[\(publicHost)]" : publicHost
        return port == 80 ? "http://\(host)/" : "http://\(host):\(port)/"
    }
}

/// The phone-facing core and its background services, shared by every listener.
public struct PhoneSide: Sendable {
    public let files: PhoneFiles
    public let journal: ProvisioningJournal
    let portal: PortalKit
    /// SIP (message-waiting lamps), when a SIP port is configured.
    let sip: SIPService?
    let notifier: MessageWaitingNotifier?
    /// Notification e-mails, when an SMTP server is configured.
    let mail: MailOutbox?
    /// SIP answers, NOTIFYs, TFTP lookups and alerts started outside requests.
    public let work: BackgroundWork
    let trustedProxies: [CIDR]
    /// Where uploaded firmware files are kept (nil: none).
    let firmwareDirectory: String?
    /// Connection caps and timeouts, shared by the HTTP and HTTPS listeners.
    public let gate: ConnectionGate

    /// HTTP/1.1 with the connection guard, then the phone-file lane in front of the router (one
    /// of each a connection).
    public func http1(transport: String = "http", clientCertificates: Bool = false, logger: Logger) -> HTTPServerBuilder {
        let setup = PhoneFileLane.Setup(files: files, transport: transport, trustedProxies: trustedProxies, clientCertificates: clientCertificates, logger: logger)
        let gate = self.gate
        return .http1(configuration: .init(additionalChannelHandlers: [ConnectionGuard(gate), PhoneFileLane(setup)]))
    }

    public static func make(store: Store, configuration: ServerConfiguration, logger: Logger) async throws -> PhoneSide {
        let journal = ProvisioningJournal(store: store, logger: logger)
        let work = BackgroundWork(logger: logger)
        let key = try await store.digestKey()
        let scan = ScanGuard.Policy(threshold: configuration.scanThreshold, exempt: configuration.scanExempt)
        var sip: SIPService?
        var notifier: MessageWaitingNotifier?
        if let port = configuration.sipPort, port != 0 {
            let service = SIPService(host: configuration.host, port: port, work: work, logger: logger)
            sip = service
            // Phones are told things only when a SIP platform is named: without --sip-domain or
            // --sip-proxy the NOTIFYs would go to this very host.
            if configuration.sipDomain != nil || configuration.sipProxy != nil {
                let mwi = MessageWaitingNotifier(sip: service, store: store, journal: journal, domain: configuration.platformProfile.sipDomain, proxy: configuration.sipProxy, logger: logger)
                service.enable(mwi)
                notifier = mwi
            } else {
                logger.notice("SIP: no --sip-domain or --sip-proxy, so no message-waiting or check-sync NOTIFY is sent")
            }
        }
        let files = PhoneFiles(store: store, platform: configuration.platformProfile, journal: journal, digestKey: key, scanPolicy: scan, notifier: notifier, work: work,
                               ca: try configuration.phoneCertificates(), firmwareDirectory: configuration.firmwareDirectory, logger: logger)
        if let sip, configuration.sipPnP {
            sip.enable(PlugAndPlay(files: files, provisioningURL: configuration.platformProfile.provisioningURL, bindAddress: configuration.sipPnPAddress, logger: logger))
        }
        let secure = configuration.publicURL?.hasPrefix("https://") ?? false
        let mail = configuration.smtp.map { MailOutbox(endpoint: $0, sender: configuration.mailFrom, store: store, logger: logger) }
        let portal = try await PortalKit(store: store, journal: journal, csrfKey: key, secureCookies: secure, notifier: notifier, mail: mail, logger: logger)
        let gate = ConnectionGate(limits: configuration.connectionLimits, timeouts: configuration.connectionTimeouts, trustedProxies: configuration.trustedProxies, logger: logger)
        return PhoneSide(files: files, journal: journal, portal: portal, sip: sip, notifier: notifier, mail: mail, work: work, trustedProxies: configuration.trustedProxies,
                         firmwareDirectory: configuration.firmwareDirectory, gate: gate)
    }
}

/// The routes of the whole HTTP application. The executable and the tests both build it here.
public func buildRouter(store: Store, phones: PhoneSide, transport: String = "http", metricsHere: Bool = true) -> Router<PieuvreRequestContext> {
    let router = Router(context: PieuvreRequestContext.self)
    // Requests by route and status (Hummingbird's, through the registry `serve` bootstraps).
    router.add(middleware: RouteMetricsMiddleware())
    router.add(middleware: ClientAddressMiddleware(trusted: phones.trustedProxies))
    router.add(middleware: SecurityHeadersMiddleware())
    let portal = phones.portal
    router.add(middleware: ErrorMiddleware(page: { request, status in
        let lang = portal.language(request)
        return await portal.problemPage(request, status: status, message: status == .notFound ? lang.text("notFoundPage") : status.reasonPhrase)
    }))
    router.add(middleware: LogRequestsMiddleware(.debug))
    PhoneFilesController(files: phones.files, transport: transport).addRoutes(to: router)
    SignInController(kit: phones.portal).addRoutes(to: router)
    ExtranetController(kit: phones.portal).addRoutes(to: router)
    ConsoleController(kit: phones.portal).addRoutes(to: router)
    AdministratorController(kit: phones.portal).addRoutes(to: router)
    UserPortalController(kit: phones.portal).addRoutes(to: router)
    let api = router.group("api/v1").add(middleware: BearerAuthenticator(store: store))
    SessionsController(store: store).addRoutes(to: api)
    ResellersController(store: store).addRoutes(to: api)
    CustomersController(store: store).addRoutes(to: api)
    LinesController(store: store, notifier: phones.notifier).addRoutes(to: api)
    PhonesController(store: store, notifier: phones.notifier).addRoutes(to: api)
    SettingsController(store: store, notifier: phones.notifier).addRoutes(to: api)
    ContactsController(store: store).addRoutes(to: api)
    VoicemailController(store: store, notifier: phones.notifier, mail: phones.mail).addRoutes(to: api)
    ProvisioningLogController(store: store, journal: phones.journal).addRoutes(to: api)
    PlatformController(store: store).addRoutes(to: api)
    FleetController(store: store, journal: phones.journal).addRoutes(to: api)
    FirmwareController(store: store, directory: phones.firmwareDirectory).addRoutes(to: api, phones: router)
    if metricsHere { addOperatorRoutes(to: router, store: store) } else { addHealthRoutes(to: router, store: store) }
    return router
}

/// `/metrics` and the health checks: on the HTTP port, or alone on `--metrics-port`.
func addOperatorRoutes(to router: Router<PieuvreRequestContext>, store: Store) {
    router.get("metrics") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: PieuvreMetrics.shared.exposition())))
    }
    addHealthRoutes(to: router, store: store)
}

func addHealthRoutes(to router: Router<PieuvreRequestContext>, store: Store) {
    router.get("health") { _, _ in "ok\n" }
    // For a load balancer or an orchestrator: live is the process answering; ready is the
    // database answering too (a node whose database is gone takes no phones).
    router.get("health/live") { _, _ in "ok\n" }
    router.get("health/ready") { _, _ -> Response in
        guard (try? await store.ping()) != nil else {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "database unreachable\n")))
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
    }
}

/// Every service `pieuvre serve` runs: the HTTP (and HTTPS) listeners, the provisioning
/// journal, the cache poller and the database, shut down in the reverse order on SIGTERM.
public func buildServices(configuration: ServerConfiguration, store: Store, logger: Logger) async throws -> [any Service] {
    let phones = try await PhoneSide.make(store: store, configuration: configuration, logger: logger)
    // Stopped in the reverse order: listeners first, then background work, the journal's last
    // flush, and the database.
    let background: [any Service] = [StorageService(storage: store.storage), phones.journal, phones.work, ChangeFeedPoller(store: store, files: phones.files, logger: logger), CacheWarmUp(files: phones.files, logger: logger),
                                     LogRetention(store: store, days: configuration.logRetentionDays, logger: logger)]
    var listeners: [any Service] = [
        Application(
            router: buildRouter(store: store, phones: phones, metricsHere: configuration.metricsPort == nil),
            server: phones.http1(logger: logger),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pieuvre"),
            onServerRunning: { channel in
                // One line a script can wait for, with the real port when 0 was asked for.
                let port = channel.localAddress?.port ?? configuration.port
                logger.notice("pieuvre listening", metadata: ["url": "http://\(configuration.host):\(port)/"])
            },
            logger: logger),
    ]
    if let tlsPort = configuration.tlsPort, let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        if let clientCA = configuration.tlsClientCA {
            // Asked, not required: phones without a unique factory certificate send none (or
            // the generic one, which names no MAC); one that is sent must chain to these CAs.
            let roots: [NIOSSLCertificate]
            do { roots = try NIOSSLCertificate.fromPEMFile(clientCA) } catch { throw PhoneCAError("--tls-client-ca \(clientCA): no PEM certificate could be read (\(error))") }
            guard !roots.isEmpty else { throw PhoneCAError("--tls-client-ca \(clientCA): no PEM certificate in the file") }
            tls.trustRoots = .certificates(roots)
            tls.certificateVerification = .optionalVerification
            tls.sendCANameList = true
        }
        listeners.append(Application(
            router: buildRouter(store: store, phones: phones, transport: "https", metricsHere: configuration.metricsPort == nil),
            server: try .tls(phones.http1(transport: "https", clientCertificates: configuration.tlsClientCA != nil, logger: logger), tlsConfiguration: tls),
            configuration: .init(address: .hostname(configuration.host, port: tlsPort), serverName: "pieuvre"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? tlsPort
                logger.notice("pieuvre listening", metadata: ["tls-url": "https://\(configuration.host):\(port)/"])
            },
            logger: logger))
    }
    if let metricsPort = configuration.metricsPort {
        let router = Router(context: PieuvreRequestContext.self)
        addOperatorRoutes(to: router, store: store)
        listeners.append(Application(
            router: router,
            configuration: .init(address: .hostname(configuration.metricsHost ?? configuration.host, port: metricsPort), serverName: "pieuvre"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? metricsPort
                logger.notice("pieuvre metrics listening", metadata: ["metrics-url": "http://\(configuration.metricsHost ?? configuration.host):\(port)/metrics"])
            },
            logger: logger))
    }
    if let sip = phones.sip { listeners.append(sip) }
    if let mail = phones.mail { listeners.append(mail) }
    if let tftpPort = configuration.tftpPort, tftpPort != 0 {
        listeners.append(TFTPService(host: configuration.host, port: tftpPort, files: phones.files, maxTransfers: configuration.tftpMaxTransfers, maxPerSource: configuration.tftpMaxPerSource, work: phones.work, logger: logger))
    }
    return background + listeners
}

/// Closes the database connections once everything above it has stopped.
struct StorageService: Service {
    let storage: Storage

    func run() async throws {
        try? await gracefulShutdown()
        await storage.shutdown()
    }
}

extension ServerConfiguration {
    /// The PEM text of `--phone-ca`, checked to hold certificates (a bad file stops the start,
    /// naming it, rather than giving phones something they cannot use).
    public func phoneCertificates() throws -> PhoneCA? {
        guard let phoneCA else { return nil }
        let certificates: [NIOSSLCertificate]
        if phoneCA == "chain" {
            guard let tlsCertificate else { throw PhoneCAError("--phone-ca chain needs --tls-cert") }
            let chain = try NIOSSLCertificate.fromPEMFile(tlsCertificate)
            certificates = chain.count > 1 ? Array(chain.dropFirst()) : chain
        } else {
            do { certificates = try NIOSSLCertificate.fromPEMFile(phoneCA) } catch { throw PhoneCAError("--phone-ca \(phoneCA): no PEM certificate could be read (\(error))") }
        }
        guard !certificates.isEmpty else { throw PhoneCAError("--phone-ca \(phoneCA) holds no certificate") }
        let pems = try certificates.map { certificate -> String in
            let der = try certificate.toDERBytes()
            let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
            return "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
        }
        return PhoneCA(pems: pems)
    }
}

public struct PhoneCAError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
