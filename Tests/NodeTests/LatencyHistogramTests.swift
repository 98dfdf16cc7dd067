import Testing
@testable import Node
import Raft

@Suite struct LatencyHistogramTests {
    @Test func percentilesAreWithinOneBucketOfTheExactValue() {
        var generator = SplitMix64(seed: 41)
        var histogram = LatencyHistogram()
        var values: [UInt64] = []
        for _ in 0..<20_000 {
            let value = generator.next() % 200_000
            values.append(value)
            histogram.record(micros: value)
        }
        values.sort()
        for percent in [50.0, 90.0, 99.0, 99.9] {
            let exact = values[Int((percent / 100 * Double(values.count)).rounded(.up)) - 1]
            let read = histogram.percentile(percent)
            #expect(read >= exact, "p\(percent): \(read) < \(exact) (seed 41)")
            #expect(Double(read - exact) <= Double(exact) / 128 + 1, "p\(percent): \(read) vs \(exact) (seed 41)")
        }
        #expect(histogram.maxMicros == values.last!)
        #expect(histogram.percentile(100) == values.last!)
        #expect(histogram.count == 20_000)
    }

    @Test func smallValuesAreExactAndAnEmptyHistogramReadsZero() {
        var histogram = LatencyHistogram()
        #expect(histogram.percentile(99) == 0 && histogram.meanMicros == 0)
        for value: UInt64 in [3, 3, 7, 100] { histogram.record(micros: value) }
        #expect(histogram.percentile(50) == 3)
        #expect(histogram.percentile(75) == 7)
        #expect(histogram.percentile(100) == 100)
        #expect(histogram.meanMicros == 28.25)
    }

    @Test func mergingAddsTheCountsAndKeepsTheLargestMaximum() {
        var a = LatencyHistogram()
        var b = LatencyHistogram()
        for value: UInt64 in 1...1_000 { a.record(micros: value) }
        for value: UInt64 in 5_000...5_999 { b.record(micros: value) }
        a.merge(b)
        #expect(a.count == 2_000)
        #expect(a.maxMicros == 5_999)
        // p50 is the largest value of a (1,000), read as the top of its bucket (within 1/128).
        #expect(a.percentile(50) >= 1_000 && a.percentile(50) <= 1_000 + 1_000 / 128 + 1)
        #expect(a.percentile(51) >= 5_000)
    }

    @Test func hugeValuesLandInTheLastBucketWithoutTrapping() {
        var histogram = LatencyHistogram()
        histogram.record(micros: UInt64.max / 2)
        #expect(histogram.count == 1)
        #expect(histogram.percentile(99) == UInt64.max / 2)
    }
}
