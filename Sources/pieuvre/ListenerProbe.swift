import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import PieuvreServer

/// Every TCP port `serve` listens on is tried before anything starts: a port already taken (by
/// another process, or a previous run's sockets) stops the process at once with one message
/// naming it and exit code 1, before the database opens and before any background service runs,
/// so nothing can outlive a failed start.
enum ListenerProbe {
    static func check(_ configuration: ServerConfiguration) async throws {
        var ports: [(flag: String, host: String, port: Int)] = [("--http-port", configuration.host, configuration.port)]
        if let tls = configuration.tlsPort { ports.append(("--tls-port", configuration.host, tls)) }
        if let metrics = configuration.metricsPort { ports.append(("--metrics-port", configuration.metricsHost ?? configuration.host, metrics)) }
        for (flag, host, port) in ports where port != 0 {
            do {
                // The same socket options as the listener itself (SO_REUSEADDR), so a port only
                // in TIME_WAIT passes here as it will there.
                let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .bind(host: host, port: port).get()
                try await channel.close()
            } catch {
                FileHandle.standardError.write(Data("pieuvre: cannot listen on \(host):\(port) (\(flag)): \(reason(error))\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    static func reason(_ error: any Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}
