import Registry
import Services
import Testing

/// Every kind of denial of the access policy, and the allowances next to each.
@Suite struct AccessPolicyTests {
    static func claims(_ role: Role, office: UInt32? = nil, region: UInt8? = nil, purposes: [PartnerPurpose] = []) -> AccessClaims {
        AccessClaims(tokenID: "t", subject: "s", role: role, office: office.map(OfficeCode.init), region: region.map(RegionCode.init),
                     purposes: purposes, issuedAtSeconds: 0, expiresAtSeconds: 60)
    }

    static let officer = claims(.officer, office: 401003)
    static let hassan = OfficeCode(401003)
    static let agdal = OfficeCode(401001)
    static let casablanca = OfficeCode(601001)

    @Test func anOfficerWorksInTheirOfficeAndIsDeniedAnotherOfficesRegister() {
        for action: AccessAction in [.readAct(office: Self.hassan), .writeAct(office: Self.hassan), .reviewDeclarations(office: Self.hassan),
                                     .workCopyRequests(office: Self.hassan), .readRegister(office: Self.hassan), .search(office: Self.hassan)] {
            #expect(AccessPolicy.decide(Self.officer, action) == .allow, "\(action)")
        }
        for action: AccessAction in [.readAct(office: Self.agdal), .writeAct(office: Self.agdal), .reviewDeclarations(office: Self.agdal),
                                     .workCopyRequests(office: Self.agdal), .search(office: Self.agdal)] {
            #expect(AccessPolicy.decide(Self.officer, action) == .deny(.otherOffice(requested: Self.agdal, own: Self.hassan)), "\(action)")
        }
    }

    /// An act is signed by the officer its body names: an officer signs only as themselves (the
    /// office rule first), a registrar of the region transcribes for the office's officers.
    @Test func anOfficerSignsOnlyAsThemselvesAndARegistrarForTheRegionsOfficers() {
        func officer(_ identifier: String, latin: String = "Said Idrissi") -> OfficerRef {
            OfficerRef(identifier: identifier, nameArabic: "سعيد الإدريسي", nameLatin: latin)
        }
        #expect(AccessPolicy.decide(Self.officer, .signAct(office: Self.hassan, officer: officer("s"))) == .allow, "a token without names: the identifier")
        let denied = AccessPolicy.decide(Self.officer, .signAct(office: Self.hassan, officer: officer("OEC-0401003-02")))
        #expect(denied == .deny(.signedAsAnother(named: "OEC-0401003-02", own: "s")))
        if case .deny(let denial) = denied { #expect(denial.code == "auth.officer_mismatch" && denial.field == "officer.identifier") }
        #expect(AccessPolicy.decide(Self.officer, .signAct(office: Self.agdal, officer: officer("OEC-0401001-01"))) == .deny(.otherOffice(requested: Self.agdal, own: Self.hassan)))
        var named = Self.officer
        named.nameLatin = "Said Idrissi"
        named.nameArabic = "سعيد الإدريسي"
        #expect(AccessPolicy.decide(named, .signAct(office: Self.hassan, officer: officer("s"))) == .allow)
        if case .deny(let denial) = AccessPolicy.decide(named, .signAct(office: Self.hassan, officer: officer("s", latin: "Nadia Bennis"))) {
            #expect(denial.code == "auth.officer_mismatch" && denial.description.contains("Nadia Bennis"), "\(denial)")
        } else {
            Issue.record("another officer's name on an officer's own identifier went through")
        }
        let registrar = Self.claims(.registrar, region: 4)
        #expect(AccessPolicy.decide(registrar, .signAct(office: Self.agdal, officer: officer("OEC-0401001-01"))) == .allow)
        #expect(AccessPolicy.decide(registrar, .signAct(office: Self.casablanca, officer: officer("OEC-0601001-01"))) == .deny(.otherRegion(requested: Self.casablanca, own: RegionCode(4))))
        #expect(AccessPolicy.decide(Self.claims(.operator), .signAct(office: Self.hassan, officer: officer("s"))) == .deny(.roleNotPermitted(.operator)))
    }

    @Test func aRegistrarWorksAcrossTheRegionAndIsDeniedOtherRegions() {
        let registrar = Self.claims(.registrar, region: 4)
        #expect(AccessPolicy.decide(registrar, .writeAct(office: Self.agdal)) == .allow)
        #expect(AccessPolicy.decide(registrar, .readStatistics) == .allow)
        #expect(AccessPolicy.decide(registrar, .readAct(office: Self.casablanca)) == .deny(.otherRegion(requested: Self.casablanca, own: RegionCode(4))))
    }

    @Test func aFullCopyForSomeoneNotEntitledIsDeniedWithTheRegistersReason() {
        let denied = AccessPolicy.decide(Self.officer, .deliverCopy(office: Self.hassan, form: .fullCopy, entitlement: .denied(.notEntitled)))
        #expect(denied == .deny(.copyNotEntitled(.notEntitled)))
        if case .deny(let denial) = denied { #expect(denial.code == "copy.not_entitled") }
        #expect(AccessPolicy.decide(Self.officer, .deliverCopy(office: Self.hassan, form: .extract, entitlement: .granted)) == .allow)
        // Entitled, but at another office's counter: still the office rule.
        #expect(AccessPolicy.decide(Self.officer, .deliverCopy(office: Self.agdal, form: .fullCopy, entitlement: .granted))
                == .deny(.otherOffice(requested: Self.agdal, own: Self.hassan)))
    }

    @Test func aPartnerWithoutAPurposeIsDeniedAndOnlyGrantedPurposesPass() {
        let partner = Self.claims(.partner, purposes: [.vitalStatus])
        #expect(AccessPolicy.decide(partner, .partnerQuery(purpose: nil)) == .deny(.purposeMissing))
        #expect(AccessPolicy.decide(partner, .partnerQuery(purpose: .pensionFile)) == .deny(.purposeNotGranted(.pensionFile)))
        #expect(AccessPolicy.decide(partner, .partnerQuery(purpose: .vitalStatus)) == .allow)
        // A partner never reads acts directly, whatever its purposes.
        #expect(AccessPolicy.decide(partner, .readAct(office: Self.hassan)) == .deny(.roleNotPermitted(.partner)))
    }

    @Test func aSearchWithoutAnOfficeIsDeniedToOfficeBoundStaff() {
        #expect(AccessPolicy.decide(Self.officer, .search(office: nil)) == .deny(.officeRequired))
    }

    @Test func operatorsAndAuditorsReadNoPersonalData() {
        let operatorClaims = Self.claims(.operator)
        let auditor = Self.claims(.auditor)
        #expect(AccessPolicy.decide(operatorClaims, .administerCluster) == .allow)
        #expect(AccessPolicy.decide(operatorClaims, .readAct(office: Self.hassan)) == .deny(.roleNotPermitted(.operator)))
        #expect(AccessPolicy.decide(operatorClaims, .readAuditLog) == .deny(.roleNotPermitted(.operator)))
        // A register's numbering and chain head are integrity data, checked by `cluster verify`.
        #expect(AccessPolicy.decide(operatorClaims, .readRegister(office: Self.hassan)) == .allow)
        #expect(AccessPolicy.decide(operatorClaims, .search(office: Self.hassan)) == .deny(.roleNotPermitted(.operator)))
        #expect(AccessPolicy.decide(auditor, .readAuditLog) == .allow)
        #expect(AccessPolicy.decide(auditor, .readAct(office: Self.hassan)) == .deny(.roleNotPermitted(.auditor)))
        #expect(AccessPolicy.decide(auditor, .administerCluster) == .deny(.roleNotPermitted(.auditor)))
        #expect(AccessPolicy.decide(Self.officer, .administerCluster) == .deny(.roleNotPermitted(.officer)))
    }

    @Test func everyDenialHasAStableCodeUnderTheAuthNamespaceOrTheRegisters() {
        let denials: [AccessDenial] = [.roleNotPermitted(.partner), .otherOffice(requested: Self.agdal, own: Self.hassan),
                                       .otherRegion(requested: Self.casablanca, own: RegionCode(4)), .officeRequired, .purposeMissing,
                                       .purposeNotGranted(.pensionFile), .copyNotEntitled(.notEntitled)]
        let codes = denials.map(\.code)
        #expect(Set(codes).count == denials.count)
        #expect(codes.allSatisfy { $0.hasPrefix("auth.") || $0.hasPrefix("copy.") })
    }
}
