import Crypto
import Foundation
import Hummingbird
import PieuvreCore
import PieuvreStore

/// Firmware files: uploaded by the operator (`POST /api/v1/firmware?family&version&filename`,
/// the raw file as the body), listed, deleted, and served to phones at
/// `/sip-ps/firmware/<filename>` with range requests (and over TFTP as `firmware/<filename>`).
/// Files live in the data directory's `firmware/`; an upload is streamed to disk and hashed on
/// the way, never held whole in memory.
struct FirmwareController {
    let store: Store
    let directory: String?
    /// The largest file accepted (vendors' ROMs are tens of megabytes).
    static let maxSize: Int64 = 512 << 20

    func addRoutes(to api: RouterGroup<PieuvreRequestContext>, phones router: Router<PieuvreRequestContext>) {
        api.get("firmware", use: list)
        api.post("firmware", use: upload)
        api.delete("firmware/:id", use: delete)
        router.get("sip-ps/firmware/:filename", use: download)
    }

    private func folder() throws -> String {
        guard let directory else { throw APIError(.serviceUnavailable, "this server keeps no firmware (no data directory)") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return directory
    }

    @Sendable func list(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        try JSONResponse.make(try await store.firmwareList(try context.requireActor(), try ListQuery.read(request)))
    }

    @Sendable func upload(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let actor = try context.requireActor()
        guard actor.role == .operator else { throw DomainError.forbidden(Reason("operator-only", en: "only the operator may upload firmware", fr: "Seul l'opérateur peut déposer un micrologiciel.")) }
        let query = request.uri.queryParameters
        let fields = try Store.firmwareFields(family: query["family"].map(String.init), version: query["version"].map(String.init), filename: query["filename"].map(String.init))
        if let type = request.headers[.contentType], !type.lowercased().hasPrefix("application/octet-stream") {
            throw APIError(.unsupportedMediaType, "the body must be the raw file, Content-Type: application/octet-stream, not \(type)")
        }
        if try await store.firmware(filename: fields.filename) != nil {
            throw DomainError.duplicate(field: "filename", value: fields.filename)
        }
        let folder = try folder()
        let partial = (folder as NSString).appendingPathComponent(".upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = FileHandle(forWritingAtPath: partial) else { throw APIError(.internalServerError, "cannot write in the firmware directory") }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            // Chunk by chunk as it arrives: memory stays flat whatever the file's size.
            for try await buffer in request.body {
                size += Int64(buffer.readableBytes)
                guard size <= Self.maxSize else { throw APIError(.contentTooLarge, "a firmware file is at most \(Self.maxSize >> 20) MB") }
                buffer.withUnsafeReadableBytes { bytes in hasher.update(bufferPointer: bytes) }
                try handle.write(contentsOf: buffer.readableBytesView)
            }
            try handle.close()
            guard size > 0 else { throw DomainError.unprocessable(Reason("empty-body", en: "the body is empty: send the firmware file itself", fr: "Le corps est vide : envoyez le fichier du micrologiciel.")) }
            let sha256 = Hex.lower(hasher.finalize())
            // Recorded first (the filename is unique there), then put in place under its name.
            let view = try await store.addFirmware(actor, family: fields.family, version: fields.version, filename: fields.filename, size: size, sha256: sha256)
            let final = (folder as NSString).appendingPathComponent(fields.filename)
            if FileManager.default.fileExists(atPath: final) { try FileManager.default.removeItem(atPath: final) }
            try FileManager.default.moveItem(atPath: partial, toPath: final)
            return try JSONResponse.make(view, status: .created)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    @Sendable func delete(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let text = try context.parameters.text("id")
        guard let id = UUID(uuidString: text) else { throw DomainError.notFound(what: "firmware", key: text) }
        let view = try await store.deleteFirmware(try context.requireActor(), id: id)
        if let directory { try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(view.filename)) }
        return Response(status: .noContent)
    }

    /// The file, whole or the byte range asked for (`Range: bytes=a-b`, `a-`, `-n`): phones and
    /// DECT handsets resume interrupted downloads.
    @Sendable func download(_ request: Request, context: PieuvreRequestContext) async throws -> Response {
        let name = context.parameters.optionalText("filename") ?? ""
        guard let directory, let view = try await store.firmware(filename: name) else { return PhoneFileResponse.notFound.response }
        let path = (directory as NSString).appendingPathComponent(view.filename)
        guard FileManager.default.fileExists(atPath: path) else { return PhoneFileResponse.notFound.response }
        var headers = HTTPFields()
        headers[.contentType] = "application/octet-stream"
        headers[.acceptRanges] = "bytes"
        headers[.eTag] = "\"\(view.sha256)\""
        let size = Int(view.size)
        let io = FileIO(threadPool: .singleton)
        guard let rangeHeader = request.headers[.range] else {
            headers[.contentLength] = String(size)
            return Response(status: .ok, headers: headers, body: try await io.loadFile(path: path, context: context))
        }
        guard let range = Self.byteRange(rangeHeader, size: size) else {
            headers[.contentRange] = "bytes */\(size)"
            return Response(status: .rangeNotSatisfiable, headers: headers)
        }
        headers[.contentRange] = "bytes \(range.lowerBound)-\(range.upperBound)/\(size)"
        headers[.contentLength] = String(range.count)
        return Response(status: .partialContent, headers: headers, body: try await io.loadFile(path: path, range: range, context: context))
    }

    /// One range of `bytes=`; nil when it cannot be satisfied or is not understood.
    static func byteRange(_ header: String, size: Int) -> ClosedRange<Int>? {
        guard size > 0, header.hasPrefix("bytes="), !header.contains(",") else { return nil }
        let spec = header.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard spec.count == 2 else { return nil }
        if spec[0].isEmpty {
            guard let suffix = Int(spec[1]), suffix > 0 else { return nil }
            return max(0, size - suffix)...(size - 1)
        }
        guard let start = Int(spec[0]), start >= 0, start < size else { return nil }
        if spec[1].isEmpty { return start...(size - 1) }
        guard let end = Int(spec[1]), end >= start else { return nil }
        return start...min(end, size - 1)
    }
}
