import Registry

/// `POST /v1/acts/births`.
public struct RegisterBirthBody: Codable, Sendable {
    public var officer: OfficerRef
    public var declaration: BirthDeclaration
    /// When the act is drawn up; the node stamps it when absent. A retry resends the same value.
    public var recordedAt: Timestamp?

    public init(officer: OfficerRef, declaration: BirthDeclaration, recordedAt: Timestamp? = nil) {
        self.officer = officer
        self.declaration = declaration
        self.recordedAt = recordedAt
    }
}

/// `POST /v1/acts/deaths`.
public struct RegisterDeathBody: Codable, Sendable {
    public var officer: OfficerRef
    public var declaration: DeathDeclaration
    public var recordedAt: Timestamp?

    public init(officer: OfficerRef, declaration: DeathDeclaration, recordedAt: Timestamp? = nil) {
        self.officer = officer
        self.declaration = declaration
        self.recordedAt = recordedAt
    }
}

/// `POST /v1/acts/{office}/{year}/{kind}/{number}/mentions`.
public struct AppendMentionBody: Codable, Sendable {
    public var officer: OfficerRef
    public var mention: MentionBody
    public var recordedAt: Timestamp?

    public init(officer: OfficerRef, mention: MentionBody, recordedAt: Timestamp? = nil) {
        self.officer = officer
        self.mention = mention
        self.recordedAt = recordedAt
    }
}

/// The answer to a registration or a mention.
public struct WriteResponse: Codable, Sendable, Equatable {
    public var requestID: RequestID
    public var actID: ActID
    /// `office/year/kind/number`, the act's path under `/v1/acts/`.
    public var actPath: String
    public var civilDigitalID: CivilDigitalID?
    public var mentionSequence: UInt32?
    public var chainPosition: UInt64
    public var chainHead: ChainDigest
    /// True when the request id had already been applied: this is the original outcome.
    public var duplicate: Bool
    public var recordedAt: Timestamp
    public var group: UInt64
    public var logIndex: UInt64
}

/// The answer to `GET /v1/acts/...`.
public struct ActResponse: Codable, Sendable, Equatable {
    public var actPath: String
    public var record: ActRecord
    public var freshness: ReadFreshness
}

/// The answer to `POST /v1/copies/verify`.
public struct CopyVerificationResponse: Codable, Sendable, Equatable {
    public var valid: Bool
    public var region: String?
    public var reason: String?
}

/// One hit of `GET /v1/search`.
public struct SearchHitBody: Codable, Sendable, Equatable {
    public var actID: ActID
    public var actPath: String
    public var civilDigitalID: CivilDigitalID?
    public var nameLatin: String
    public var nameArabic: String
    public var eventDate: GregorianDate
    public var exactMatches: Int
}

/// The answer to `GET /v1/search`.
public struct SearchResponse: Codable, Sendable, Equatable {
    public var hits: [SearchHitBody]
    /// Always "index": search reads this node's derived index, which follows the applied state
    /// asynchronously (an act acknowledged a moment ago may be missing); read the act itself
    /// for a linearizable answer.
    public var consistency: String
    public var index: SearchIndexer.Status
}

/// `POST /v1/cluster/groups/{group}/transfer-leader`.
public struct TransferLeaderBody: Codable, Sendable {
    public var to: UInt64
    public init(to: UInt64) { self.to = to }
}

/// `POST /v1/cluster/groups/{group}/members`: one operation on the group's membership.
public struct MembershipBody: Codable, Sendable {
    /// "addVoter", "addLearner" or "remove".
    public var operation: String
    public var node: UInt64
    public init(operation: String, node: UInt64) {
        self.operation = operation
        self.node = node
    }
}

/// `POST /v1/cluster/groups/{group}/durability`.
public struct DurabilityBody: Codable, Sendable {
    /// "center" or "region".
    public var mode: String
    public init(mode: String) { self.mode = mode }
}

/// The answer to an administrative request.
public struct AdminResponse: Codable, Sendable, Equatable {
    public var group: UInt64
    public var index: UInt64
    public var message: String
}

/// `GET /v1/cluster/status`: one node's view.
public struct NodeStatusBody: Codable, Sendable, Equatable {
    public var node: UInt64
    public var region: String
    public var center: Bool
    public var http: String
    public var groups: [GroupStatus]
    public var search: SearchIndexer.Status?
    public var requestsInFlight: Int

    public init(node: UInt64, region: String, center: Bool, http: String, groups: [GroupStatus], search: SearchIndexer.Status?, requestsInFlight: Int) {
        self.node = node
        self.region = region
        self.center = center
        self.http = http
        self.groups = groups
        self.search = search
        self.requestsInFlight = requestsInFlight
    }
}

extension ActID {
    /// `office/year/kind/number`, as used in URLs.
    public var path: String { "\(register.office)/\(register.year)/\(register.kind.name)/\(number)" }

    /// Parses `office/year/kind/number`.
    public init?(path: String) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 4, let office = OfficeCode(parts[0]), let year = Int(parts[1]),
              let kind = ActKind.allCases.first(where: { $0.name == parts[2] }), let number = UInt64(parts[3]) else { return nil }
        self.init(register: RegisterID(office: office, year: year, kind: kind), number: number)
    }
}
