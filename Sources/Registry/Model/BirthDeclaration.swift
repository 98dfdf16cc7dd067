/// The content of a birth act (رسم الولادة), as declared and as drawn up.
///
/// The fields are those of law 37-99 and its implementing decree: the date in both calendars,
/// the hour and minute, the place, the sex, the child's names, the parents, the declarant and
/// their relation to the child, the reference of a declaratory judgment for a late
/// declaration; the officer is carried by the command.
public struct BirthDeclaration: Hashable, Sendable, Codable {
    /// The office that draws up the act (the office of the place of birth, or the consulate).
    public var office: OfficeCode
    /// The child's given and family names.
    public var child: PersonName
    /// The child's sex.
    public var sex: Sex
    /// The date of birth in both calendars.
    public var birthDate: DualDate
    /// The hour and minute of birth.
    public var birthTime: TimeOfDay
    /// The place of birth.
    public var birthPlace: Place
    /// Whether the birth happened abroad (one year to declare instead of 30 days).
    public var occurredAbroad: Bool
    /// The father; absent when the father is unknown (art. 16: the mother then chooses a name
    /// for him, recorded as a marginal mention).
    public var father: ParentRecord?
    /// The mother.
    public var mother: ParentRecord
    /// Who declared the birth.
    public var declarant: Declarant
    /// The declaratory judgment, required when the declaration is late.
    public var declaratoryJudgment: JudgmentReference?
    /// The reference of the health facility's electronic pre-declaration (law 36-21), if any.
    public var preDeclarationReference: String?

    /// Creates a birth declaration.
    public init(office: OfficeCode, child: PersonName, sex: Sex, birthDate: DualDate, birthTime: TimeOfDay,
                birthPlace: Place, occurredAbroad: Bool = false, father: ParentRecord?, mother: ParentRecord,
                declarant: Declarant, declaratoryJudgment: JudgmentReference? = nil,
                preDeclarationReference: String? = nil) {
        self.office = office
        self.child = child
        self.sex = sex
        self.birthDate = birthDate
        self.birthTime = birthTime
        self.birthPlace = birthPlace
        self.occurredAbroad = occurredAbroad
        self.father = father
        self.mother = mother
        self.declarant = declarant
        self.declaratoryJudgment = declaratoryJudgment
        self.preDeclarationReference = preDeclarationReference
    }
}

extension BirthDeclaration: CanonicalCodable {
    /// Writes the fields in declaration order.
    public func encode(to writer: inout ByteWriter) {
        office.encode(to: &writer)
        child.encode(to: &writer)
        sex.encode(to: &writer)
        birthDate.encode(to: &writer)
        birthTime.encode(to: &writer)
        birthPlace.encode(to: &writer)
        writer.write(occurredAbroad)
        writer.writeOptional(father) { $1.encode(to: &$0) }
        mother.encode(to: &writer)
        declarant.encode(to: &writer)
        writer.writeOptional(declaratoryJudgment) { $1.encode(to: &$0) }
        writer.writeOptional(preDeclarationReference)
    }

    /// Reads the fields in declaration order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        office = try OfficeCode(from: &reader)
        child = try PersonName(from: &reader)
        sex = try Sex(from: &reader)
        birthDate = try DualDate(from: &reader)
        birthTime = try TimeOfDay(from: &reader)
        birthPlace = try Place(from: &reader)
        occurredAbroad = try reader.readBool()
        father = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try ParentRecord(from: &r) }
        mother = try ParentRecord(from: &reader)
        declarant = try Declarant(from: &reader)
        declaratoryJudgment = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try JudgmentReference(from: &r) }
        preDeclarationReference = try reader.readOptionalString()
    }
}
