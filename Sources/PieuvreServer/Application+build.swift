import Hummingbird
import Logging
import NIOCore
import PieuvreStore
import ServiceLifecycle

/// How the HTTP server listens and presents itself.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The address phones and people reach the server by (`https://portail.example/`).
    public var publicURL: String?

    public init(host: String = "0.0.0.0", port: Int = 8080, publicURL: String? = nil) {
        self.host = host
        self.port = port
        self.publicURL = publicURL
    }
}

/// The routes of the whole HTTP application. The executable and the tests both build it here.
public func buildRouter(store: Store) -> Router<PieuvreRequestContext> {
    let router = Router(context: PieuvreRequestContext.self)
    router.add(middleware: ErrorMiddleware())
    router.add(middleware: LogRequestsMiddleware(.debug))
    let api = router.group("api/v1").add(middleware: BearerAuthenticator(store: store))
    SessionsController(store: store).addRoutes(to: api)
    ResellersController(store: store).addRoutes(to: api)
    CustomersController(store: store).addRoutes(to: api)
    LinesController(store: store).addRoutes(to: api)
    PhonesController(store: store).addRoutes(to: api)
    PlatformController(store: store).addRoutes(to: api)
    router.get("health") { _, _ in "ok\n" }
    return router
}

public func buildApplication(configuration: ServerConfiguration, store: Store, logger: Logger) -> some ApplicationProtocol {
    Application(
        router: buildRouter(store: store),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pieuvre"),
        services: [StorageService(storage: store.storage)],
        onServerRunning: { channel in
            // One line a script can wait for, with the real port when 0 was asked for.
            let port = channel.localAddress?.port ?? configuration.port
            logger.notice("pieuvre listening", metadata: ["url": "http://\(configuration.host):\(port)/"])
        },
        logger: logger
    )
}

/// Closes the database connections once the server has stopped taking requests.
struct StorageService: Service {
    let storage: Storage

    func run() async throws {
        try? await gracefulShutdown()
        await storage.shutdown()
    }
}
