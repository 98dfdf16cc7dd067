/// Where a state record goes when a shard is split by office: with the offices that move, in
/// both shards, or only in the shard that splits. See docs/REGISTRY.md, "Splitting a shard".
public enum SplitPlacement: Hashable, Sendable {
    /// The record belongs to this office's acts: it moves when the office does.
    case office(OfficeCode)
    /// The record describes the shard as a whole and is true of both halves (the format
    /// version; the services' audit chain, whose history both halves keep).
    case both
    /// The record stays with the shard that splits (a feed whose positions its readers hold).
    case parent
}

extension StateKeys {
    /// Where the register's record under `key` goes in a split, or nil when `key` is not one
    /// of the register's. A record whose value names the office (a request's outcome) is read
    /// for it; a value that does not decode throws, so a damaged record stops the split on
    /// every replica alike instead of being left behind.
    public static func splitPlacement(key: [UInt8], value: [UInt8]) throws(CodecError) -> SplitPlacement? {
        guard let tag = key.first else { return nil }
        switch tag {
        case formatTag:
            return .both
        case registerTag, actTag, mentionTag, chainTag, reviewTag, openReviewTag:
            return officeAfterTag(key).map(SplitPlacement.office)
        case requestTag:
            return .office(try RequestRecord.decode(canonical: value).entry.actID.register.office)
        case civilIDTag:
            // The identifier's first seven digits are the office that assigned it.
            let digits = key.dropFirst().prefix(7)
            guard digits.count == 7, let office = UInt32(String(decoding: digits, as: UTF8.self)) else { return nil }
            return .office(OfficeCode(office))
        default:
            return nil
        }
    }

    /// The office encoded right after a one-byte tag.
    public static func officeAfterTag(_ key: [UInt8]) -> OfficeCode? {
        guard key.count >= 5 else { return nil }
        return OfficeCode(key[1..<5].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }
}

extension RegistryOperation {
    /// The office whose register the operation writes.
    public var office: OfficeCode {
        switch self {
        case .registerBirth(let birth): birth.office
        case .registerDeath(let death): death.office
        case .appendMention(let target, _): target.register.office
        case .importHistoricalAct(let item): item.register.office
        case .submitForReview(let item): item.register.office
        case .settleReview(let decision): decision.register.office
        }
    }
}

extension RegistryCommand {
    /// The offices the command writes in, in request order.
    public var offices: [OfficeCode] {
        switch self {
        case .single(let request): [request.operation.office]
        case .batch(let requests): requests.map(\.operation.office)
        }
    }
}

extension RegistryQuery {
    /// The office a query is about, or nil for a query over the whole shard.
    public var office: OfficeCode? {
        switch self {
        case .act(let id): id.register.office
        case .actByCivilID(let id): id.birthAct.register.office
        case .register(let register), .verifyRegister(let register): register.office
        case .verifyAll, .registers, .stats, .reviews: nil
        }
    }
}
