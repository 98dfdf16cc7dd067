/// The kinds of marginal mention (بيان هامشي, mention marginale).
public enum MentionKind: UInt8, NamedByteEnum, CanonicalCodable {
    /// الزواج, marriage (law 37-99, art. 1: marriage is a mention, not an act).
    case marriage = 1
    /// الطلاق, divorce.
    case divorce = 2
    /// الوفاة, death, on the birth act of the deceased.
    case death = 3
    /// A rectification ordered by a judgment.
    case rectification = 4
    /// A correction of a material error authorised by the procureur du Roi.
    case materialErrorCorrection = 5
    /// A correction of the transcription of a name in Latin script.
    case latinTranscriptionCorrection = 6
    /// The names chosen by a mother whose child's father is unknown (law 37-99, art. 16).
    case singleMotherChosenName = 7

    /// The JSON name.
    public var name: String {
        switch self {
        case .marriage: "marriage"
        case .divorce: "divorce"
        case .death: "death"
        case .rectification: "rectification"
        case .materialErrorCorrection: "materialErrorCorrection"
        case .latinTranscriptionCorrection: "latinTranscriptionCorrection"
        case .singleMotherChosenName: "singleMotherChosenName"
        }
    }
}

/// A marriage mention: the spouse, the date, and the adoul deed (or judgment) that proves it.
public struct MarriageMention: Hashable, Sendable, Codable {
    /// The spouse's name.
    public var spouse: PersonName
    /// The spouse's civil digital identifier, when known.
    public var spouseCivilDigitalID: CivilDigitalID?
    /// The date of the marriage.
    public var marriageDate: GregorianDate
    /// The adoul deed (or, for a marriage recognised by a court, the judgment).
    public var reference: LegalReference

    /// Creates a marriage mention.
    public init(spouse: PersonName, spouseCivilDigitalID: CivilDigitalID? = nil, marriageDate: GregorianDate,
                reference: LegalReference) {
        self.spouse = spouse
        self.spouseCivilDigitalID = spouseCivilDigitalID
        self.marriageDate = marriageDate
        self.reference = reference
    }
}

/// A divorce mention: which marriage it dissolves, the date, and its legal basis.
public struct DivorceMention: Hashable, Sendable, Codable {
    /// The sequence number of the marriage mention on the same act that this divorce dissolves.
    public var marriageSequence: UInt32
    /// The date of the divorce.
    public var divorceDate: GregorianDate
    /// The adoul deed of divorce or the judgment.
    public var reference: LegalReference

    /// Creates a divorce mention.
    public init(marriageSequence: UInt32, divorceDate: GregorianDate, reference: LegalReference) {
        self.marriageSequence = marriageSequence
        self.divorceDate = divorceDate
        self.reference = reference
    }
}

/// A death mention on the birth act of the deceased.
public struct DeathMention: Hashable, Sendable, Codable {
    /// The date of death in both calendars.
    public var deathDate: DualDate
    /// The place of death.
    public var deathPlace: Place
    /// The death act, when it has been drawn up.
    public var deathAct: ActID?

    /// Creates a death mention.
    public init(deathDate: DualDate, deathPlace: Place, deathAct: ActID?) {
        self.deathDate = deathDate
        self.deathPlace = deathPlace
        self.deathAct = deathAct
    }
}

/// A correction of one field: by judgment, by the procureur's authorisation, or of the Latin
/// transcription.
public struct CorrectionMention: Hashable, Sendable, Codable {
    /// The field corrected.
    public var field: CorrectableField
    /// The new value.
    public var newValue: CorrectedValue
    /// The judgment or authorisation.
    public var reference: LegalReference

    /// Creates a correction.
    public init(field: CorrectableField, newValue: CorrectedValue, reference: LegalReference) {
        self.field = field
        self.newValue = newValue
        self.reference = reference
    }
}

/// The names a mother chooses when the father is unknown: a given name for the father and a
/// family name for the child (law 37-99, art. 16).
public struct ChosenNameMention: Hashable, Sendable, Codable {
    /// The given name chosen for the father.
    public var fatherGivenName: Name
    /// The family name chosen for the child.
    public var familyName: Name
    /// The mother's declaration.
    public var reference: LegalReference

    /// Creates a chosen-name mention.
    public init(fatherGivenName: Name, familyName: Name, reference: LegalReference) {
        self.fatherGivenName = fatherGivenName
        self.familyName = familyName
        self.reference = reference
    }
}

/// What a marginal mention says.
public enum MentionBody: Hashable, Sendable, Codable {
    /// A marriage.
    case marriage(MarriageMention)
    /// A divorce.
    case divorce(DivorceMention)
    /// A death.
    case death(DeathMention)
    /// A rectification by judgment.
    case rectification(CorrectionMention)
    /// A correction of a material error authorised by the procureur du Roi.
    case materialErrorCorrection(CorrectionMention)
    /// A correction of the Latin transcription of a name.
    case latinTranscriptionCorrection(CorrectionMention)
    /// The names chosen by a single mother.
    case singleMotherChosenName(ChosenNameMention)

    /// The kind of mention.
    public var kind: MentionKind {
        switch self {
        case .marriage: .marriage
        case .divorce: .divorce
        case .death: .death
        case .rectification: .rectification
        case .materialErrorCorrection: .materialErrorCorrection
        case .latinTranscriptionCorrection: .latinTranscriptionCorrection
        case .singleMotherChosenName: .singleMotherChosenName
        }
    }

    /// The correction carried, for the three kinds of correction.
    public var correction: CorrectionMention? {
        switch self {
        case .rectification(let c), .materialErrorCorrection(let c), .latinTranscriptionCorrection(let c): c
        default: nil
        }
    }

    /// The date of the event the mention records, used to order it against birth and death.
    public var eventDate: GregorianDate? {
        switch self {
        case .marriage(let m): m.marriageDate
        case .divorce(let d): d.divorceDate
        case .death(let d): d.deathDate.gregorian
        case .rectification, .materialErrorCorrection, .latinTranscriptionCorrection, .singleMotherChosenName: nil
        }
    }
}

extension MentionBody: CanonicalCodable {
    /// Writes the kind byte, then the body's fields in order.
    public func encode(to writer: inout ByteWriter) {
        kind.encode(to: &writer)
        switch self {
        case .marriage(let m):
            m.spouse.encode(to: &writer)
            writer.writeOptional(m.spouseCivilDigitalID) { $1.encode(to: &$0) }
            m.marriageDate.encode(to: &writer)
            m.reference.encode(to: &writer)
        case .divorce(let d):
            writer.write(d.marriageSequence)
            d.divorceDate.encode(to: &writer)
            d.reference.encode(to: &writer)
        case .death(let d):
            d.deathDate.encode(to: &writer)
            d.deathPlace.encode(to: &writer)
            writer.writeOptional(d.deathAct) { $1.encode(to: &$0) }
        case .rectification(let c), .materialErrorCorrection(let c), .latinTranscriptionCorrection(let c):
            c.field.encode(to: &writer)
            c.newValue.encode(to: &writer)
            c.reference.encode(to: &writer)
        case .singleMotherChosenName(let n):
            n.fatherGivenName.encode(to: &writer)
            n.familyName.encode(to: &writer)
            n.reference.encode(to: &writer)
        }
    }

    /// Reads the kind byte and the body.
    public init(from reader: inout ByteReader) throws(CodecError) {
        let kind = try MentionKind(from: &reader)
        switch kind {
        case .marriage:
            let spouse = try PersonName(from: &reader)
            let cdi = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
            let date = try GregorianDate(from: &reader)
            let reference = try LegalReference(from: &reader)
            self = .marriage(MarriageMention(spouse: spouse, spouseCivilDigitalID: cdi, marriageDate: date, reference: reference))
        case .divorce:
            let sequence = try reader.readUInt32()
            let date = try GregorianDate(from: &reader)
            let reference = try LegalReference(from: &reader)
            self = .divorce(DivorceMention(marriageSequence: sequence, divorceDate: date, reference: reference))
        case .death:
            let date = try DualDate(from: &reader)
            let place = try Place(from: &reader)
            let act = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try ActID(from: &r) }
            self = .death(DeathMention(deathDate: date, deathPlace: place, deathAct: act))
        case .rectification, .materialErrorCorrection, .latinTranscriptionCorrection:
            let field = try CorrectableField(from: &reader)
            let value = try CorrectedValue(from: &reader)
            let reference = try LegalReference(from: &reader)
            let correction = CorrectionMention(field: field, newValue: value, reference: reference)
            switch kind {
            case .rectification: self = .rectification(correction)
            case .materialErrorCorrection: self = .materialErrorCorrection(correction)
            default: self = .latinTranscriptionCorrection(correction)
            }
        case .singleMotherChosenName:
            let father = try Name(from: &reader)
            let family = try Name(from: &reader)
            let reference = try LegalReference(from: &reader)
            self = .singleMotherChosenName(ChosenNameMention(fatherGivenName: father, familyName: family, reference: reference))
        }
    }
}
