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

    /// Decoding the UTF-8 bytes by hand finds the same first disallowed scalar as the scalar
    /// view, in every script, for one-, two-, three- and four-byte scalars in any position.
    @Test func theByteDecoderFindsWhatTheScalarViewFinds() {
        let seed: UInt64 = 78
        var generator = SeededGenerator(seed: seed)
        func next() -> UInt64 { generator.next() }
        let pieces: [String] = ["a", "Z", " ", "-", "'", "7", ".", "é", "×", "ß", "ب", "ڭ", "\u{064E}", "ⵣ", "ⴰ",
                                "\u{200E}", "\u{FEFF}", "\u{0007}", "\u{0085}", "’", "😀", "𝔸", "中"]
        let scripts: [Script] = [.arabic, .latin, .latinText, .tifinagh, .freeText]
        var disallowed = 0
        for _ in 0..<20_000 {
            let text = (0..<(1 + Int(next() % 12))).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined()
            for script in scripts {
                let expected = text.unicodeScalars.first { !TextRules.allowed($0, script) }
                let found = TextRules.firstDisallowed(text, script)
                if found != nil { disallowed += 1 }
                #expect(found == expected, "\(Array(text.unicodeScalars)) in \(script) (seed \(seed))")
            }
        }
        #expect(disallowed > 20_000)
    }
}
