import Foundation

/// What one phone's boot came to.
public struct PhoneOutcome: Sendable {
    public var failure: String?
    /// Seconds from each request to its answer, by file (a challenged file counts both legs).
    public var timings: [(FileKind, Double)] = []
    public var credentials: DeviceCredentials?

    public init(failure: String? = nil) { self.failure = failure }
}

/// The storm's result: successes, failures by reason, latency per file and the total time.
public struct StormReport: Sendable, Codable {
    public struct Latency: Sendable, Codable {
        public var count: Int
        public var p50Ms: Double
        public var p99Ms: Double
        public var maxMs: Double
    }

    public var phones: Int
    public var succeeded: Int
    public var failed: [String: Int]
    public var seconds: Double
    public var phonesPerSecond: Double
    public var filesPerSecond: Double
    public var files: [String: Latency]
    public var `protocol`: String
    public var concurrency: Int

    public init(outcomes: [PhoneOutcome], seconds: Double, protocol: String, concurrency: Int) {
        phones = outcomes.count
        succeeded = outcomes.filter { $0.failure == nil }.count
        failed = Dictionary(outcomes.compactMap { $0.failure }.map { ($0, 1) }, uniquingKeysWith: +)
        self.seconds = (seconds * 1000).rounded() / 1000
        var byKind: [FileKind: [Double]] = [:]
        for outcome in outcomes { for (kind, time) in outcome.timings { byKind[kind, default: []].append(time) } }
        let fileCount = byKind.values.reduce(0) { $0 + $1.count }
        phonesPerSecond = seconds > 0 ? (Double(succeeded) / seconds).rounded() : 0
        filesPerSecond = seconds > 0 ? (Double(fileCount) / seconds).rounded() : 0
        files = Dictionary(uniqueKeysWithValues: byKind.map { kind, times in
            let sorted = times.sorted()
            func at(_ q: Double) -> Double { ((sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] * 1000) * 10).rounded() / 10 }
            return (kind.rawValue, Latency(count: sorted.count, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: ((sorted.last ?? 0) * 10000).rounded() / 10))
        })
        self.protocol = `protocol`
        self.concurrency = concurrency
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    public var text: String {
        var lines = ["\(phones) phones over \(`protocol`), \(concurrency) at once: \(succeeded) succeeded, \(phones - succeeded) failed in \(String(format: "%.2f", seconds)) s (\(Int(phonesPerSecond)) phones/s, \(Int(filesPerSecond)) files/s)"]
        for (reason, count) in failed.sorted(by: { $0.value > $1.value }) { lines.append("  failed: \(count) × \(reason)") }
        for kind in FileKind.allCases {
            guard let latency = files[kind.rawValue] else { continue }
            lines.append("  \(kind.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(latency.count) answers, p50 \(latency.p50Ms) ms, p99 \(latency.p99Ms) ms, max \(latency.maxMs) ms")
        }
        return lines.joined(separator: "\n")
    }
}
