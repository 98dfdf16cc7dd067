import Registry

/// The legal purposes a partner administration may query the register for (law 36-21, electronic
/// exchange with partner administrations). Each purpose discloses only the fields it needs
/// (`PartnerDisclosure`), and a partner's token lists the purposes its agreement grants.
public enum PartnerPurpose: UInt8, NamedByteEnum, CanonicalCodable {
    /// "Is this person alive?" (e.g. before paying a benefit): only alive or deceased.
    case vitalStatus = 1
    /// The civil status of a pension file: names, date of birth, sex, marital status, death.
    case pensionFile = 2
    /// The feed of new death acts, for subscribed partners.
    case deathNotifications = 3
    /// Electronic pre-declarations of births and deaths by a health facility (law 36-21).
    case healthFacilityDeclaration = 4

    /// The JSON and CLI spelling.
    public var name: String {
        switch self {
        case .vitalStatus: "vitalStatus"
        case .pensionFile: "pensionFile"
        case .deathNotifications: "deathNotifications"
        case .healthFacilityDeclaration: "healthFacilityDeclaration"
        }
    }
}
