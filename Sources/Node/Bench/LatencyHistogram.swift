/// Latencies in microseconds, counted in log-linear buckets: every power of two is split into
/// `subBucketCount` equal buckets, so a percentile read back is within 1/128 (under 0.8 %) of
/// the value recorded, whatever its size, and a run of millions of requests costs a few
/// kilobytes. The maximum is kept exactly.
public struct LatencyHistogram: Sendable, Equatable, Codable {
    /// Buckets per power of two. 128 keeps the relative error of a percentile under 0.8 %.
    static let subBucketCount = 128
    static let subBucketBits = 7
    /// Powers of two covered: values up to 2^40 µs (12 days), far beyond any timeout.
    static let magnitudeCount = 41

    private var counts: [UInt64]
    /// Values recorded.
    public private(set) var count: UInt64 = 0
    /// The largest value recorded, exactly.
    public private(set) var maxMicros: UInt64 = 0
    /// The sum of every value recorded (for the mean).
    public private(set) var sumMicros: UInt64 = 0

    /// An empty histogram.
    public init() {
        counts = Array(repeating: 0, count: Self.subBucketCount * Self.magnitudeCount)
    }

    /// Counts one latency.
    public mutating func record(micros value: UInt64) {
        counts[Self.bucket(of: value)] += 1
        count += 1
        sumMicros &+= value
        maxMicros = max(maxMicros, value)
    }

    /// Adds every value of `other`.
    public mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
        count += other.count
        sumMicros &+= other.sumMicros
        maxMicros = max(maxMicros, other.maxMicros)
    }

    /// The mean, in microseconds (0 when empty).
    public var meanMicros: Double { count == 0 ? 0 : Double(sumMicros) / Double(count) }

    /// The smallest recorded value such that `percent` % of the values are at most it, as the
    /// upper bound of its bucket (never above the maximum; the maximum itself for the last
    /// bucket, which also holds every value beyond the range). 0 when empty.
    public func percentile(_ percent: Double) -> UInt64 {
        precondition(percent >= 0 && percent <= 100, "a percentile is between 0 and 100")
        guard count > 0 else { return 0 }
        let rank = max(1, UInt64((percent / 100 * Double(count)).rounded(.up)))
        var seen: UInt64 = 0
        for (index, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return index == counts.count - 1 ? maxMicros : min(Self.upperBound(of: index), maxMicros) }
        }
        return maxMicros
    }

    static func bucket(of value: UInt64) -> Int {
        if value < UInt64(subBucketCount) { return Int(value) }
        let magnitude = 63 - value.leadingZeroBitCount - subBucketBits + 1
        let sub = Int(value >> UInt64(magnitude - 1)) - subBucketCount
        return min(magnitude * subBucketCount + sub, subBucketCount * magnitudeCount - 1)
    }

    /// The largest value that falls in bucket `index`.
    static func upperBound(of index: Int) -> UInt64 {
        let magnitude = index / subBucketCount
        let sub = index % subBucketCount
        if magnitude == 0 { return UInt64(sub) }
        let low = UInt64(subBucketCount + sub) << UInt64(magnitude - 1)
        return low + (UInt64(1) << UInt64(magnitude - 1)) - 1
    }
}
