import NIOCore

/// Seconds on a monotonic clock, as the pure TFTP and SIP state machines take their time.
enum MonotonicClock {
    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }
}
