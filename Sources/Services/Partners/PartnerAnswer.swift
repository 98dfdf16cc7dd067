import Registry

/// The answer to "is this person alive?": nothing but that.
public struct VitalStatusAnswer: Hashable, Sendable, Codable {
    /// The identifier asked about.
    public var civilDigitalID: String
    /// Whether the register holds a birth act for it.
    public var found: Bool
    /// Alive, as far as the register knows (nil when not found).
    public var alive: Bool?

    /// Creates an answer.
    public init(civilDigitalID: String, found: Bool, alive: Bool?) {
        self.civilDigitalID = civilDigitalID
        self.found = found
        self.alive = alive
    }
}

/// The civil status a pension file needs: identity, birth, sex, marital status, death.
public struct PensionFileAnswer: Hashable, Sendable, Codable {
    /// The identifier asked about.
    public var civilDigitalID: String
    /// Whether the register holds a birth act for it.
    public var found: Bool
    /// Current names in Arabic script.
    public var nameArabic: String?
    /// Current names in Latin script.
    public var nameLatin: String?
    /// Date of birth.
    public var birthDate: GregorianDate?
    /// Sex.
    public var sex: Sex?
    /// "single", "married" or "divorced", from the marginal mentions.
    public var maritalStatus: String?
    /// Alive, as far as the register knows.
    public var alive: Bool?
    /// The date of death, when recorded.
    public var deathDate: GregorianDate?
}

/// One entry of the death feed: a death act drawn up, for subscribed partners.
public struct DeathNotice: Hashable, Sendable, Codable {
    /// Position in the group's feed, from 1: the cursor partners keep.
    public var position: UInt64
    /// The death act.
    public var deathAct: ActID
    /// The deceased's civil digital identifier, when the act records it.
    public var civilDigitalID: CivilDigitalID?
    /// The date of death.
    public var deathDate: GregorianDate
    /// When the act was drawn up.
    public var recordedAt: Timestamp
}

extension DeathNotice: CanonicalCodable {
    /// Writes the fields in order.
    public func encode(to writer: inout ByteWriter) {
        writer.write(position)
        deathAct.encode(to: &writer)
        writer.writeOptional(civilDigitalID) { $1.encode(to: &$0) }
        deathDate.encode(to: &writer)
        recordedAt.encode(to: &writer)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        position = try reader.readUInt64()
        deathAct = try ActID(from: &reader)
        civilDigitalID = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
        deathDate = try GregorianDate(from: &reader)
        recordedAt = try Timestamp(from: &reader)
    }
}

/// Field minimisation: what each purpose discloses from a birth act, and nothing more. The
/// answer is built from the act as read now (corrections applied, mentions in order).
public enum PartnerDisclosure {
    /// "Is this person alive?"
    public static func vitalStatus(_ civilID: CivilDigitalID, record: ActRecord?) -> VitalStatusAnswer {
        guard let record else { return VitalStatusAnswer(civilDigitalID: civilID.digits, found: false, alive: nil) }
        return VitalStatusAnswer(civilDigitalID: civilID.digits, found: true, alive: ActView(record).death == nil)
    }

    /// The civil status of a pension file.
    public static func pensionFile(_ civilID: CivilDigitalID, record: ActRecord?) -> PensionFileAnswer {
        guard let record else {
            return PensionFileAnswer(civilDigitalID: civilID.digits, found: false)
        }
        let view = ActView(record)
        return PensionFileAnswer(
            civilDigitalID: civilID.digits, found: true, nameArabic: view.person.arabicText, nameLatin: view.person.latinText,
            birthDate: view.birthDate, sex: view.sex, maritalStatus: maritalStatus(view), alive: view.death == nil,
            deathDate: view.death?.deathDate.gregorian)
    }

    /// The marital status the mentions establish. The last marriage decides: dissolved by a
    /// divorce, or still in force; a spouse's death is not on this act, so "widowed" is only
    /// known from the spouse's act and is not inferred here.
    static func maritalStatus(_ view: ActView) -> String {
        guard let last = view.marriages.last else { return "single" }
        return last.divorce == nil ? "married" : "divorced"
    }
}

extension PensionFileAnswer {
    init(civilDigitalID: String, found: Bool) {
        self.init(civilDigitalID: civilDigitalID, found: found, nameArabic: nil, nameLatin: nil, birthDate: nil, sex: nil,
                  maritalStatus: nil, alive: nil, deathDate: nil)
    }
}
