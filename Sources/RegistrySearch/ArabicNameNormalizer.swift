/// Normalises names written in Arabic script so that the spellings a clerk may use for the same
/// name meet: hamza and alef forms, ta marbuta, alef maqsura, diacritics, tatweel, the Moroccan
/// letter ڭ, the definite article, and "عبد" written apart or joined.
public enum ArabicNameNormalizer {
    /// Tokens of a name, each normalised; empty tokens are dropped.
    public static func tokens(_ text: String) -> [String] {
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x064B...0x065F, 0x0670, 0x06D6...0x06ED:      // harakat, superscript alef, Quranic marks
                continue
            case 0x0640:                                         // tatweel
                continue
            case 0x0622, 0x0623, 0x0625, 0x0671, 0x0672, 0x0673: // آ أ إ ٱ and wavy-hamza alefs
                folded.append("\u{0627}")
            case 0x0624:                                         // ؤ
                folded.append("\u{0648}")
            case 0x0626, 0x0649, 0x06CC, 0x064A:                 // ئ ى ی ي
                folded.append("\u{064A}")
            case 0x0621:                                         // lone hamza
                continue
            case 0x0629:                                         // ة → ه
                folded.append("\u{0647}")
            case 0x06A9, 0x06AD, 0x06AF, 0x0763, 0x0643:         // ک ڭ گ ݣ ك
                folded.append("\u{0643}")
            case 0x06A4:                                         // ڤ → ف
                folded.append("\u{0641}")
            case 0x0020, 0x002D, 0x00A0, 0x060C:                 // space, hyphen, nbsp, Arabic comma
                folded.append(" ")
            default:
                folded.append(scalar)
            }
        }
        let raw = String(folded).split(separator: " ").map(String.init)
        var merged: [String] = []
        var index = 0
        while index < raw.count {
            // "عبد الله" and "عبدالله" are the same name.
            if raw[index] == "عبد", index + 1 < raw.count {
                merged.append("عبد" + raw[index + 1])
                index += 2
            } else {
                merged.append(raw[index])
                index += 1
            }
        }
        return merged.map(stripArticle).filter { !$0.isEmpty }
    }

    /// "العلوي" and "علوي" match: the article is dropped when a name of two letters or more remains.
    static func stripArticle(_ token: String) -> String {
        let scalars = Array(token.unicodeScalars)
        guard scalars.count > 3, scalars[0] == "\u{0627}", scalars[1] == "\u{0644}" else { return token }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars.dropFirst(2))
        return String(view)
    }
}
