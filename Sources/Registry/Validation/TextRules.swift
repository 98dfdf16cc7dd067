/// The script a text field must be written in.
public enum Script: Sendable {
    /// An Arabic name: Arabic letters (including the Moroccan ڭ), diacritics, tatweel, spaces, hyphens.
    case arabic
    /// A Latin name: Latin letters with diacritics, spaces, hyphens, apostrophes.
    case latin
    /// A Latin-script text (a place): letters, digits, spaces and common punctuation.
    case latinText
    /// A Tifinagh name: Tifinagh letters (U+2D30–U+2D7F), spaces, hyphens.
    case tifinagh
    /// Any text without control or bidirectional-override characters (a court, a nationality).
    case freeText
}

/// Checks of text fields. Text is never normalised on the apply path: a field must already be
/// clean (no control characters, no bidirectional overrides that could disguise a copy, no
/// leading, trailing or doubled spaces) or it is rejected with the field named.
enum TextRules {
    static func check(_ text: String, _ script: Script, maxBytes: Int, field: Field, into violations: inout Violations) {
        if text.isEmpty {
            violations.add(.requiredFieldEmpty, field, "must not be empty")
            return
        }
        if text.utf8.count > maxBytes {
            violations.add(.fieldTooLong, field, "is \(text.utf8.count) bytes, the limit is \(maxBytes)")
            return
        }
        // The byte scan is a necessary condition of the character checks (a space is one byte
        // in UTF-8 and never part of another scalar), so those run only when it finds a space
        // at an end or two in a row: the same answer, without a string search on every field.
        if hasSpaceAtEndsOrDoubled(text) && (text.hasPrefix(" ") || text.hasSuffix(" ") || text.contains("  ")) {
            violations.add(.wrongScript, field, "has leading, trailing or doubled spaces")
            return
        }
        if let bad = firstDisallowed(text, script) {
            let hex = String(bad.value, radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            violations.add(.wrongScript, field, "contains U+\(padded), not allowed in \(script) text")
        }
    }

    /// The first scalar of `text` not allowed in `script`, decoded straight from its UTF-8 bytes
    /// (a `String`'s bytes are valid UTF-8); the same answer as searching `unicodeScalars`,
    /// which cost more than the checks themselves.
    static func firstDisallowed(_ text: String, _ script: Script) -> Unicode.Scalar? {
        let found: Unicode.Scalar?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var at = 0
            while at < bytes.count {
                let lead = bytes[at]
                var value: UInt32
                let length: Int
                if lead < 0x80 {
                    value = UInt32(lead)
                    length = 1
                } else if lead < 0xE0 {
                    value = UInt32(lead & 0x1F)
                    length = 2
                } else if lead < 0xF0 {
                    value = UInt32(lead & 0x0F)
                    length = 3
                } else {
                    value = UInt32(lead & 0x07)
                    length = 4
                }
                guard at + length <= bytes.count else { break }
                for next in (at + 1)..<(at + length) { value = value << 6 | UInt32(bytes[next] & 0x3F) }
                guard let scalar = Unicode.Scalar(value) else { break }
                if !allowed(scalar, script) { return scalar }
                at += length
            }
            // Only a malformed sequence stops early, which a String never holds; the scalar
            // view then decides.
            return at == bytes.count ? nil : firstDisallowedByScalars(text, script)
        }
        return found ?? firstDisallowedByScalars(text, script)
    }

    /// The same search through the string's scalar view.
    private static func firstDisallowedByScalars(_ text: String, _ script: Script) -> Unicode.Scalar? {
        text.unicodeScalars.first { !allowed($0, script) }
    }

    /// Whether the UTF-8 bytes start or end with a space or hold two spaces in a row.
    static func hasSpaceAtEndsOrDoubled(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { scanSpaces($0) } ?? scanSpaces(Array(text.utf8))
    }

    private static func scanSpaces(_ bytes: some Collection<UInt8>) -> Bool {
        let space = UInt8(ascii: " ")
        guard let first = bytes.first else { return false }
        if first == space { return true }
        var previous = first
        for byte in bytes.dropFirst() {
            if byte == space && previous == space { return true }
            previous = byte
        }
        return previous == space
    }

    static func checkName(_ name: Name, arabic: Field, latin: Field, tifinagh: Field?, into violations: inout Violations) {
        check(name.arabic, .arabic, maxBytes: RegistryLimits.nameBytesMax, field: arabic, into: &violations)
        check(name.latin, .latin, maxBytes: RegistryLimits.nameBytesMax, field: latin, into: &violations)
        if let value = name.tifinagh {
            check(value, .tifinagh, maxBytes: RegistryLimits.nameBytesMax, field: tifinagh ?? latin, into: &violations)
        }
    }

    private static func isForbiddenEverywhere(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: true          // control characters
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true  // bidi marks and overrides
        case 0xFEFF: true                              // byte-order mark
        default: false
        }
    }

    private static func isLatinLetter(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x41...0x5A, 0x61...0x7A: true
        case 0xC0...0xFF: s.value != 0xD7 && s.value != 0xF7
        case 0x100...0x17F: true
        default: false
        }
    }

    static func allowed(_ s: Unicode.Scalar, _ script: Script) -> Bool {
        if isForbiddenEverywhere(s) { return false }
        switch script {
        case .arabic:
            switch s.value {
            case 0x20, 0x2D: return true
            case 0x0621...0x063A, 0x0640...0x065F, 0x0670...0x06D3: return true
            default: return false
            }
        case .latin:
            return isLatinLetter(s) || s == " " || s == "-" || s == "'" || s == "\u{2019}"
        case .latinText:
            switch s.value {
            case 0x20, 0x2D, 0x27, 0x2019, 0x2E, 0x2C, 0x28, 0x29, 0x2F: return true  // space - ' ’ . , ( ) /
            case 0x30...0x39: return true
            default: return isLatinLetter(s)
            }
        case .tifinagh:
            return (0x2D30...0x2D7F).contains(s.value) || s == " " || s == "-"
        case .freeText:
            return true
        }
    }
}

/// The violations found so far, capped at ``CommandOutcome/violationsMax``.
struct Violations {
    private(set) var items: [RuleViolation] = []

    mutating func add(_ rule: Rule, _ field: Field, _ reason: String) {
        guard items.count < CommandOutcome.violationsMax else { return }
        items.append(RuleViolation(rule, field, reason))
    }

    var isEmpty: Bool { items.isEmpty }
}
