import Registry

extension ServiceKeys {
    /// Where the services' record under `key` goes when a shard is split by office, or nil when
    /// `key` is not one of theirs (docs/SERVICES.md, "Splitting a shard").
    ///
    /// - Declarations, copy requests, their queues, vital counts and office activity carry their
    ///   office in the key, and move with it.
    /// - An issued copy is found by its verification code; its value names the request's office.
    /// - The audit chain is the shard's history: both halves keep all of it and go on from its
    ///   head, so each half's chain still verifies from its first entry.
    /// - The death feed stays with the shard that splits: its readers hold positions in it, and
    ///   a copy would give them every notice twice. The new shard starts its own feed.
    public static func splitPlacement(key: [UInt8], value: [UInt8]) throws(CodecError) -> SplitPlacement? {
        guard let tag = key.first else { return nil }
        switch tag {
        case 0x60, 0x61:
            return .both
        case 0x62, 0x63, 0x64, 0x65, 0x69, 0x6A:
            return StateKeys.officeAfterTag(key).map(SplitPlacement.office)
        case 0x66:
            return .office(try IssuedCopy.decode(canonical: value).reference.office)
        case 0x67, 0x68:
            return .parent
        default:
            return nil
        }
    }
}

extension ServiceCommand {
    /// The offices the command writes in (none for the audit records of reads, which belong to
    /// whichever shard they are sent to).
    public var offices: [OfficeCode] {
        switch operation {
        case .recordAudit: []
        case .registryWrite(let command): command.offices
        case .fileDeclaration(let declaration): [declaration.event.office]
        case .registerDeclaration(let reference, _, _), .rejectDeclaration(let reference, _), .openPayment(let reference),
             .recordPayment(let reference, _, _), .recordIssue(let reference, _, _, _), .recordDispatch(let reference, _),
             .recordDelivery(let reference):
            [reference.office]
        case .submitCopyRequest(let request): [request.reference.office]
        }
    }
}

extension ServiceQuery {
    /// The office a query is about, or nil for a query over the whole shard.
    public var office: OfficeCode? {
        switch self {
        case .declaration(let reference), .copyRequest(let reference): reference.office
        case .declarationQueue(let office, _, _, _), .copyQueue(let office, _, _, _): office
        case .issuedCopy, .auditLog, .verifyAudit, .deathNotices, .vitalCounts, .officeActivity, .delayReport: nil
        }
    }
}
