import NIOConcurrencyHelpers
import PhoneCatalog

extension PhoneUserAgent {
    /// A phone sends the same User-Agent on every fetch: parsed once, then looked up. Bounded
    /// (emptied when full), so agents made up by a client only cost their parse.
    static func parsed(_ header: String) -> PhoneUserAgent? {
        if let known = memo.withLockedValue({ $0[header] }) { return known }
        let agent = PhoneUserAgent(header)
        memo.withLockedValue { memo in
            if memo.count >= memoLimit { memo.removeAll(keepingCapacity: true) }
            memo[header] = .some(agent)
        }
        return agent
    }

    private static let memoLimit = 16_384
    private static let memo = NIOLockedValueBox([String: PhoneUserAgent?]())
}
