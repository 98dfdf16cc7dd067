/// SplitMix64: a small, fast, seeded generator. Every property test prints its seed on failure,
/// and `SIJIL_SEED=<n>` replays one seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self) < percent }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &self)] }
}

import Foundation

enum PropertySeeds {
    /// The seeds a property test runs: `SIJIL_SEED` alone when set, else a fixed list.
    static func seeds(default list: [UInt64]) -> [UInt64] {
        if let text = ProcessInfo.processInfo.environment["SIJIL_SEED"], let seed = UInt64(text) { return [seed] }
        return list
    }
}
