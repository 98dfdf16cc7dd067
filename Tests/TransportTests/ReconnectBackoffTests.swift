import Testing
@testable import Transport

@Suite struct ReconnectBackoffTests {
    @Test func delaysDoubleUpToTheCapWithJitterInTheUpperHalf() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var generator = SeededGenerator(seed: seed)
        var backoff = ReconnectBackoff(initialMs: 50, maxMs: 5_000)
        let expectedCeilings: [Int64] = [50, 100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]
        for ceiling in expectedCeilings {
            let delay = backoff.nextDelayMs(using: &generator)
            #expect((ceiling - ceiling / 2)...ceiling ~= delay, "ceiling \(ceiling), delay \(delay), seed \(seed)")
        }
        backoff.reset()
        let afterReset = backoff.nextDelayMs(using: &generator)
        #expect(25...50 ~= afterReset, "seed \(seed)")
    }

    @Test func theCeilingNeverOverflowsAtTheLargestCap() {
        var generator = SeededGenerator(seed: 1)
        var backoff = ReconnectBackoff(initialMs: 1, maxMs: Int64.max)
        for _ in 0..<200 {
            #expect(backoff.nextDelayMs(using: &generator) >= 1)
        }
        #expect(backoff.ceilingMs == Int64.max)
    }
}
