/// Who asks for a copy, and on what footing.
public struct CopyRequester: Hashable, Sendable, Codable {
    /// The requester's relation to the person of the act.
    public enum Relation: UInt8, NamedByteEnum {
        /// The person of the act.
        case person = 1
        /// A parent or grandparent.
        case ascendant = 2
        /// A child or grandchild.
        case descendant = 3
        /// The spouse.
        case spouse = 4
        /// The legal guardian.
        case guardian = 5
        /// Someone holding an authorisation (of the procureur or a court).
        case authorised = 6
        /// Anyone else.
        case other = 7

        /// The JSON name.
        public var name: String {
            switch self {
            case .person: "person"
            case .ascendant: "ascendant"
            case .descendant: "descendant"
            case .spouse: "spouse"
            case .guardian: "guardian"
            case .authorised: "authorised"
            case .other: "other"
            }
        }
    }

    /// The claimed relation.
    public var relation: Relation
    /// The requester's civil digital identifier, authenticated by the caller.
    public var civilDigitalID: CivilDigitalID?
    /// The reference of the document proving the relation or the authorisation (livret de
    /// famille, guardianship order, authorisation number), checked by the officer or portal.
    public var evidenceReference: String?

    /// Creates a requester.
    public init(relation: Relation, civilDigitalID: CivilDigitalID? = nil, evidenceReference: String? = nil) {
        self.relation = relation
        self.civilDigitalID = civilDigitalID
        self.evidenceReference = evidenceReference
    }
}
