import Testing
@testable import RegistrySearch

@Suite struct SkeletonEquivalenceTests {
    /// The byte rewriting of ASCII tokens gives the same keys as the rewriting on characters.
    @Test func byteAndCharacterSkeletonsAgreeOnRandomTokens() {
        let seed: UInt64 = 20_261_122
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Letters weighted towards the digraphs the rewriting looks for.
        let alphabet = Array("aeiouyhcksgqrdjpwnmltbf")
        for _ in 0..<5_000 {
            let length = 1 + Int(next() % 12)
            let token = String((0..<length).map { _ in alphabet[Int(next() % UInt64(alphabet.count))] })
            let bytes = String(decoding: LatinNameNormalizer.skeleton(ascii: Array(token.utf8)), as: UTF8.self)
            #expect(bytes == LatinNameNormalizer.skeleton(characters: Array(token)), "token \(token) (seed \(seed))")
        }
        for name in ["mohamed", "mohammed", "muhammad", "youssef", "youcef", "ouafae", "wafae", "chraibi", "schraibi", "a", "ouh"] {
            #expect(LatinNameNormalizer.skeleton(name) == LatinNameNormalizer.skeleton(characters: Array(name)), "\(name)")
        }
    }
}
