import CoreMetrics
import Foundation
import PieuvreCore
import Prometheus

/// What `/metrics` shows, in Prometheus' text format. One registry per process: `serve`
/// bootstraps swift-metrics with it (so Hummingbird's request metrics land there too); the
/// counters of the phone path are made once, up front, so counting a request is one atomic
/// add and never a lookup by name.
public final class PieuvreMetrics: Sendable {
    public static let shared = PieuvreMetrics()

    public let registry = PrometheusCollectorRegistry()
    public var factory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    static let transports = ["http", "https", "tftp", "sip"]
    private let phoneFiles: [String: CoreMetrics.Counter]
    let cacheHits: CoreMetrics.Counter
    let cacheMisses: CoreMetrics.Counter
    let cacheDrops: CoreMetrics.Counter
    let recordReads: CoreMetrics.Timer
    let journalBacklog: CoreMetrics.Gauge
    let journalDropped: CoreMetrics.Counter
    let journalWriteFailures: CoreMetrics.Counter
    private let tftp: [String: CoreMetrics.Counter]
    private let loginFailures: [String: CoreMetrics.Counter]

    init() {
        let factory = PrometheusMetricsFactory(registry: registry)
        var files: [String: CoreMetrics.Counter] = [:]
        for outcome in ProvisioningOutcome.allCases {
            for transport in Self.transports {
                files[outcome.rawValue + "|" + transport] = CoreMetrics.Counter(label: "pieuvre_phone_files_total", dimensions: [("outcome", outcome.rawValue), ("transport", transport)], factory: factory)
            }
        }
        phoneFiles = files
        cacheHits = CoreMetrics.Counter(label: "pieuvre_phone_cache_total", dimensions: [("result", "hit")], factory: factory)
        cacheMisses = CoreMetrics.Counter(label: "pieuvre_phone_cache_total", dimensions: [("result", "miss")], factory: factory)
        cacheDrops = CoreMetrics.Counter(label: "pieuvre_phone_cache_drops_total", factory: factory)
        recordReads = CoreMetrics.Timer(label: "pieuvre_phone_record_read_seconds", factory: factory)
        journalBacklog = CoreMetrics.Gauge(label: "pieuvre_journal_backlog", factory: factory)
        journalDropped = CoreMetrics.Counter(label: "pieuvre_journal_dropped_total", factory: factory)
        journalWriteFailures = CoreMetrics.Counter(label: "pieuvre_journal_write_failures_total", factory: factory)
        tftp = Dictionary(uniqueKeysWithValues: ["completed", "failed", "refused"].map {
            ($0, CoreMetrics.Counter(label: "pieuvre_tftp_transfers_total", dimensions: [("result", $0)], factory: factory))
        })
        loginFailures = Dictionary(uniqueKeysWithValues: ["api", "portal"].map {
            ($0, CoreMetrics.Counter(label: "pieuvre_login_failures_total", dimensions: [("door", $0)], factory: factory))
        })
    }

    func phoneFile(_ outcome: ProvisioningOutcome, transport: String) {
        phoneFiles[outcome.rawValue + "|" + transport]?.increment()
    }

    /// `completed`, `failed` (timed out or refused by the client) or `refused` (limits).
    func tftpTransfer(_ result: String) { tftp[result]?.increment() }

    func loginFailure(_ door: String) { loginFailures[door]?.increment() }

    /// Sends every swift-metrics metric of the process (Hummingbird's request counters and
    /// timers among them) to this registry. Once per process, before the server starts.
    public static func bootstrap() {
        MetricsSystem.bootstrap(shared.factory)
    }

    /// The text a Prometheus server scrapes.
    public func exposition() -> String { registry.emitToString() }
}
