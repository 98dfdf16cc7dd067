import Registry
import Services

/// `POST /v1/e-window/requests`: a citizen's order of a copy.
public struct CopyRequestBody: Codable, Sendable {
    /// The act, as `office/year/kind/number` (or give `civilDigitalID` for a birth act).
    public var act: String?
    /// The civil digital identifier whose birth act is asked for.
    public var civilDigitalID: String?
    /// `extract` or `fullCopy`.
    public var form: CopyForm
    /// `arabic` or `french`.
    public var language: CopyLanguage
    /// Printed copies, 1 to 10.
    public var copies: UInt8
    /// The requester's relation to the person of the act.
    public var relation: CopyRequester.Relation
    /// The requester's civil digital identifier.
    public var requesterCivilID: String?
    /// The reference of the evidence of the relation (livret de famille, authorisation).
    public var evidence: String?
    /// The requester's name.
    public var requesterName: String
    /// Where to send the copies.
    public var delivery: DeliveryAddress

    /// Creates a body.
    public init(act: String?, civilDigitalID: String? = nil, form: CopyForm, language: CopyLanguage, copies: UInt8,
                relation: CopyRequester.Relation, requesterCivilID: String? = nil, evidence: String? = nil,
                requesterName: String, delivery: DeliveryAddress) {
        self.act = act
        self.civilDigitalID = civilDigitalID
        self.form = form
        self.language = language
        self.copies = copies
        self.relation = relation
        self.requesterCivilID = requesterCivilID
        self.evidence = evidence
        self.requesterName = requesterName
        self.delivery = delivery
    }
}

/// `POST /v1/e-window/requests/{reference}/payment`.
public struct PaymentBody: Codable, Sendable {
    /// The card number (sent to the provider, never stored).
    public var cardNumber: String

    /// Creates a body.
    public init(cardNumber: String) { self.cardNumber = cardNumber }
}

/// The answer to a payment: the request as it stands and what the provider said.
public struct PaymentResponse: Codable, Sendable {
    /// The request.
    public var request: CopyRequest
    /// The provider's answer to this attempt.
    public var result: PaymentResult
}

/// `POST /v1/offices/{office}/copy-requests/{id}/dispatch`.
public struct DispatchBody: Codable, Sendable {
    /// The registered-mail tracking number.
    public var trackingNumber: String

    /// Creates a body.
    public init(trackingNumber: String) { self.trackingNumber = trackingNumber }
}

/// The answer to issuing: the request and the signed copy.
public struct IssueResponse: Codable, Sendable {
    /// The request, now issued.
    public var request: CopyRequest
    /// The signed copy.
    public var copy: CivilStatusCopy
}

/// `POST /v1/declarations`: a preliminary declaration of a birth or a death.
public struct DeclarationBody: Codable, Sendable {
    /// The declarant's name (a citizen) or the facility's name (a health facility's token
    /// names it already).
    public var declarantName: String
    /// The birth, with the act's content as declared.
    public var birth: BirthDeclaration?
    /// The death.
    public var death: DeathDeclaration?

    /// Creates a body.
    public init(declarantName: String, birth: BirthDeclaration? = nil, death: DeathDeclaration? = nil) {
        self.declarantName = declarantName
        self.birth = birth
        self.death = death
    }
}

/// `POST /v1/offices/{office}/declarations/{id}/register`.
public struct RegisterDeclarationBody: Codable, Sendable {
    /// The declaratory judgment, for a late declaration.
    public var judgment: JudgmentReference?

    /// Creates a body.
    public init(judgment: JudgmentReference? = nil) { self.judgment = judgment }
}

/// `POST /v1/offices/{office}/declarations/{id}/reject`.
public struct RejectDeclarationBody: Codable, Sendable {
    /// Why.
    public var reason: String

    /// Creates a body.
    public init(reason: String) { self.reason = reason }
}

/// The answer to verifying a copy by its code.
public struct CodeVerificationResponse: Codable, Sendable {
    /// The code asked about.
    public var code: String
    /// Whether a copy with this code was issued and its signature verifies.
    public var valid: Bool
    /// Why not, when not.
    public var reason: String?
    /// The copy, when found.
    public var copy: CivilStatusCopy?
}

/// One line of the vital statistics: births and deaths of a region in a month.
public struct VitalStatisticsRow: Codable, Sendable, Equatable {
    /// The region's official number.
    public var region: UInt8
    /// The year.
    public var year: Int
    /// The month.
    public var month: Int
    /// Birth acts whose birth fell in the month.
    public var births: UInt64
    /// Death acts whose death fell in the month.
    public var deaths: UInt64
}
