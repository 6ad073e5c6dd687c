import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Blocking UDP for `doctor`: may this user bind a port, and does a host answer a datagram.
/// A command line tool asking once needs no event loop.
enum UDPProbe {
    enum BindOutcome { case bound, denied, inUse, error(String) }

    static func bind(host: String, port: Int) -> BindOutcome {
        guard var address = ipv4(host, port: port) else { return .error("'\(host)' is not an IPv4 address") }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return .error(String(cString: strerror(errno))) }
        defer { close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result == 0 { return .bound }
        switch errno {
        case EACCES, EPERM: return .denied
        case EADDRINUSE: return .inUse
        default: return .error(String(cString: strerror(errno)))
        }
    }

    /// Sends one datagram and waits for one answer from that host and port.
    static func ask(host: String, port: Int, payload: [UInt8], seconds: Int) -> [UInt8]? {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_DGRAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let info = found else { return nil }
        defer { freeaddrinfo(found) }
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        // Connected: only that peer's datagrams arrive, and a closed port shows as ECONNREFUSED.
        guard connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else { return nil }
        guard send(fd, payload, payload.count, 0) == payload.count else { return nil }
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(seconds * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? Array(buffer.prefix(count)) : nil
    }

    private static func ipv4(_ host: String, port: Int) -> sockaddr_in? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let text = host == "::" ? "0.0.0.0" : host
        guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return nil }
        return address
    }
}
