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
