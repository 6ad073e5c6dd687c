/// What a transfer sends: its size and its bytes a block at a time, so that a large file (a
/// firmware image) is read from disk as the client acknowledges, never held whole in memory.
public protocol TFTPSource: Sendable {
    var count: Int { get }
    /// The bytes in `range` (within `0..<count`); nil when they cannot be read (the transfer
    /// then ends with an error).
    func read(_ range: Range<Int>) -> [UInt8]?
}

/// A rendered phone file, already in memory.
extension Array: TFTPSource where Element == UInt8 {
    public func read(_ range: Range<Int>) -> [UInt8]? { Array(self[range]) }
}
