/// The HTTP API's limits (DESIGN §4.6: overload is refused with a clear error, never absorbed).
public enum APILimits {
    /// Body of a registration or a mention. The largest act (every optional field, names in
    /// three scripts at their 200-byte limit, places at 512) encodes to about 12 KiB of JSON;
    /// 64 KiB leaves room for whitespace without letting a client park megabytes on the node.
    public static let actBodyBytesMax = 64 << 10
    /// Body of a copy to verify: a full copy with 200 mentions printed in Arabic stays under
    /// 128 KiB.
    public static let copyBodyBytesMax = 256 << 10
    /// Body of an administrative request (membership, leadership, durability): a few fields.
    public static let adminBodyBytesMax = 4 << 10
    /// Body of a topology version pushed to a node: twelve regions of a few dozen shards and
    /// nodes each encode to well under 100 KiB of JSON.
    public static let topologyBodyBytesMax = 1 << 20
    /// Requests being served at once by one node. The node core refuses beyond 20,000 pending
    /// requests; the HTTP side stops well before, so the loop keeps room for replication and a
    /// burst is refused at the door (503 `overloaded`) instead of queueing for seconds.
    public static let requestsInFlightMax = 2_000
    /// How far a client-supplied `recordedAt` may lie behind the node's clock. A retry of a
    /// request must carry the same body, hence the same time; an hour covers retries across a
    /// leader change or a node restart, while keeping a clerk from back-dating an act beyond
    /// the rounding of the 30-day declaration rule.
    public static let recordedAtPastMinutesMax = 60
    /// How far ahead of the node's clock a client's `recordedAt` may be (clock skew).
    public static let recordedAtFutureMinutesMax = 2
    /// The largest staleness a bounded-stale read may accept: a day. A replica whose state is
    /// older than that should not answer national queries, and a larger number is a typo.
    public static let maxStaleMsMax: UInt64 = 86_400_000
    /// Hits returned by a search when the client asks for none (at most `ActSearchQuery.limitMax`).
    public static let searchDefaultLimit = 50
}
