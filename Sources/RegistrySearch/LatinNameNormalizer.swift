/// Normalises names written in Latin script, where one Arabic name has many transcriptions
/// (Mohamed, Mohammed, Muhammad, M'hamed; El Alaoui, Al-Alaoui; Youssef, Yousef, Yusuf).
///
/// Two levels: ``tokens(_:)`` folds case, accents, apostrophes, articles and particles; and
/// ``skeleton(_:)`` reduces a token to a consonant key on which transcription variants meet.
public enum LatinNameNormalizer {
    /// Particles joined to the next token, so that "Ben Ali" and "Benali" meet.
    static let joinedParticles: Set<String> = ["ben", "bin", "ibn", "bent", "bint", "ait", "abd", "abdel", "abdul",
                                                "abdal", "abou", "abu", "bou", "ould"]
    /// Articles dropped when written apart ("El Alaoui" = "Alaoui").
    static let articles: Set<String> = ["el", "al", "l", "al-", "el-"]

    /// Tokens of a name: lowercase ASCII letters, accents folded, articles dropped, particles joined.
    public static func tokens(_ text: String) -> [String] {
        var folded = ""
        for scalar in text.unicodeScalars {
            if let ascii = fold(scalar) {
                folded += ascii
            } else if scalar == "'" || scalar == "\u{2019}" || scalar == "`" {
                continue  // M'hamed = Mhamed
            } else {
                folded += " "
            }
        }
        let raw = folded.split(separator: " ").map(String.init).filter { !articles.contains($0) }
        var merged: [String] = []
        var index = 0
        while index < raw.count {
            if joinedParticles.contains(raw[index]), index + 1 < raw.count {
                merged.append(raw[index] + raw[index + 1])
                index += 2
            } else {
                merged.append(raw[index])
                index += 1
            }
        }
        return merged
    }

    /// The phonetic key of one token: digraphs of French and English transcription unified
    /// (ou before a vowel→w, ou→u, ch/sh→c, kh→x, gh/rh→g, dj→j, ph→f, q/ck→k, c before e/i→s), a final h after a
    /// vowel dropped, doubled letters collapsed, and vowels (and y inside a word) removed.
    public static func skeleton(_ token: String) -> String {
        // Tokens are lowercase ASCII (see `tokens`), so the rewriting works on bytes; anything
        // else goes through the same steps on characters.
        guard token.utf8.allSatisfy({ $0 < 0x80 }) else { return skeleton(characters: Array(token)) }
        let bytes = skeleton(ascii: Array(token.utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Rewrites of French and English transcriptions, applied in this order, each left to right
    /// without overlaps.
    static let rewrites: [(pattern: String, replacement: String)] = [
        // ou before a vowel is the consonant w (Ouafae = Wafae); elsewhere it is the vowel u.
        ("oua", "wa"), ("oue", "we"), ("oui", "wi"), ("ou", "u"),
        ("sch", "c"), ("ch", "c"), ("sh", "c"), ("kh", "x"), ("gh", "g"), ("rh", "g"), ("dj", "j"), ("ph", "f"),
        ("ck", "k"), ("q", "k"),
    ]
    private static let asciiRewrites: [(pattern: [UInt8], replacement: [UInt8])] = rewrites.map { (Array($0.pattern.utf8), Array($0.replacement.utf8)) }

    static func skeleton(ascii token: [UInt8]) -> [UInt8] {
        var s = token
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        for (p, r) in asciiRewrites {
            out.removeAll(keepingCapacity: true)
            var i = 0
            while i < s.count {
                if i + p.count <= s.count, s[i] == p[0], p.count == 1 || s[(i + 1)..<(i + p.count)].elementsEqual(p[1...]) {
                    out += r
                    i += p.count
                } else {
                    out.append(s[i])
                    i += 1
                }
            }
            swap(&s, &out)
        }
        let (c, e, i, y, h) = (UInt8(ascii: "c"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "y"), UInt8(ascii: "h"))
        // c before e, i, y sounds s (Youcef = Youssef); elsewhere c is now the ch sound.
        for k in s.indices where s[k] == c && k + 1 < s.count && (s[k + 1] == e || s[k + 1] == i || s[k + 1] == y) { s[k] = UInt8(ascii: "s") }
        func isVowel(_ b: UInt8) -> Bool { b == UInt8(ascii: "a") || b == e || b == i || b == UInt8(ascii: "o") || b == UInt8(ascii: "u") }
        if s.count > 2, s.last == h, isVowel(s[s.count - 2]) { s.removeLast() }
        var key: [UInt8] = []
        for (k, b) in s.enumerated() {
            if isVowel(b) { continue }
            if b == y && k > 0 { continue }
            if key.last == b { continue }
            key.append(b)
        }
        // A name of vowels only keeps its first letter, so it still has a key.
        return key.isEmpty ? Array(s.prefix(1)) : key
    }

    static func skeleton(characters token: [Character]) -> String {
        var s = token
        for (pattern, replacement) in rewrites {
            let p = Array(pattern), r = Array(replacement)
            var out: [Character] = []
            var i = 0
            while i < s.count {
                if i + p.count <= s.count, Array(s[i..<(i + p.count)]) == p {
                    out += r
                    i += p.count
                } else {
                    out.append(s[i])
                    i += 1
                }
            }
            s = out
        }
        for i in s.indices where s[i] == "c" && i + 1 < s.count && "eiy".contains(s[i + 1]) { s[i] = "s" }
        let vowels: Set<Character> = ["a", "e", "i", "o", "u"]
        if s.count > 2, s.last == "h", vowels.contains(s[s.count - 2]) { s.removeLast() }
        var key: [Character] = []
        for (i, c) in s.enumerated() {
            if vowels.contains(c) { continue }
            if c == "y" && i > 0 { continue }
            if key.last == c { continue }
            key.append(c)
        }
        return key.isEmpty ? String(s.prefix(1)) : String(key)
    }

    private static func fold(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x41...0x5A: return String(Character(Unicode.Scalar(scalar.value + 32)!))
        case 0x61...0x7A: return String(Character(scalar))
        case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105: return "a"
        case 0xC6, 0xE6: return "ae"
        case 0xC7, 0xE7, 0x106...0x10D: return "c"
        case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B: return "e"
        case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131: return "i"
        case 0xD1, 0xF1, 0x143...0x148: return "n"
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151: return "o"
        case 0x152, 0x153: return "oe"
        case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173: return "u"
        case 0xDD, 0xFD, 0xFF, 0x176...0x178: return "y"
        case 0xDF: return "ss"
        case 0x10E...0x111: return "d"
        case 0x11C...0x123: return "g"
        case 0x124...0x127: return "h"
        case 0x134, 0x135: return "j"
        case 0x136, 0x137: return "k"
        case 0x139...0x142: return "l"
        case 0x154...0x159: return "r"
        case 0x15A...0x161: return "s"
        case 0x162...0x167: return "t"
        case 0x174, 0x175: return "w"
        case 0x179...0x17E: return "z"
        default: return nil
        }
    }
}
