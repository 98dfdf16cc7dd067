/// How the declarant is related to the child or the deceased (law 37-99, art. 16 lists who
/// declares a birth; art. 23 who declares a death).
public enum DeclarantRelation: UInt8, NamedByteEnum, CanonicalCodable {
    /// الأب.
    case father = 1
    /// الأم.
    case mother = 2
    /// الجد أو الجدة.
    case grandparent = 3
    /// الأخ أو الأخت.
    case sibling = 4
    /// Another relative.
    case otherRelative = 5
    /// The spouse of the deceased.
    case spouse = 6
    /// A child of the deceased.
    case child = 7
    /// A physician or midwife who attended.
    case medicalAttendant = 8
    /// The health facility (electronic pre-declaration, law 36-21).
    case healthFacility = 9
    /// The local authority or the public prosecutor (foundlings, persons unknown).
    case publicAuthority = 10
    /// Anyone else entitled by law.
    case other = 11

    /// The JSON name.
    public var name: String {
        switch self {
        case .father: "father"
        case .mother: "mother"
        case .grandparent: "grandparent"
        case .sibling: "sibling"
        case .otherRelative: "otherRelative"
        case .spouse: "spouse"
        case .child: "child"
        case .medicalAttendant: "medicalAttendant"
        case .healthFacility: "healthFacility"
        case .publicAuthority: "publicAuthority"
        case .other: "other"
        }
    }
}

/// The person who declared the event (المصرح).
public struct Declarant: Hashable, Sendable, Codable {
    /// The declarant's name.
    public var name: PersonName
    /// The declarant's relation to the child or the deceased.
    public var relation: DeclarantRelation

    /// Creates a declarant.
    public init(name: PersonName, relation: DeclarantRelation) {
        self.name = name
        self.relation = relation
    }
}

extension Declarant: CanonicalCodable {
    /// Writes name then relation.
    public func encode(to writer: inout ByteWriter) {
        name.encode(to: &writer)
        relation.encode(to: &writer)
    }

    /// Reads name then relation.
    public init(from reader: inout ByteReader) throws(CodecError) {
        name = try PersonName(from: &reader)
        relation = try DeclarantRelation(from: &reader)
    }
}
