import NIOCore
import NIOSSL
import PieuvreCore
import X509

/// A phone's factory (device) certificate on a mutual-TLS connection. The TLS layer has already
/// checked it chains to a `--tls-client-ca`; here it is only read for the MAC it names.
enum DeviceCertificate {
    /// The MAC in the verified client certificate's subject or alternative names; nil without a
    /// certificate, on plain HTTP, or for a certificate naming no MAC (Yealink's generic one,
    /// which proves no identity: reference §7). On the connection's event loop.
    static func mac(in pipeline: ChannelPipeline.SynchronousOperations) -> MACAddress? {
        guard let der = try? pipeline.handler(type: NIOSSLServerHandler.self).peerCertificate?.toDERBytes(),
              let certificate = try? Certificate(derEncoded: der) else { return nil }
        var names = String(describing: certificate.subject)
        if let alternatives = try? certificate.extensions.subjectAlternativeNames {
            names += " " + alternatives.map { String(describing: $0) }.joined(separator: " ")
        }
        return MACAddress.find(in: names)
    }
}
