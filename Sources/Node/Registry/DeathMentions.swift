import Logging
import Registry
import Services

/// The death mention a death act calls for on the deceased's birth act (docs/REGISTRY.md §1).
/// The birth act may be in another shard group, and one command touches one group, so the node
/// proposes the mention after the death act, as a request of its own whose id derives from the
/// death act's path: however often it is proposed (a death registration retried with its
/// `Idempotency-Key`, a declaration drawn up), the birth act receives it once.
public enum DeathMentions {
    /// The birth act a death act names: its `birthAct`, else the act that assigned its civil
    /// digital identifier; nil when it names neither.
    public static func birthAct(of death: DeathDeclaration) -> ActID? {
        death.birthAct ?? death.civilDigitalID?.birthAct
    }

    /// The request id of the death mention that death act `deathAct` calls for.
    public static func requestID(deathAct: ActID) -> Registry.RequestID {
        let digest = ChainDigest.sha256(Array("sijil/death-mention/v1/\(deathAct.path)".utf8)).bytes
        // 32 digest bytes always hold a request id's 16.
        return Registry.RequestID(bytes: Array(digest.prefix(Registry.RequestID.byteCount)))!
    }

    /// Proposes the death mention of `death` (drawn up as `deathAct` at `recordedAt` by
    /// `officer`) on its birth act, audited with `audit`. Nil when the death act names no birth
    /// act; otherwise whether the birth act carries the mention, and why not. One not written
    /// is logged and counted (`sijil_death_mentions_unwritten_total`), for the sweep; one held
    /// by another region is neither: the national centre puts it there (`DeathMentionRelay`).
    static func write(_ death: DeathDeclaration, deathAct: ActID, officer: OfficerRef, recordedAt: Timestamp,
                      audit: AuditRecord, gateway: RegistryGateway, metrics: NodeMetrics?, logger: Logger?) async -> DeathMentionStatus? {
        guard let birthAct = birthAct(of: death) else { return nil }
        let attempt = await propose(mention(of: death, deathAct: deathAct, birthAct: birthAct, officer: officer, recordedAt: recordedAt),
                                    audit: audit, gateway: gateway)
        var status = attempt.status
        if status.code == APIError.otherRegionCode {
            let region = gateway.topology.region(forOffice: birthAct.register.office.rawValue)?.key ?? "?"
            status.message = "the birth act is held by region \(region), where this node cannot write: the national centre puts the mention on it once it has applied this death act"
        } else if !status.written {
            metrics?.recordUnwrittenDeathMention()
            logger?.warning("death mention on \(status.birthAct) for \(deathAct.path) not written: \(status.code ?? "") \(status.message ?? "")")
        }
        return status
    }

    /// The request that puts the death mention of `death` on `birthAct`.
    static func mention(of death: DeathDeclaration, deathAct: ActID, birthAct: ActID, officer: OfficerRef, recordedAt: Timestamp) -> RegistryRequest {
        RegistryRequest(
            requestID: requestID(deathAct: deathAct), recordedAt: recordedAt, officer: officer,
            operation: .appendMention(target: birthAct, body: .death(DeathMention(deathDate: death.deathDate, deathPlace: death.deathPlace, deathAct: deathAct))))
    }

    /// One proposal of a death mention: whether the birth act carries it, and whether a failure
    /// may pass if proposed again (no leader, a timeout, an overloaded node) rather than being
    /// the register's answer or a place this node cannot write.
    static func propose(_ request: RegistryRequest, audit: AuditRecord, gateway: RegistryGateway) async -> (status: DeathMentionStatus, retryable: Bool) {
        guard case .appendMention(let birthAct, _) = request.operation else { preconditionFailure("a death mention appends a mention") }
        do {
            let receipt = try await gateway.write(request, office: birthAct.register.office, field: "declaration.birthAct", audit: audit)
            return (DeathMentionStatus(birthAct: birthAct.path, written: true, mentionSequence: receipt.entry.mentionSequence), false)
        } catch {
            let violation = error.violations.first
            let status = DeathMentionStatus(birthAct: birthAct.path, written: false, code: violation?.rule.code ?? error.code,
                                            message: violation?.reason ?? error.message)
            return (status, violation == nil && error.retryAfterSeconds != nil)
        }
    }
}

/// Whether a death act's birth act carries its death mention (`WriteResponse.deathMention`).
public struct DeathMentionStatus: Codable, Sendable, Equatable {
    /// The deceased's birth act (office/year/kind/number).
    public var birthAct: String
    /// True when the birth act carries the mention (written now, or by an earlier attempt).
    public var written: Bool
    /// The mention's sequence on the birth act, when written.
    public var mentionSequence: UInt32?
    /// Why not, when not written (an error code, e.g. `registry.act_not_found` for a birth act
    /// not yet digitised, `other_region` for a birth act another region holds: the national
    /// centre writes that one, `DeathMentionRelay`).
    public var code: String?
    /// Why not, for people.
    public var message: String?

    /// Creates a value from its parts.
    public init(birthAct: String, written: Bool, mentionSequence: UInt32? = nil, code: String? = nil, message: String? = nil) {
        self.birthAct = birthAct
        self.written = written
        self.mentionSequence = mentionSequence
        self.code = code
        self.message = message
    }
}
