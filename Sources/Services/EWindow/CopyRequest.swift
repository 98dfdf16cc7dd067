import Registry

/// A citizen's order of a copy through the e-window (الشباك الإلكتروني): which act, which form
/// and language, how many copies, where to send them, and where the request stands. Kept in the
/// shard of the act's office, which is the office of the place of birth that issues it.
public struct CopyRequest: Hashable, Sendable, Codable {
    /// The public reference.
    public var reference: ServiceReference
    /// The act to copy.
    public var act: ActID
    /// Full copy or extract.
    public var form: CopyForm
    /// Arabic or French.
    public var language: CopyLanguage
    /// Printed copies, 1 to `CopyFees.copiesMax`.
    public var copies: UInt8
    /// Who asks, and their relation to the person of the act (the full copy is only for those
    /// the law entitles).
    public var requester: CopyRequester
    /// The requester's name, as typed.
    public var requesterName: String
    /// Where to send the copies.
    public var delivery: DeliveryAddress
    /// The fee, in centimes.
    public var feeCentimes: UInt64
    /// Where the request stands.
    public var status: CopyRequestStatus
    /// The payment attempts.
    public var payment: PaymentState
    /// When it was submitted.
    public var submittedAt: Timestamp
    /// When the payment was authorised.
    public var paidAt: Timestamp?
    /// When the copy was issued.
    public var issuedAt: Timestamp?
    /// When it was dispatched.
    public var dispatchedAt: Timestamp?
    /// When it was delivered.
    public var deliveredAt: Timestamp?
    /// The issued copy's verification code.
    public var verificationCode: String?
    /// The registered-mail tracking number.
    public var trackingNumber: String?
    /// Who issued the copy.
    public var issuedBy: String?

    /// Creates a request in its first step.
    public init(reference: ServiceReference, act: ActID, form: CopyForm, language: CopyLanguage, copies: UInt8,
                requester: CopyRequester, requesterName: String, delivery: DeliveryAddress, submittedAt: Timestamp) {
        self.reference = reference
        self.act = act
        self.form = form
        self.language = language
        self.copies = copies
        self.requester = requester
        self.requesterName = requesterName
        self.delivery = delivery
        self.feeCentimes = copies >= 1 && copies <= CopyFees.copiesMax ? CopyFees.fee(copies: copies, abroad: delivery.isAbroad) : 0
        self.status = .awaitingPayment
        self.payment = PaymentState()
        self.submittedAt = submittedAt
    }

    /// The key under which the provider must see the open attempt: the same key for every
    /// retry of one attempt, so a retried charge is answered, never taken twice.
    public var paymentKey: String { "\(reference.id)-\(payment.attempts)" }
}

extension CopyRequest: CanonicalCodable {
    /// Writes the fields in order, behind a format byte.
    public func encode(to writer: inout ByteWriter) {
        writer.write(UInt8(1))
        reference.encode(to: &writer)
        act.encode(to: &writer)
        form.encode(to: &writer)
        language.encode(to: &writer)
        writer.write(copies)
        requester.relation.encode(to: &writer)
        writer.writeOptional(requester.civilDigitalID) { $1.encode(to: &$0) }
        writer.writeOptional(requester.evidenceReference)
        writer.write(requesterName)
        delivery.encode(to: &writer)
        writer.write(feeCentimes)
        status.encode(to: &writer)
        payment.encode(to: &writer)
        submittedAt.encode(to: &writer)
        for stamp in [paidAt, issuedAt, dispatchedAt, deliveredAt] { writer.writeOptional(stamp) { $1.encode(to: &$0) } }
        writer.writeOptional(verificationCode)
        writer.writeOptional(trackingNumber)
        writer.writeOptional(issuedBy)
    }

    /// Reads the fields in order.
    public init(from reader: inout ByteReader) throws(CodecError) {
        guard try reader.readUInt8() == 1 else { throw .unsupportedVersion(0) }
        reference = try ServiceReference(from: &reader)
        act = try ActID(from: &reader)
        form = try CopyForm(from: &reader)
        language = try CopyLanguage(from: &reader)
        copies = try reader.readUInt8()
        let relation = try CopyRequester.Relation(from: &reader)
        let civilID = try reader.readOptional { (r: inout ByteReader) throws(CodecError) in try CivilDigitalID(from: &r) }
        requester = CopyRequester(relation: relation, civilDigitalID: civilID, evidenceReference: try reader.readOptionalString())
        requesterName = try reader.readString()
        delivery = try DeliveryAddress(from: &reader)
        feeCentimes = try reader.readUInt64()
        status = try CopyRequestStatus(from: &reader)
        payment = try PaymentState(from: &reader)
        submittedAt = try Timestamp(from: &reader)
        func stamp(_ r: inout ByteReader) throws(CodecError) -> Timestamp? {
            try r.readOptional { (r: inout ByteReader) throws(CodecError) in try Timestamp(from: &r) }
        }
        paidAt = try stamp(&reader)
        issuedAt = try stamp(&reader)
        dispatchedAt = try stamp(&reader)
        deliveredAt = try stamp(&reader)
        verificationCode = try reader.readOptionalString()
        trackingNumber = try reader.readOptionalString()
        issuedBy = try reader.readOptionalString()
    }
}
