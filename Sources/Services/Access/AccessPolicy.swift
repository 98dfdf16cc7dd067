import Registry

/// The access policy of the whole API: one pure function from the caller's claims and the
/// action to allow or deny-with-reason. Every route asks it; nothing else decides access.
public enum AccessPolicy {
    /// Decides whether `claims` may do `action`.
    public static func decide(_ claims: AccessClaims, _ action: AccessAction) -> AccessDecision {
        switch claims.role {
        case .officer, .registrar: registerStaff(claims, action)
        case .partner: partner(claims, action)
        case .auditor:
            switch action {
            case .readAuditLog, .readStatistics, .readClusterStatus, .readRegister: .allow
            default: .deny(.roleNotPermitted(.auditor))
            }
        case .operator:
            // A register's numbering and chain head carry no personal data; checking them is
            // how an operator verifies the regions against the centre. The digitisation
            // campaign is run from the operations side: an operator sends the keyed files and
            // reads back only what became of each record (no act is returned).
            switch action {
            case .readClusterStatus, .administerCluster, .readStatistics, .readRegister, .importRecords: .allow
            default: .deny(.roleNotPermitted(.operator))
            }
        }
    }

    /// Officers act in their office, registrars in their region.
    private static func registerStaff(_ claims: AccessClaims, _ action: AccessAction) -> AccessDecision {
        let office: OfficeCode?
        switch action {
        case .readAct(let o), .writeAct(let o), .readRegister(let o), .reviewDeclarations(let o), .workCopyRequests(let o):
            office = o
        case .deliverCopy(let o, _, let entitlement):
            if case .denied(let denial) = entitlement { return .deny(.copyNotEntitled(denial)) }
            office = o
        case .search(let o):
            guard let o else { return .deny(.officeRequired) }
            office = o
        case .signAct(let o, let officer):
            let decision = scope(claims, o)
            guard decision == .allow, claims.role == .officer else { return decision }
            if officer.identifier != claims.subject {
                return .deny(.signedAsAnother(named: officer.identifier, own: claims.subject))
            }
            // The names printed on the act and its copies are the token's, when it carries them.
            if (!claims.nameLatin.isEmpty && officer.nameLatin != claims.nameLatin) || (!claims.nameArabic.isEmpty && officer.nameArabic != claims.nameArabic) {
                return .deny(.signedAsAnother(named: "\(officer.identifier) (\(officer.nameLatin) / \(officer.nameArabic))",
                                              own: "\(claims.subject) (\(claims.nameLatin) / \(claims.nameArabic))"))
            }
            return decision
        case .readStatistics:
            return claims.role == .registrar ? .allow : .deny(.roleNotPermitted(.officer))
        case .importRecords(let o):
            // The campaign imports whole paper registers of a region: not an office's counter work.
            guard claims.role == .registrar else { return .deny(.roleNotPermitted(claims.role)) }
            office = o
        case .reviewRecords(let region):
            // Settling a record decides what the register says: the registrar who supervises
            // the region's offices decides, not the office that keyed it.
            guard claims.role == .registrar else { return .deny(.roleNotPermitted(claims.role)) }
            guard let own = claims.region else { return .deny(.officeRequired) }
            return own == region ? .allow : .deny(.otherRegionGroups(requested: region, own: own))
        case .partnerQuery, .readAuditLog, .readClusterStatus, .administerCluster:
            return .deny(.roleNotPermitted(claims.role))
        }
        guard let office else { return .deny(.officeRequired) }
        return scope(claims, office)
    }

    private static func scope(_ claims: AccessClaims, _ office: OfficeCode) -> AccessDecision {
        switch claims.role {
        case .officer:
            guard let own = claims.office else { return .deny(.officeRequired) }
            return own == office ? .allow : .deny(.otherOffice(requested: office, own: own))
        case .registrar:
            guard let own = claims.region else { return .deny(.officeRequired) }
            return office.region == own ? .allow : .deny(.otherRegion(requested: office, own: own))
        default:
            return .deny(.roleNotPermitted(claims.role))
        }
    }

    private static func partner(_ claims: AccessClaims, _ action: AccessAction) -> AccessDecision {
        guard case .partnerQuery(let purpose) = action else { return .deny(.roleNotPermitted(.partner)) }
        guard let purpose else { return .deny(.purposeMissing) }
        return claims.purposes.contains(purpose) ? .allow : .deny(.purposeNotGranted(purpose))
    }
}
