import Registry

/// The role a name plays on an act.
public enum NameRole: Int, Sendable, CaseIterable {
    /// The person of the act (the child, the deceased).
    case person = 1
    /// The father.
    case father = 2
    /// The mother.
    case mother = 3
    /// A spouse named in a marriage mention.
    case spouse = 4
}

/// The keys a name is indexed and searched under: `a:` + normalised Arabic token, `l:` + Latin
/// skeleton. Latin tokens are also indexed exactly (`x:`) to rank exact spellings first.
enum SearchKeys {
    static func keys(for text: String) -> [String] {
        let latin = LatinNameNormalizer.tokens(text)
        let arabic = ArabicNameNormalizer.tokens(text).filter { token in
            token.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) }
        }
        return arabic.map { "a:" + $0 } + latin.map { "l:" + LatinNameNormalizer.skeleton($0) }
    }

    static func exactKeys(for text: String) -> [String] {
        LatinNameNormalizer.tokens(text).map { "x:" + $0 }
    }

    /// Every script of a person's name, one after the other (no array is made).
    @inline(__always)
    static func forEachText(_ name: PersonName, _ body: (String) -> Void) {
        body(name.givenName.arabic)
        body(name.givenName.latin)
        body(name.familyName.arabic)
        body(name.familyName.latin)
        if let tifinagh = name.givenName.tifinagh { body(tifinagh) }
        if let tifinagh = name.familyName.tifinagh { body(tifinagh) }
    }
}
