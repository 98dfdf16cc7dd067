/// The content of a death act (رسم الوفاة).
public struct DeathDeclaration: Hashable, Sendable, Codable {
    /// The office that draws up the act (the office of the place of death, or the consulate).
    public var office: OfficeCode
    /// The deceased's names.
    public var deceased: PersonName
    /// The deceased's sex.
    public var sex: Sex
    /// The deceased's date of birth, when known.
    public var birthDate: GregorianDate?
    /// The deceased's place of birth, when known.
    public var birthPlace: Place?
    /// The deceased's civil digital identifier, when known.
    public var civilDigitalID: CivilDigitalID?
    /// The deceased's birth act, when known (its office then receives a death mention).
    public var birthAct: ActID?
    /// The father's name, when known.
    public var fatherName: PersonName?
    /// The mother's name, when known.
    public var motherName: PersonName?
    /// The date of death in both calendars.
    public var deathDate: DualDate
    /// The hour and minute of death.
    public var deathTime: TimeOfDay
    /// The place of death.
    public var deathPlace: Place
    /// Whether the death happened abroad (one year to declare instead of 30 days).
    public var occurredAbroad: Bool
    /// Who declared the death.
    public var declarant: Declarant
    /// The declaratory judgment, required when the declaration is late.
    public var declaratoryJudgment: JudgmentReference?

    /// Creates a death declaration.
    public init(office: OfficeCode, deceased: PersonName, sex: Sex, birthDate: GregorianDate?, birthPlace: Place?,
                civilDigitalID: CivilDigitalID? = nil, birthAct: ActID? = nil, fatherName: PersonName?,
                motherName: PersonName?, deathDate: DualDate, deathTime: TimeOfDay, deathPlace: Place,
                occurredAbroad: Bool = false, declarant: Declarant, declaratoryJudgment: JudgmentReference? = nil) {
        self.office = office
        self.deceased = deceased
        self.sex = sex
        self.birthDate = birthDate
        self.birthPlace = birthPlace
        self.civilDigitalID = civilDigitalID
        self.birthAct = birthAct
        self.fatherName = fatherName
        self.motherName = motherName
        self.deathDate = deathDate
        self.deathTime = deathTime
        self.deathPlace = deathPlace
        self.occurredAbroad = occurredAbroad
        self.declarant = declarant
        self.declaratoryJudgment = declaratoryJudgment
    }
}

extension DeathDeclaration: CanonicalCodable {
    /// Writes the fields in declaration order.
    public func encode(to writer: inout ByteWriter) {
        office.encode(to: &writer)
        deceased.encode(to: &writer)
        sex.encode(to: &writer)
        writer.writeOptional(birthDate) { $1.encode(to: &$0) }
        writer.writeOptional(birthPlace) { $1.encode(to: &$0) }
        writer.writeOptional(civilDigitalID) { $1.encode(to: &$0) }
        writer.writeOptional(birthAct) { $1.encode(to: &$0) }
        writer.writeOptional(fatherName) { $1.encode(to: &$0) }
        writer.writeOptional(motherName) { $1.encode(to: &$0) }
        deathDate.encode(to: &writer)
        deathTime.encode(to: &writer)
        deathPlace.encode(to: &writer)
        writer.write(occurredAbroad)
        declarant.encode(to: &writer)
        writer.writeOptional(declaratoryJudgment) { $1.encode(to: &$0) }
    }

    /// Reads the fields in declaration order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        office = try OfficeCode(from: &reader)
        deceased = try PersonName(from: &reader)
        sex = try Sex(from: &reader)
        birthDate = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try GregorianDate(from: &r) }
        birthPlace = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try Place(from: &r) }
        civilDigitalID = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
        birthAct = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try ActID(from: &r) }
        fatherName = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try PersonName(from: &r) }
        motherName = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try PersonName(from: &r) }
        deathDate = try DualDate(from: &reader)
        deathTime = try TimeOfDay(from: &reader)
        deathPlace = try Place(from: &reader)
        occurredAbroad = try reader.readBool()
        declarant = try Declarant(from: &reader)
        declaratoryJudgment = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try JudgmentReference(from: &r) }
    }
}
