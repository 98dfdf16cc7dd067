/// Why a full copy is refused.
public enum EntitlementDenial: Hashable, Sendable, CustomStringConvertible {
    /// The requester claims to be the person but is not (or the act is a death act).
    case notThePerson
    /// The relation is neither shown by the act nor backed by an evidence reference.
    case relationNotProven(CopyRequester.Relation)
    /// An authorised requester gave no authorisation reference.
    case authorisationMissing
    /// The requester has no title to a full copy.
    case notEntitled

    /// A stable code.
    public var code: String {
        switch self {
        case .notThePerson: "copy.not_the_person"
        case .relationNotProven: "copy.relation_not_proven"
        case .authorisationMissing: "copy.authorisation_missing"
        case .notEntitled: "copy.not_entitled"
        }
    }

    /// Why, in English.
    public var description: String {
        switch self {
        case .notThePerson: "the requester's civil digital id is not the person's on this act"
        case .relationNotProven(let r): "the act does not show the requester as \(r.name) and no evidence reference was given"
        case .authorisationMissing: "an authorised requester must give the authorisation reference"
        case .notEntitled: "a full copy is only for the person, ascendants, descendants, spouse, guardian or an authorised person"
        }
    }
}
