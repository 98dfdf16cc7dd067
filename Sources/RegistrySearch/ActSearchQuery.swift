import Registry

/// A search for acts. Every given criterion must hold; names match token by token, in either
/// script, across transcription variants.
public struct ActSearchQuery: Sendable, Hashable {
    /// The person's names (any order, any subset of their tokens).
    public var name: String?
    /// The father's names.
    public var fatherName: String?
    /// The mother's names.
    public var motherName: String?
    /// Earliest date of the event (birth or death), inclusive.
    public var eventFrom: GregorianDate?
    /// Latest date of the event, inclusive.
    public var eventTo: GregorianDate?
    /// The office that holds the act.
    public var office: OfficeCode?
    /// Birth or death acts only.
    public var kind: ActKind?
    /// Most hits returned (at most ``ActSearchQuery/limitMax``).
    public var limit: Int

    /// The largest page a search returns; bounds the response of one query.
    public static let limitMax = 500

    /// Creates a query.
    public init(name: String? = nil, fatherName: String? = nil, motherName: String? = nil, eventFrom: GregorianDate? = nil,
                eventTo: GregorianDate? = nil, office: OfficeCode? = nil, kind: ActKind? = nil, limit: Int = 50) {
        self.name = name
        self.fatherName = fatherName
        self.motherName = motherName
        self.eventFrom = eventFrom
        self.eventTo = eventTo
        self.office = office
        self.kind = kind
        self.limit = limit
    }
}

/// One act found.
public struct ActSearchHit: Sendable, Hashable {
    /// The act.
    public var actID: ActID
    /// The civil digital identifier (birth acts).
    public var civilDigitalID: CivilDigitalID?
    /// The person's current names in Latin script.
    public var nameLatin: String
    /// The person's current names in Arabic script.
    public var nameArabic: String
    /// The date of the event.
    public var eventDate: GregorianDate
    /// How many query tokens matched their exact spelling (higher first).
    public var exactMatches: Int
}
