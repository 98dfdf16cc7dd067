import Registry

/// `POST /v1/acts/births`.
public struct RegisterBirthBody: Codable, Sendable {
    /// The officer who signs.
    public var officer: OfficerRef
    /// The act as declared.
    public var declaration: BirthDeclaration
    /// When the act is drawn up; the node stamps it when absent. A retry resends the same value.
    public var recordedAt: Timestamp?

    /// Creates a value from its parts.
    public init(officer: OfficerRef, declaration: BirthDeclaration, recordedAt: Timestamp? = nil) {
        self.officer = officer
        self.declaration = declaration
        self.recordedAt = recordedAt
    }
}

/// `POST /v1/acts/deaths`.
public struct RegisterDeathBody: Codable, Sendable {
    /// The officer who signs.
    public var officer: OfficerRef
    /// The act as declared.
    public var declaration: DeathDeclaration
    /// When the act is drawn up (stamped by the node when absent).
    public var recordedAt: Timestamp?

    /// Creates a value from its parts.
    public init(officer: OfficerRef, declaration: DeathDeclaration, recordedAt: Timestamp? = nil) {
        self.officer = officer
        self.declaration = declaration
        self.recordedAt = recordedAt
    }
}

/// `POST /v1/acts/{office}/{year}/{kind}/{number}/mentions`.
public struct AppendMentionBody: Codable, Sendable {
    /// The officer who signs.
    public var officer: OfficerRef
    /// The marginal mention.
    public var mention: MentionBody
    /// When the act is drawn up (stamped by the node when absent).
    public var recordedAt: Timestamp?

    /// Creates a value from its parts.
    public init(officer: OfficerRef, mention: MentionBody, recordedAt: Timestamp? = nil) {
        self.officer = officer
        self.mention = mention
        self.recordedAt = recordedAt
    }
}

/// The answer to a registration or a mention.
public struct WriteResponse: Codable, Sendable, Equatable {
    /// The registry request id (the Idempotency-Key).
    public var requestID: RequestID
    /// The act.
    public var actID: ActID
    /// `office/year/kind/number`, the act's path under `/v1/acts/`.
    public var actPath: String
    /// The civil digital identifier (births).
    public var civilDigitalID: CivilDigitalID?
    /// The mention's sequence on its act (mentions).
    public var mentionSequence: UInt32?
    /// The entry's position in its register's chain.
    public var chainPosition: UInt64
    /// The chain head.
    public var chainHead: ChainDigest
    /// True when the request id had already been applied: this is the original outcome.
    public var duplicate: Bool
    /// When the act is drawn up (stamped by the node when absent).
    public var recordedAt: Timestamp
    /// The shard group.
    public var group: UInt64
    /// The log index of the entry that applied it (0 for a duplicate answered before the log).
    public var logIndex: UInt64
    /// For a death act naming the deceased's birth act (or civil id): whether that birth act
    /// carries the death mention. When it does not for a passing reason, the same request with
    /// the same `Idempotency-Key` proposes the mention again (the death act is not repeated).
    public var deathMention: DeathMentionStatus? = nil
}

/// The answer to `GET /v1/acts/...`.
public struct ActResponse: Codable, Sendable, Equatable {
    /// `office/year/kind/number`.
    public var actPath: String
    /// The act and its mentions.
    public var record: ActRecord
    /// How fresh the answer is.
    public var freshness: ReadFreshness
}

/// The answer to `POST /v1/copies/verify`.
public struct CopyVerificationResponse: Codable, Sendable, Equatable {
    /// Whether the copy verifies.
    public var valid: Bool
    /// The region key (e.g. "RSK").
    public var region: String?
    /// Why not.
    public var reason: String?
}

/// One hit of `GET /v1/search`.
public struct SearchHitBody: Codable, Sendable, Equatable {
    /// The act.
    public var actID: ActID
    /// `office/year/kind/number`.
    public var actPath: String
    /// The civil digital identifier (births).
    public var civilDigitalID: CivilDigitalID?
    /// The person's names in Latin script.
    public var nameLatin: String
    /// The person's names in Arabic script.
    public var nameArabic: String
    /// The date of birth or death.
    public var eventDate: GregorianDate
    /// Query tokens matched in their exact spelling.
    public var exactMatches: Int
}

/// The answer to `GET /v1/search`.
public struct SearchResponse: Codable, Sendable, Equatable {
    /// The acts found.
    public var hits: [SearchHitBody]
    /// Always "index": search reads this node's derived index, which follows the applied state
    /// asynchronously (an act acknowledged a moment ago may be missing); read the act itself
    /// for a linearizable answer.
    public var consistency: String
    /// The search index (SQLite).
    public var index: SearchIndexer.Status
}

/// `POST /v1/cluster/groups/{group}/transfer-leader`.
public struct TransferLeaderBody: Codable, Sendable {
    /// The node to hand leadership to.
    public var to: UInt64
    /// Creates a value from its parts.
    public init(to: UInt64) { self.to = to }
}

/// `POST /v1/cluster/groups/{group}/members`: one operation on the group's membership.
public struct MembershipBody: Codable, Sendable {
    /// "addVoter", "addLearner" or "remove".
    public var operation: String
    /// The node id.
    public var node: UInt64
    /// Creates a value from its parts.
    public init(operation: String, node: UInt64) {
        self.operation = operation
        self.node = node
    }
}

/// `POST /v1/cluster/groups/{group}/durability`.
public struct DurabilityBody: Codable, Sendable {
    /// "center" or "region".
    public var mode: String
    /// Creates a value from its parts.
    public init(mode: String) { self.mode = mode }
}

/// The answer to an administrative request.
public struct AdminResponse: Codable, Sendable, Equatable {
    /// The shard group.
    public var group: UInt64
    /// The search index (SQLite).
    public var index: UInt64
    /// What was done.
    public var message: String
}

/// `POST /v1/admin/certificate/reload`: the certificate the node presents from now on.
public struct CertificateReloadedBody: Codable, Sendable, Equatable {
    /// The node.
    public var node: UInt64
    /// The certificate's serial number.
    public var certificateSerial: String
    /// Its end of validity (ISO 8601, UTC).
    public var certificateNotAfter: String

    /// Creates a value from its parts.
    public init(node: UInt64, certificateSerial: String, certificateNotAfter: String) {
        self.node = node
        self.certificateSerial = certificateSerial
        self.certificateNotAfter = certificateNotAfter
    }
}

/// `GET /v1/cluster/status`: one node's view.
public struct NodeStatusBody: Codable, Sendable, Equatable {
    /// The node id.
    public var node: UInt64
    /// The region key (e.g. "RSK").
    public var region: String
    /// The national centre's node id, if any.
    public var center: Bool
    /// The client that sends the requests.
    public var http: String
    /// Every hosted group as this node sees it.
    public var groups: [GroupStatus]
    /// The search index, if the node keeps one.
    public var search: SearchIndexer.Status?
    /// HTTP requests being served.
    public var requestsInFlight: Int
    /// The end of validity of the node's TLS certificate (ISO 8601), as it started with it.
    public var certificateNotAfter: String? = nil
    /// That certificate's serial number.
    public var certificateSerial: String? = nil
    /// The topology version the node runs (a pushed version it took, or the file's).
    public var topologyVersion: UInt64? = nil
    /// The end of validity of the cluster CA's certificate (ISO 8601).
    public var authorityNotAfter: String? = nil
    /// Token revocations the node learned from its peers that its topology version does not
    /// hold (it missed the version that revokes them: push it).
    public var revocationsLearned: Int? = nil

    /// Creates a value from its parts.
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
        let parts = path.split(separator: "/")
        guard parts.count == 4, let register = RegisterID(path: parts[0..<3].joined(separator: "/")),
              let number = UInt64(parts[3]) else { return nil }
        self.init(register: register, number: number)
    }
}

extension RegisterID {
    /// Parses `office/year/kind`, as used in URLs and page cursors.
    public init?(path: String) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count == 3, let office = OfficeCode(parts[0]), let year = Int(parts[1]),
              let kind = ActKind.allCases.first(where: { $0.name == parts[2] }) else { return nil }
        self.init(office: office, year: year, kind: kind)
    }
}
