import PhoneCatalog

/// The platform's CA certificates (`--phone-ca`) as phones fetch them: the whole PEM at
/// `pieuvre-ca.crt`, and each certificate alone at `pieuvre-ca-N.crt` (1-based, in the file's
/// order), one certificate a file being what Yealink and snom document for an upload.
public struct PhoneCA: Sendable {
    public let bundle: RenderedFile
    public let certificates: [RenderedFile]

    public init(pems: [String]) {
        let type = "application/x-x509-ca-cert"
        bundle = RenderedFile(pems.joined(), contentType: type)
        certificates = pems.map { RenderedFile($0, contentType: type) }
    }

    /// The file a `pieuvre-ca[-N].crt` request names, if there is one.
    public func file(_ index: Int?) -> RenderedFile? {
        guard let index else { return bundle }
        return certificates.indices.contains(index - 1) ? certificates[index - 1] : nil
    }
}
