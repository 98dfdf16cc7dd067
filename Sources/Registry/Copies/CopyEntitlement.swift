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

/// The decision on a copy request.
public enum EntitlementDecision: Hashable, Sendable {
    /// The copy may be issued.
    case granted
    /// The copy is refused, with the reason.
    case denied(EntitlementDenial)
}

/// Who may obtain which copy. The extract is delivered to anyone who asks (it is the ordinary
/// proof of civil status); the full copy only to the person, ascendants, descendants, spouse,
/// guardian or someone authorised (DESIGN §2, law 37-99 and its implementing decree).
///
/// The registry checks what the act itself shows (the person's civil id, the parents' and
/// spouses' civil ids); a relation the act cannot show must come with an evidence reference,
/// which the caller records in the audit log of the read.
public enum CopyEntitlement {
    /// Decides a request.
    public static func evaluate(_ requester: CopyRequester, form: CopyForm, record: ActRecord) -> EntitlementDecision {
        guard form == .fullCopy else { return .granted }
        let id = requester.civilDigitalID
        let hasEvidence = !(requester.evidenceReference ?? "").isEmpty
        switch requester.relation {
        case .person:
            guard record.act.id.register.kind == .birth, let id, id == record.act.civilDigitalID else {
                return .denied(.notThePerson)
            }
            return .granted
        case .ascendant:
            var parents: [CivilDigitalID] = []
            if case .birth(let b) = record.act.content {
                parents = [b.father?.civilDigitalID, b.mother.civilDigitalID].compactMap { $0 }
            }
            if let id, parents.contains(id) { return .granted }
            return hasEvidence ? .granted : .denied(.relationNotProven(.ascendant))
        case .spouse:
            let spouses = record.mentions.compactMap { mention -> CivilDigitalID? in
                if case .marriage(let m) = mention.body { return m.spouseCivilDigitalID }
                return nil
            }
            if let id, spouses.contains(id) { return .granted }
            return hasEvidence ? .granted : .denied(.relationNotProven(.spouse))
        case .descendant, .guardian:
            return hasEvidence ? .granted : .denied(.relationNotProven(requester.relation))
        case .authorised:
            return hasEvidence ? .granted : .denied(.authorisationMissing)
        case .other:
            return .denied(.notEntitled)
        }
    }
}
