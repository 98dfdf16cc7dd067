/// Capped exponential backoff with jitter between dials of one peer.
///
/// The ceiling starts at the initial delay and doubles after every failed dial up to the maximum;
/// each delay is drawn from the upper half of the ceiling, so peers that failed together do not
/// redial together. A connection that authenticates resets the ceiling.
struct ReconnectBackoff {
    let initialMs: Int64
    let maxMs: Int64
    private(set) var ceilingMs: Int64

    init(initialMs: Int64, maxMs: Int64) {
        precondition(initialMs >= 1 && maxMs >= initialMs, "backoff needs 1 <= initial <= max")
        self.initialMs = initialMs
        self.maxMs = maxMs
        self.ceilingMs = initialMs
    }

    /// The delay before the next dial, in `ceiling/2 ... ceiling`; then the ceiling doubles (capped).
    mutating func nextDelayMs(using generator: inout some RandomNumberGenerator) -> Int64 {
        let ceiling = ceilingMs
        ceilingMs = ceilingMs > maxMs / 2 ? maxMs : ceilingMs * 2
        let half = ceiling / 2
        return ceiling - half + Int64.random(in: 0...half, using: &generator)
    }

    /// Back to the initial delay, after a connection authenticated.
    mutating func reset() {
        ceilingMs = initialMs
    }
}
