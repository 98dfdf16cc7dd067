import Testing
@testable import Registry

@Suite struct TextRulesSpaceScanTests {
    /// The byte scan is a necessary condition of the character checks it guards: whenever the
    /// characters start or end with a space or hold two in a row, so do the bytes. (Seeded
    /// strings mixing spaces, letters, Arabic letters and combining marks.)
    @Test func theByteScanNeverMissesWhatTheCharacterChecksFind() {
        let seed: UInt64 = 77
        var generator = SeededGenerator(seed: seed)
        func next() -> UInt64 { generator.next() }
        let pieces: [String] = [" ", " ", "a", "B", "ب", "\u{064E}", "\u{0301}", "\u{200D}", "ⵣ", "-"]
        var flagged = 0
        for _ in 0..<20_000 {
            let text = (0..<(1 + Int(next() % 6))).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
            let characters = text.hasPrefix(" ") || text.hasSuffix(" ") || text.contains("  ")
            let bytes = TextRules.hasSpaceAtEndsOrDoubled(text)
            if characters { flagged += 1 }
            #expect(!characters || bytes, "\(Array(text.unicodeScalars)) (seed \(seed))")
        }
        #expect(flagged > 1_000)
    }
}
