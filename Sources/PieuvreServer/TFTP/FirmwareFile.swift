import Foundation
import TFTPServer

/// A firmware image read from disk a block at a time (`pread`), as a TFTP transfer asks: a
/// transfer holds its window, never the file (a 512 MB image over 256 transfers needed the
/// image in memory 256 times). The descriptor stays open for the transfer: a file deleted
/// meanwhile is still read whole, a new upload never mixed in.
final class FirmwareFile: TFTPSource, @unchecked Sendable {
    // `pread` at explicit offsets: no shared position, safe from any thread; the descriptor is
    // only closed in deinit.
    private let descriptor: Int32
    let count: Int

    init?(path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return nil
        }
        descriptor = fd
        count = Int(info.st_size)
    }

    deinit { close(descriptor) }

    func read(_ range: Range<Int>) -> [UInt8]? {
        guard range.lowerBound >= 0, range.upperBound <= count else { return nil }
        guard !range.isEmpty else { return [] }
        var bytes = [UInt8](repeating: 0, count: range.count)
        var done = 0
        while done < range.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + done, range.count - done, off_t(range.lowerBound + done))
            }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            done += n
        }
        return bytes
    }
}
