// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "pieuvre",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pieuvre", targets: ["pieuvre"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/fluent-kit", from: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", from: "2.14.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Already in the graph through Hummingbird: the phone-file lane reads HTTP parts as
        // Hummingbird's pipeline carries them (NIOHTTPTypes).
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        // Already in the graph through Hummingbird's TLS and testing: `pieuvre doctor` reads
        // certificates with X509 and asks the public URL with AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        // Domain types and rules. No I/O, no dependency: everything else stands on it.
        .target(name: "PieuvreCore"),
        // The phone catalogue: models, vendors, display names. Pure.
        .target(name: "PhoneCatalog", dependencies: ["PieuvreCore"]),
        // TFTP (RFC 1350 and option extensions) as pure state machines: no NIO, no clock.
        .target(name: "TFTPServer"),
        // SIP messages (parser, builder, RFC 3842 bodies) and client transactions: no I/O.
        .target(name: "SIPCore"),
        // SMTP's client conversation and the rendering of a plain-text e-mail: no I/O.
        .target(name: "MailCore"),
        // Boot storms for `pieuvre simulate` and benchmarks: what a phone fetches, in what
        // order, with what User-Agent, as pure scripts, and thin NIO clients running them.
        .target(
            name: "Simulator",
            dependencies: [
                "PieuvreCore", "PhoneCatalog", "TFTPServer",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Persistence and the operations that change records (with their audit trail).
        .target(
            name: "PieuvreStore",
            dependencies: [
                "PieuvreCore", "PhoneCatalog",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP application: REST API (later portals and /sip-ps/).
        .target(
            name: "PieuvreServer",
            dependencies: [
                "PieuvreCore", "PhoneCatalog", "PieuvreStore", "TFTPServer", "SIPCore", "MailCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/Templates"), .copy("Resources/Static")]
        ),
        .executableTarget(
            name: "pieuvre",
            dependencies: [
                "PieuvreServer", "PieuvreStore", "PieuvreCore", "MailCore", "Simulator", "PhoneCatalog",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "PieuvreCoreTests", dependencies: ["PieuvreCore"]),
        .testTarget(name: "PhoneCatalogTests", dependencies: ["PhoneCatalog"], exclude: ["Golden"]),
        .testTarget(name: "TFTPServerTests", dependencies: ["TFTPServer"]),
        .testTarget(name: "SIPCoreTests", dependencies: ["SIPCore"]),
        .testTarget(name: "MailCoreTests", dependencies: ["MailCore"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "PhoneCatalog", "PieuvreCore", "TFTPServer", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(
            name: "PieuvreServerTests",
            dependencies: [
                "PieuvreServer", "PieuvreStore", "PieuvreCore", "PhoneCatalog",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ],
            exclude: ["Snapshots"]
        ),
    ]
)
