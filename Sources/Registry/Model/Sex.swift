/// Sex as recorded on the act (الجنس).
public enum Sex: UInt8, NamedByteEnum, CanonicalCodable {
    /// ذكر, masculin.
    case male = 1
    /// أنثى, féminin.
    case female = 2

    /// The JSON name.
    public var name: String {
        switch self {
        case .male: "male"
        case .female: "female"
        }
    }
}
