import PieuvreCore

/// libFuzzer target: the CSV reader behind every import, and the contact files (CSV, vCard).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let table = try? CSVTable(parsing: text) {
        for row in table.rows { precondition(row.line >= 2) }
    }
    _ = try? ContactFile.csv(text)
    _ = try? ContactFile.vcard(text)
    return 0
}
