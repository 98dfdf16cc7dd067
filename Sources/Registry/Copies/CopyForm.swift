/// The two forms of copy (law 37-99): the full copy and the abridged extract.
public enum CopyForm: UInt8, NamedByteEnum, CanonicalCodable {
    /// نسخة كاملة, copie intégrale: everything in the register, mentions included, with their
    /// legal references. Only for the persons the law entitles.
    case fullCopy = 1
    /// نسخة موجزة, extrait: the person's current data and civil status; see docs/REGISTRY.md.
    case extract = 2

    /// The JSON name.
    public var name: String { self == .fullCopy ? "fullCopy" : "extract" }
}

/// The language of a copy.
public enum CopyLanguage: UInt8, NamedByteEnum, CanonicalCodable {
    /// Arabic, written right to left.
    case arabic = 1
    /// French.
    case french = 2

    /// The JSON name.
    public var name: String { self == .arabic ? "arabic" : "french" }
}
