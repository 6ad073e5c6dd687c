/// How long an HTTP connection may wait for what it owes the server, and what it owes now.
/// A client that connects and sends nothing, sends its header a byte a minute, stops half-way
/// through a body, or holds a keep-alive connection open forever ties up a connection each:
/// enough of them and phones get no answer. No phone waits this long between bytes of a request.
///
/// Pure: the NIO shell tells it what happened and arms one timer for the deadline it answers.
public struct ConnectionTimeouts: Sendable, Equatable {
    public struct Limits: Sendable, Equatable {
        /// From the connection's start (TLS handshake included) to its first request's complete header.
        public var header: Double
        /// Between two reads of a request's body.
        public var body: Double
        /// From an answer's end to the next request's complete header (keep-alive).
        public var idle: Double

        public init(header: Double = 30, body: Double = 30, idle: Double = 75) {
            self.header = header
            self.body = body
            self.idle = idle
        }
    }

    public let limits: Limits
    /// Requests whose answer has not ended (HTTP/1.1 pipelining may stack several).
    private var unanswered = 0
    private var readingBody = false
    private var answeredOne = false

    public init(limits: Limits) { self.limits = limits }

    /// Seconds from now until the connection is closed unless something happens; nil: the
    /// server owes the next move (it is answering), no deadline.
    public var deadline: Double? {
        if readingBody { return limits.body }
        if unanswered > 0 { return nil }
        return answeredOne ? limits.idle : limits.header
    }

    public mutating func headRead() {
        unanswered += 1
        readingBody = true
    }

    /// A part of the body came: the body's clock starts again.
    public mutating func bodyRead() {}

    public mutating func requestEnded() { readingBody = false }

    public mutating func answerEnded() {
        unanswered = max(0, unanswered - 1)
        answeredOne = true
    }
}

/// How many connections the server holds at once, in all and from one address: a cap far above
/// a site's boot storm (phones' connections are short), far below what exhausts the server.
/// Addresses of trusted proxies (load balancers) count in the total only.
public struct ConnectionLimits: Sendable, Equatable {
    public var total: Int
    public var perAddress: Int
    public private(set) var open = 0
    private var byAddress: [String: Int] = [:]

    public init(total: Int = 16_384, perAddress: Int = 2_048) {
        self.total = total
        self.perAddress = perAddress
    }

    /// Takes a place for a connection from `address`, or answers false (the connection is
    /// closed at once). `counted`: false for a trusted proxy, held to the total only.
    public mutating func admit(_ address: String, counted: Bool = true) -> Bool {
        guard open < total else { return false }
        if counted {
            let current = byAddress[address, default: 0]
            guard current < perAddress else { return false }
            byAddress[address] = current + 1
        }
        open += 1
        return true
    }

    /// Gives back the place a closed connection held (entries of addresses with none left go:
    /// memory follows the connections open, not every address ever seen).
    public mutating func release(_ address: String, counted: Bool = true) {
        open = max(0, open - 1)
        guard counted, let current = byAddress[address] else { return }
        byAddress[address] = current > 1 ? current - 1 : nil
    }

    public func count(_ address: String) -> Int { byAddress[address, default: 0] }
    public var addresses: Int { byAddress.count }
}
