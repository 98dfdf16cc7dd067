import Registry
import Services
import Testing

/// Preliminary declarations: the 30-day delay (one year abroad), a judgment for a late one,
/// and the officer's review that draws up the act.
@Suite struct DeclarationTests {
    static func declaration(_ event: DeclaredEvent, n: UInt64 = 1, source: DeclarationSource = .citizen(name: "Ahmed El Alaoui")) -> PreliminaryDeclaration {
        PreliminaryDeclaration(reference: ServiceReference(office: event.office, id: ServiceFixtures.id(n)), source: source, event: event,
                               filedAt: ServiceFixtures.at(2000, 1, 1))
    }

    @Test func aBirthDeclaredWithinThirtyDaysIsFiledPendingWithTheFilingTime() throws {
        var harness = ServiceHarness()
        let filedAt = ServiceFixtures.at(2025, 3, 31)
        let filed = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth(born: ServiceFixtures.date(2025, 3, 1))))), at: filedAt).declaration()
        #expect(filed.status == .pending)
        #expect(filed.filedAt == filedAt)
        guard case .declarations(let queue) = try harness.query(.declarationQueue(office: ServiceFixtures.rabatHassan, status: .pending, after: nil, limit: 10)) else {
            Issue.record("no queue"); return
        }
        #expect(queue.map(\.reference) == [filed.reference])
    }

    @Test func aBirthDeclaredOnTheThirtyFirstDayNeedsAJudgment() throws {
        var harness = ServiceHarness()
        let late = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth(born: ServiceFixtures.date(2025, 3, 1))))),
                                     at: ServiceFixtures.at(2025, 4, 1))
        #expect(late.violationCodes == ["declaration.late_without_judgment"])
        #expect(harness.store.count == 0)
        let judged = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth(born: ServiceFixtures.date(2025, 3, 1), judgment: ServiceFixtures.judgment)), n: 2)),
                                       at: ServiceFixtures.at(2025, 6, 10))
        #expect(try judged.declaration().status == .pending)
    }

    @Test func aBirthAbroadHasOneYear() throws {
        var harness = ServiceHarness()
        let born = ServiceFixtures.date(2025, 1, 10)
        let inTime = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth(born: born, abroad: true)))), at: ServiceFixtures.at(2025, 12, 20))
        #expect(try inTime.declaration().status == .pending)
        let late = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth(born: born, abroad: true)), n: 2)), at: ServiceFixtures.at(2026, 1, 11))
        #expect(late.violationCodes == ["declaration.late_without_judgment"])
    }

    @Test func aDeathIsHeldToTheSameDelay() throws {
        var harness = ServiceHarness()
        let late = try harness.apply(.fileDeclaration(Self.declaration(.death(ServiceFixtures.death(died: ServiceFixtures.date(2025, 1, 1))))), at: ServiceFixtures.at(2025, 2, 15))
        #expect(late.violationCodes == ["declaration.late_without_judgment"])
    }

    @Test func aDeclarationWithInvalidContentIsRefusedWithTheRegistersRules() throws {
        var harness = ServiceHarness()
        var birth = ServiceFixtures.birth()
        birth.child.givenName.arabic = ""
        let outcome = try harness.apply(.fileDeclaration(Self.declaration(.birth(birth))), at: ServiceFixtures.at(2025, 3, 5))
        #expect(outcome.violationCodes.contains { $0.hasPrefix("registry.") })
        #expect(harness.store.count == 0)
    }

    @Test func reviewingADeclarationDrawsUpTheActInTheRegisterOnce() throws {
        var harness = ServiceHarness()
        let filed = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth()))), at: ServiceFixtures.at(2025, 3, 5)).declaration()
        let reviewed = try harness.apply(.registerDeclaration(filed.reference, officer: ServiceFixtures.officer, judgment: nil), at: ServiceFixtures.at(2025, 3, 6),
                                         audit: ServiceFixtures.audit("register_declaration", at: ServiceFixtures.at(2025, 3, 6))).declaration()
        #expect(reviewed.status == .registered)
        let act = try #require(reviewed.registeredAct)
        let record = try #require(try RegistryQueries.record(act, in: harness.store))
        #expect(record.act.officer == ServiceFixtures.officer)
        if case .birth(let birth) = record.act.content { #expect(birth.preDeclarationReference == filed.reference.description) }
        // Reviewed again (a retried command): the same act, nothing new.
        let again = try harness.apply(.registerDeclaration(filed.reference, officer: ServiceFixtures.officer, judgment: nil), at: ServiceFixtures.at(2025, 3, 6))
        guard case .declaration(let same, let changed) = again else { Issue.record("\(again)"); return }
        #expect(!changed)
        #expect(same.registeredAct == act)
        #expect(try RegistryQueries.registerState(act.register, in: harness.store)?.actCount == 1)
        guard case .officeActivity(let activity) = try harness.query(.officeActivity) else { Issue.record("no activity"); return }
        #expect(activity.first?.declarationsFiled == 1)
        #expect(activity.first?.actsRegistered == 1)
    }

    @Test func aLateDeclarationIsRegisteredOnlyWithItsJudgment() throws {
        var harness = ServiceHarness()
        let born = ServiceFixtures.date(2025, 1, 1)
        let filed = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth(born: born, judgment: ServiceFixtures.judgment)))),
                                      at: ServiceFixtures.at(2025, 6, 10)).declaration()
        let reviewed = try harness.apply(.registerDeclaration(filed.reference, officer: ServiceFixtures.officer, judgment: nil), at: ServiceFixtures.at(2025, 6, 11)).declaration()
        #expect(reviewed.status == .registered)
    }

    @Test func aRejectedDeclarationNeedsAReasonAndCannotBeRegisteredAfterwards() throws {
        var harness = ServiceHarness()
        let filed = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth()))), at: ServiceFixtures.at(2025, 3, 5)).declaration()
        #expect(try harness.apply(.rejectDeclaration(filed.reference, reason: "  "), at: ServiceFixtures.at(2025, 3, 6)).violationCodes == ["declaration.reason_required"])
        let rejected = try harness.apply(.rejectDeclaration(filed.reference, reason: "duplicate of an act already drawn up"), at: ServiceFixtures.at(2025, 3, 6)).declaration()
        #expect(rejected.status == .rejected)
        #expect(try harness.apply(.registerDeclaration(filed.reference, officer: ServiceFixtures.officer, judgment: nil), at: ServiceFixtures.at(2025, 3, 6))
                .violationCodes == ["declaration.already_rejected"])
    }

    @Test func aReferenceReusedForAnotherDeclarationIsRefused() throws {
        var harness = ServiceHarness()
        _ = try harness.apply(.fileDeclaration(Self.declaration(.birth(ServiceFixtures.birth()))), at: ServiceFixtures.at(2025, 3, 5))
        var other = ServiceFixtures.birth()
        other.sex = .female
        #expect(try harness.apply(.fileDeclaration(Self.declaration(.birth(other))), at: ServiceFixtures.at(2025, 3, 5)).violationCodes == ["service.id_reused"])
    }
}
