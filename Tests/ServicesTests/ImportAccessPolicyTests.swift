import Registry
import Services
import Testing

/// Who may run the digitisation import and settle its review queue.
@Suite struct ImportAccessPolicyTests {
    static let hassan = OfficeCode(401003)
    static let casablanca = OfficeCode(601001)
    static let rsk = RegionCode(4)
    static let casablancaSettat = RegionCode(6)

    @Test func aRegistrarImportsAndReviewsInTheRegionOnly() {
        let registrar = AccessPolicyTests.claims(.registrar, region: 4)
        #expect(AccessPolicy.decide(registrar, .importRecords(office: Self.hassan)) == .allow)
        #expect(AccessPolicy.decide(registrar, .reviewRecords(region: Self.rsk)) == .allow)
        #expect(AccessPolicy.decide(registrar, .importRecords(office: Self.casablanca)) == .deny(.otherRegion(requested: Self.casablanca, own: Self.rsk)))
        let otherRegion = AccessPolicy.decide(registrar, .reviewRecords(region: Self.casablancaSettat))
        #expect(otherRegion == .deny(.otherRegionGroups(requested: Self.casablancaSettat, own: Self.rsk)))
        if case .deny(let denial) = otherRegion {
            #expect(denial.code == "auth.other_region")
            #expect(denial.field == "region")
        }
    }

    @Test func anOperatorImportsAnyOfficeButNeverReviews() {
        let operatorClaims = AccessPolicyTests.claims(.operator)
        #expect(AccessPolicy.decide(operatorClaims, .importRecords(office: Self.hassan)) == .allow)
        #expect(AccessPolicy.decide(operatorClaims, .importRecords(office: Self.casablanca)) == .allow)
        #expect(AccessPolicy.decide(operatorClaims, .reviewRecords(region: Self.rsk)) == .deny(.roleNotPermitted(.operator)))
    }

    @Test func officersAuditorsAndPartnersNeitherImportNorReview() {
        let officer = AccessPolicyTests.claims(.officer, office: 401003)
        #expect(AccessPolicy.decide(officer, .importRecords(office: Self.hassan)) == .deny(.roleNotPermitted(.officer)))
        #expect(AccessPolicy.decide(officer, .reviewRecords(region: Self.rsk)) == .deny(.roleNotPermitted(.officer)))
        let auditor = AccessPolicyTests.claims(.auditor)
        #expect(AccessPolicy.decide(auditor, .importRecords(office: Self.hassan)) == .deny(.roleNotPermitted(.auditor)))
        #expect(AccessPolicy.decide(auditor, .reviewRecords(region: Self.rsk)) == .deny(.roleNotPermitted(.auditor)))
        let partner = AccessPolicyTests.claims(.partner, purposes: PartnerPurpose.allCases)
        #expect(AccessPolicy.decide(partner, .importRecords(office: Self.hassan)) == .deny(.roleNotPermitted(.partner)))
        #expect(AccessPolicy.decide(partner, .reviewRecords(region: Self.rsk)) == .deny(.roleNotPermitted(.partner)))
    }

    @Test func aRegistrarWithoutARegionIsRefusedTheQueue() {
        let unbound = AccessPolicyTests.claims(.registrar)
        #expect(AccessPolicy.decide(unbound, .reviewRecords(region: Self.rsk)) == .deny(.officeRequired))
        #expect(AccessPolicy.decide(unbound, .importRecords(office: Self.hassan)) == .deny(.officeRequired))
    }
}
