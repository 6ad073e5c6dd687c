import ArgumentParser
import Foundation
import PieuvreServer
import PieuvreStore

/// `pieuvre doctor`: checks, with the options `serve` takes, what makes phones fail to come up,
/// and says how to fix each. A check the configuration makes moot (no certificate, TFTP off) is
/// skipped and said so. Exit code 0 only when every applicable check passes.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check what phones need (database, public URL, certificate, TFTP port, SIP proxy, clock) and say how to fix what fails.")

    @OptionGroup var common: CommonOptions
    @OptionGroup var options: ServeOptions

    func run() async throws {
        let configuration = try options.configuration()
        var checks = DoctorChecks(common: common, configuration: configuration)
        let findings = await checks.runAll()
        let failed = findings.filter { $0.verdict == .failed }.count
        let passed = findings.filter { $0.verdict == .passed }.count
        for finding in findings { print(finding.rendered) }
        print("\n\(passed) passed, \(failed) failed, \(findings.count - passed - failed) skipped")
        if failed > 0 { throw ExitCode(1) }
    }
}

/// One check's outcome: what was checked, what was found, and for a failure how to fix it.
struct Finding: Sendable {
    enum Verdict: Sendable { case passed, failed, skipped }
    var check: String
    var verdict: Verdict
    var detail: String
    var fix: String? = nil

    static func pass(_ check: String, _ detail: String) -> Finding { Finding(check: check, verdict: .passed, detail: detail) }
    static func fail(_ check: String, _ detail: String, fix: String) -> Finding { Finding(check: check, verdict: .failed, detail: detail, fix: fix) }
    static func skip(_ check: String, _ detail: String) -> Finding { Finding(check: check, verdict: .skipped, detail: detail) }

    var rendered: String {
        let mark = switch verdict { case .passed: "ok  "; case .failed: "FAIL"; case .skipped: "skip" }
        var line = "\(mark) \(check.padding(toLength: 12, withPad: " ", startingAt: 0)) \(detail)"
        if let fix { line += "\n     fix: \(fix)" }
        return line
    }
}
