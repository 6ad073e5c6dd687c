import ArgumentParser
import Logging
import PhoneCatalog
import PieuvreServer
import ServiceLifecycle

/// A TFTP server serving one synthetic file from memory (`firmware.rom`), for
/// scripts/bench-tftp to time a large transfer through the real shell and state machine.
struct TFTPBenchServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tftp-bench-server", abstract: "Serve a synthetic file over TFTP (benchmarks only).", shouldDisplay: false)

    @Option var port: Int = 16969
    @Option(help: "Size of firmware.rom in bytes.") var size: Int = 40 * 1024 * 1024

    func run() async throws {
        var logger = Logger(label: "tftp-bench")
        logger.logLevel = .notice
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let file = RenderedFile(bytes: bytes, contentType: "application/octet-stream")
        let service = TFTPService(host: "127.0.0.1", port: port, maxTransfers: 64, maxPerSource: 64, logger: logger) { name, _ in
            name == "firmware.rom" ? .file(file) : .notFound
        }
        try await ServiceGroup(configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
    }
}
