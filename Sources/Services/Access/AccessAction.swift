import Registry

/// What a caller asks to do, as the access policy sees it. Routes name the action once they
/// know its office; `AccessPolicy.decide` is the one place that says yes or no.
public enum AccessAction: Hashable, Sendable {
    /// Read an act and its mentions (personal data).
    case readAct(office: OfficeCode)
    /// Register an act or append a mention.
    case writeAct(office: OfficeCode)
    /// Register an act or append a mention signed by `officer` (the body's): an officer signs
    /// only as themselves (the token's subject, and its names when it carries them); a
    /// registrar of the region may transcribe for the office's officers.
    case signAct(office: OfficeCode, officer: OfficerRef)
    /// Deliver a copy at the counter: the copy's form and the registry's entitlement decision
    /// for the requester (the full copy only for those the law entitles).
    case deliverCopy(office: OfficeCode, form: CopyForm, entitlement: EntitlementDecision)
    /// Search acts; `office` is the office the search is restricted to.
    case search(office: OfficeCode?)
    /// Read a register's numbering and verify its chain.
    case readRegister(office: OfficeCode)
    /// Review the preliminary declarations of an office (register or reject them).
    case reviewDeclarations(office: OfficeCode)
    /// Work the e-window queue of an office (issue, dispatch, deliver).
    case workCopyRequests(office: OfficeCode)
    /// A partner's query, tagged with a purpose (nil when the caller named none).
    case partnerQuery(purpose: PartnerPurpose?)
    /// Read and verify the audit log.
    case readAuditLog
    /// Read vital statistics and office activity (counts, no personal data).
    case readStatistics
    /// Import digitised paper records of an office (the digitisation campaign): historical
    /// acts whose two keyings agree, and records queued for review when they do not.
    case importRecords(office: OfficeCode)
    /// Read the review queue of a region's shard groups (both keyings of each record) and
    /// settle its records: import the act as the reviewer establishes it, or discard it.
    case reviewRecords(region: RegionCode)
    /// Read the cluster's status and topology.
    case readClusterStatus
    /// Change the cluster: membership, leadership, durability, index rebuilds, peer reloads.
    case administerCluster
}

/// The policy's answer: allow, or deny with a reason.
public enum AccessDecision: Hashable, Sendable {
    /// Go ahead.
    case allow
    /// Refused; nothing is done.
    case deny(AccessDenial)
}

/// Why the policy refused. Stable codes; all answer 403.
public enum AccessDenial: Hashable, Sendable, CustomStringConvertible {
    /// The role may never do this.
    case roleNotPermitted(Role)
    /// An officer asked for another office's register.
    case otherOffice(requested: OfficeCode, own: OfficeCode)
    /// A registrar asked for an office outside the region.
    case otherRegion(requested: OfficeCode, own: RegionCode)
    /// A registrar asked for another region's shard groups as a whole (the review queue).
    case otherRegionGroups(requested: RegionCode, own: RegionCode)
    /// The action must be restricted to an office (a search without one).
    case officeRequired
    /// A partner's query named no purpose.
    case purposeMissing
    /// A partner's query named a purpose its token does not grant.
    case purposeNotGranted(PartnerPurpose)
    /// A full copy for someone the law does not entitle (the registry's reason).
    case copyNotEntitled(EntitlementDenial)
    /// An officer's write signed with another officer's identifier or names.
    case signedAsAnother(named: String, own: String)

    /// The stable code.
    public var code: String {
        switch self {
        case .roleNotPermitted: "auth.role_not_permitted"
        case .otherOffice: "auth.other_office"
        case .otherRegion, .otherRegionGroups: "auth.other_region"
        case .officeRequired: "auth.office_required"
        case .purposeMissing: "auth.purpose_missing"
        case .purposeNotGranted: "auth.purpose_not_granted"
        case .copyNotEntitled(let denial): denial.code
        case .signedAsAnother: "auth.officer_mismatch"
        }
    }

    /// For people.
    public var description: String {
        switch self {
        case .roleNotPermitted(let role): "a token of role \(role.name) may not do this"
        case .otherOffice(let requested, let own): "office \(requested) is not yours (your office is \(own))"
        case .otherRegion(let requested, let own): "office \(requested) is outside your region \(own)"
        case .otherRegionGroups(let requested, let own): "region \(requested) is not yours (your region is \(own))"
        case .officeRequired: "name the office (your token is bound to one)"
        case .purposeMissing: "a partner's query names its legal purpose (Sijil-Purpose)"
        case .purposeNotGranted(let purpose): "your agreement does not grant the purpose \(purpose.name)"
        case .copyNotEntitled(let denial): denial.description
        case .signedAsAnother(let named, let own): "an officer signs as themselves: the body names officer \(named), the token is \(own)'s"
        }
    }

    /// The field a form should highlight, when there is one.
    public var field: String? {
        switch self {
        case .otherOffice, .otherRegion, .officeRequired: "office"
        case .otherRegionGroups: "region"
        case .purposeMissing, .purposeNotGranted: "purpose"
        case .copyNotEntitled: "relation"
        case .signedAsAnother: "officer.identifier"
        case .roleNotPermitted: nil
        }
    }
}
