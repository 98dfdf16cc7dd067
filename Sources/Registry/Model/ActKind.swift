/// The two kinds of act (law 37-99, article 1): birth and death. Marriage and divorce are not
/// acts but marginal mentions.
public enum ActKind: UInt8, NamedByteEnum, CanonicalCodable, Comparable {
    /// رسم الولادة, acte de naissance.
    case birth = 1
    /// رسم الوفاة, acte de décès.
    case death = 2

    /// The JSON name.
    public var name: String {
        switch self {
        case .birth: "birth"
        case .death: "death"
        }
    }

    /// Orders birth before death.
    public static func < (lhs: ActKind, rhs: ActKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
