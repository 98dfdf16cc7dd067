import Registry
import Services
import Testing

/// The e-window's request state machine: the steps in order, payments charged at most once,
/// and no copy without an authorised payment.
@Suite struct CopyRequestTests {
    static let t0 = ServiceFixtures.at(2025, 3, 4, 9, 0)

    static func submitted(form: CopyForm = .extract, relation: CopyRequester.Relation = .other, copies: UInt8 = 2,
                          country: String = "MA") throws -> (ServiceHarness, ServiceReference) {
        var harness = ServiceHarness()
        let entry = try harness.birthAct()
        let reference = ServiceReference(office: entry.actID.register.office, id: ServiceFixtures.id(1))
        var address = ServiceFixtures.address
        address.country = country
        let request = CopyRequest(reference: reference, act: entry.actID, form: form, language: .arabic, copies: copies,
                                  requester: CopyRequester(relation: relation, civilDigitalID: relation == .person ? entry.civilDigitalID : nil),
                                  requesterName: "Ahmed El Alaoui", delivery: address, submittedAt: t0)
        let outcome = try harness.apply(.submitCopyRequest(request), at: t0)
        #expect(try outcome.request().status == .awaitingPayment)
        return (harness, reference)
    }

    static func paid(_ harness: inout ServiceHarness, _ reference: ServiceReference, at time: Timestamp = t0) throws {
        let open = try harness.apply(.openPayment(reference), at: time).request()
        try harness.apply(.recordPayment(reference, attempt: open.payment.attempts, result: .authorised(reference: "AUTH-1")), at: time)
    }

    @Test func aRequestGoesThroughEveryStepInOrderAndIsAuditedAtEach() throws {
        var (harness, reference) = try Self.submitted()
        try Self.paid(&harness, reference)
        let issued = try harness.apply(.recordIssue(reference, verificationCode: "ABCDE12345", copy: [1, 2, 3], issuedBy: "OEC"), at: Self.t0,
                                       audit: ServiceFixtures.audit("issue", at: Self.t0)).request()
        #expect(issued.status == .issued)
        let dispatched = try harness.apply(.recordDispatch(reference, trackingNumber: "RR123456789MA"), at: ServiceFixtures.at(2025, 3, 5)).request()
        #expect(dispatched.trackingNumber == "RR123456789MA")
        let delivered = try harness.apply(.recordDelivery(reference), at: ServiceFixtures.at(2025, 3, 7)).request()
        #expect(delivered.status == .delivered)
        #expect(delivered.paidAt == Self.t0)
        guard case .issuedCopy(let copy) = try harness.query(.issuedCopy(code: "ABCDE12345")) else { Issue.record("no copy"); return }
        #expect(copy?.reference == reference)
        guard case .auditEntries(let entries, _) = try harness.query(.auditLog(after: 0, limit: 50)) else { Issue.record("no audit"); return }
        #expect(entries.map(\.record.action).contains("issue"))
    }

    @Test func theFeeIsTwentyDirhamsPerCopyAndPostageAbroad() throws {
        let (home, homeReference) = try Self.submitted(copies: 2)
        let (abroad, abroadReference) = try Self.submitted(copies: 1, country: "FR")
        guard case .copyRequest(let local?) = try home.query(.copyRequest(homeReference)),
              case .copyRequest(let foreign?) = try abroad.query(.copyRequest(abroadReference)) else { Issue.record("missing"); return }
        #expect(local.feeCentimes == 4_000)
        #expect(foreign.feeCentimes == 2_000 + CopyFees.abroadPostageCentimes)
    }

    @Test func noCopyIsIssuedBeforeAnAuthorisedPayment() throws {
        var (harness, reference) = try Self.submitted()
        let outcome = try harness.apply(.recordIssue(reference, verificationCode: "ABCDE12345", copy: [1], issuedBy: "OEC"), at: Self.t0)
        #expect(outcome.violationCodes == ["copy_request.not_paid"])
        _ = try harness.apply(.openPayment(reference), at: Self.t0)
        let pending = try harness.apply(.recordIssue(reference, verificationCode: "ABCDE12345", copy: [1], issuedBy: "OEC"), at: Self.t0)
        #expect(pending.violationCodes == ["copy_request.not_paid"])
        #expect(try harness.query(.issuedCopy(code: "ABCDE12345")) == .issuedCopy(nil))
    }

    @Test func aDeclinedPaymentLeavesTheRequestUnpaidAndTheNextAttemptHasANewKey() throws {
        var (harness, reference) = try Self.submitted()
        let first = try harness.apply(.openPayment(reference), at: Self.t0).request()
        let declined = try harness.apply(.recordPayment(reference, attempt: first.payment.attempts, result: .declined(reason: "insufficient funds")), at: Self.t0).request()
        #expect(declined.status == .awaitingPayment)
        #expect(declined.payment.declined == 1)
        #expect(try harness.apply(.recordIssue(reference, verificationCode: "ABCDE12345", copy: [1], issuedBy: "OEC"), at: Self.t0).violationCodes == ["copy_request.not_paid"])
        let second = try harness.apply(.openPayment(reference), at: Self.t0).request()
        #expect(second.paymentKey != first.paymentKey)
        // A late answer for the declined attempt cannot pay the request.
        let stale = try harness.apply(.recordPayment(reference, attempt: first.payment.attempts, result: .authorised(reference: "LATE")), at: Self.t0)
        #expect(stale.violationCodes == ["copy_request.no_open_attempt"])
    }

    @Test func aTimedOutPaymentKeepsItsAttemptOpenSoTheRetryUsesTheSameKey() throws {
        var (harness, reference) = try Self.submitted()
        let opened = try harness.apply(.openPayment(reference), at: Self.t0).request()
        let timedOut = try harness.apply(.recordPayment(reference, attempt: opened.payment.attempts, result: .timedOut), at: Self.t0).request()
        #expect(timedOut.status == .paymentPending)
        let reopened = try harness.apply(.openPayment(reference), at: Self.t0)
        guard case .copyRequest(let again, let changed) = reopened else { Issue.record("\(reopened)"); return }
        #expect(!changed)
        #expect(again.paymentKey == opened.paymentKey)
        let paid = try harness.apply(.recordPayment(reference, attempt: again.payment.attempts, result: .authorised(reference: "AUTH-9")), at: Self.t0).request()
        #expect(paid.status == .paid)
        // The same answer recorded again (a retried command) changes nothing.
        guard case .copyRequest(_, let repeated) = try harness.apply(.recordPayment(reference, attempt: again.payment.attempts, result: .authorised(reference: "AUTH-9")), at: Self.t0) else {
            Issue.record("not a request"); return
        }
        #expect(!repeated)
        #expect(try harness.apply(.openPayment(reference), at: Self.t0).violationCodes == ["copy_request.already_paid"])
    }

    @Test func aFullCopyForSomeoneNotEntitledIsRefusedAtSubmissionBeforeAnyPayment() throws {
        var harness = ServiceHarness()
        let entry = try harness.birthAct()
        let reference = ServiceReference(office: entry.actID.register.office, id: ServiceFixtures.id(7))
        let request = CopyRequest(reference: reference, act: entry.actID, form: .fullCopy, language: .french, copies: 1,
                                  requester: CopyRequester(relation: .other), requesterName: "X", delivery: ServiceFixtures.address, submittedAt: Self.t0)
        #expect(try harness.apply(.submitCopyRequest(request), at: Self.t0).violationCodes == ["copy.not_entitled"])
        #expect(try harness.query(.copyRequest(reference)) == .copyRequest(nil))
        // The person themself is entitled.
        let (_, personal) = try Self.submitted(form: .fullCopy, relation: .person)
        #expect(personal.office == entry.actID.register.office)
    }

    @Test func aRequestForAnActThatDoesNotExistOrWithBadFieldsListsEveryProblem() throws {
        var harness = ServiceHarness()
        let missing = ActID(register: RegisterID(office: ServiceFixtures.rabatHassan, year: 2025, kind: .birth), number: 77)
        let request = CopyRequest(reference: ServiceReference(office: ServiceFixtures.rabatHassan, id: ServiceFixtures.id(8)), act: missing,
                                  form: .extract, language: .french, copies: 11, requester: CopyRequester(relation: .other), requesterName: " ",
                                  delivery: DeliveryAddress(recipient: "", street: "x", city: "y", postalCode: "", country: "Maroc"), submittedAt: Self.t0)
        let codes = try harness.apply(.submitCopyRequest(request), at: Self.t0).violationCodes
        #expect(Set(codes) == ["copy_request.copies", "copy_request.requester_name", "address.invalid", "copy_request.act_not_found"])
        #expect(harness.store.count == 0)
    }

    @Test func deliveriesAreBucketedAgainstTheThreeToFiveDayPromiseAndOpenRequestsAreReported() throws {
        var (harness, reference) = try Self.submitted()
        try Self.paid(&harness, reference, at: ServiceFixtures.at(2025, 3, 4, 9, 0))
        try harness.apply(.recordIssue(reference, verificationCode: "ABCDE12345", copy: [1], issuedBy: "OEC"), at: ServiceFixtures.at(2025, 3, 5))
        try harness.apply(.recordDispatch(reference, trackingNumber: "RR1"), at: ServiceFixtures.at(2025, 3, 6))
        try harness.apply(.recordDelivery(reference), at: ServiceFixtures.at(2025, 3, 10, 9, 0))
        // A second request, paid and still open.
        let entry = try harness.birthAct(n: 901)
        let second = ServiceReference(office: entry.actID.register.office, id: ServiceFixtures.id(2))
        try harness.apply(.submitCopyRequest(CopyRequest(reference: second, act: entry.actID, form: .extract, language: .french, copies: 1,
                                                         requester: CopyRequester(relation: .other), requesterName: "Y",
                                                         delivery: ServiceFixtures.address, submittedAt: Self.t0)), at: Self.t0)
        try Self.paid(&harness, second, at: ServiceFixtures.at(2025, 3, 4, 9, 0))
        let asOf = ServiceFixtures.at(2025, 3, 8, 9, 0)
        guard case .delayReport(let rows) = try harness.query(.delayReport(asOf: asOf)), let row = rows.first else { Issue.record("no report"); return }
        #expect(row.deliveredLate == 1)
        #expect(row.deliveredWithin3Days == 0)
        #expect(row.openWithinPromise == 1)
        guard case .delayReport(let later) = try harness.query(.delayReport(asOf: ServiceFixtures.at(2025, 3, 12))) else { Issue.record("no report"); return }
        #expect(later.first?.openOverdue == 1)
    }

    @Test func stepsOutOfOrderAreRefusedAndChangeNothing() throws {
        var (harness, reference) = try Self.submitted()
        let before = harness.store
        #expect(try harness.apply(.recordDispatch(reference, trackingNumber: "RR1"), at: Self.t0).violationCodes == ["copy_request.not_issued"])
        #expect(try harness.apply(.recordDelivery(reference), at: Self.t0).violationCodes == ["copy_request.not_dispatched"])
        #expect(try harness.apply(.recordPayment(reference, attempt: 1, result: .authorised(reference: "A")), at: Self.t0).violationCodes == ["copy_request.no_open_attempt"])
        #expect(harness.store == before)
    }

    @Test func theOfficeQueueFollowsTheRequestFromStepToStep() throws {
        var (harness, reference) = try Self.submitted()
        try Self.paid(&harness, reference)
        guard case .copyRequests(let paid) = try harness.query(.copyQueue(office: reference.office, status: .paid, after: nil, limit: 10)),
              case .copyRequests(let waiting) = try harness.query(.copyQueue(office: reference.office, status: .awaitingPayment, after: nil, limit: 10)) else {
            Issue.record("no queue"); return
        }
        #expect(paid.map(\.reference) == [reference])
        #expect(waiting.isEmpty)
    }
}
