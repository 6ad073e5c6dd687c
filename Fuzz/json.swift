import Foundation
import PieuvreCore

/// libFuzzer target: the JSON body reader of every API request.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(bytes: data, count: size)
    if let value = JSONValue.parse(body) {
        // What is read is written back as JSON that reads again.
        precondition(JSONValue.parse(value.encoded()) != nil)
    }
    return 0
}
