import Registry

extension ServiceQuery {
    /// Evaluates the query against a group's state. Bounded: pages are at most
    /// `ServiceLimits.pageItemsMax` items; counters are one record per office and month.
    public func evaluate(in reader: any KeyValueReader) throws -> ServiceAnswer {
        switch self {
        case .declaration(let reference):
            return .declaration(try ServiceStore.declaration(reference, in: reader))
        case .declarationQueue(let office, let status, let after, let limit):
            guard (1...ServiceLimits.pageItemsMax).contains(limit) else { return Self.badLimit }
            let ids = try Self.queueIDs(prefix: ServiceKeys.declarationQueue(office, status, nil), after: after, limit: limit, in: reader)
            return .declarations(try ids.compactMap { try ServiceStore.declaration(ServiceReference(office: office, id: $0), in: reader) })
        case .copyRequest(let reference):
            return .copyRequest(try ServiceStore.copyRequest(reference, in: reader))
        case .copyQueue(let office, let status, let after, let limit):
            guard (1...ServiceLimits.pageItemsMax).contains(limit) else { return Self.badLimit }
            let ids = try Self.queueIDs(prefix: ServiceKeys.copyQueue(office, status, nil), after: after, limit: limit, in: reader)
            return .copyRequests(try ids.compactMap { try ServiceStore.copyRequest(ServiceReference(office: office, id: $0), in: reader) })
        case .issuedCopy(let code):
            guard code.utf8.count <= 32 else { return .issuedCopy(nil) }
            let key = ServiceKeys.issuedCopy(code: code)
            return .issuedCopy(try reader.get(key).map { try ServiceStore.decode(IssuedCopy.self, $0, key: key) })
        case .auditLog(let after, let limit):
            guard (1...ServiceLimits.pageItemsMax).contains(limit) else { return Self.badLimit }
            let state = try ServiceStore.auditState(in: reader)
            let pairs = try reader.scan(from: ServiceKeys.auditEntry(after + 1), to: ServiceKeys.auditEntriesEnd, limit: limit)
            return .auditEntries(try pairs.map { try ServiceStore.decode(AuditEntry.self, $0.value, key: $0.key) }, length: state.length)
        case .verifyAudit:
            return .auditVerification(try AuditChain.verify(in: reader))
        case .deathNotices(let after, let limit):
            guard (1...ServiceLimits.pageItemsMax).contains(limit) else { return Self.badLimit }
            let length = try ServiceStore.counter(ServiceKeys.deathFeedState, in: reader)
            let pairs = try reader.scan(from: ServiceKeys.deathNotice(after + 1), to: ServiceKeys.deathNoticesEnd, limit: limit)
            return .deathNotices(try pairs.map { try ServiceStore.decode(DeathNotice.self, $0.value, key: $0.key) }, length: length)
        case .vitalCounts:
            var counts: [VitalCount] = []
            try Self.forEach(in: ServiceKeys.vitalCountsRange, reader) { key, value in
                guard key.count == 9, value.count == 8, let kind = ActKind(rawValue: key[8]) else {
                    throw ServiceStateError.undecodable(key: key, reason: "vital count")
                }
                let office = OfficeCode(key[1..<5].reduce(0) { $0 << 8 | UInt32($1) })
                let year = Int(key[5]) << 8 | Int(key[6])
                counts.append(VitalCount(office: office, year: year, month: Int(key[7]), kind: kind, count: value.reduce(0) { $0 << 8 | UInt64($1) }))
            }
            return .vitalCounts(counts)
        case .officeActivity:
            var activity: [OfficeActivity] = []
            try Self.forEach(in: ServiceKeys.officeActivityRange, reader) { key, value in
                activity.append(try ServiceStore.decode(OfficeActivity.self, value, key: key))
            }
            return .officeActivity(activity)
        case .delayReport(let asOf):
            return .delayReport(try Self.delayReport(asOf: asOf, in: reader))
        }
    }

    static let badLimit = ServiceAnswer.malformedQuery(code: "query.limit", reason: "limit must be 1 to \(ServiceLimits.pageItemsMax)")

    static func queueIDs(prefix: [UInt8], after: RequestID?, limit: Int, in reader: any KeyValueReader) throws -> [RequestID] {
        let start = after.map { prefix + $0.bytes + [0] } ?? prefix
        return try reader.scan(from: start, to: StateKeys.successor(of: prefix), limit: limit).compactMap { pair in
            RequestID(bytes: Array(pair.key.suffix(RequestID.byteCount)))
        }
    }

    static func forEach(in range: (start: [UInt8], end: [UInt8]), _ reader: any KeyValueReader,
                        _ body: ([UInt8], [UInt8]) throws -> Void) throws {
        var cursor = range.start
        while true {
            let page = try reader.scan(from: cursor, to: range.end, limit: ServiceLimits.scanPageMax)
            for pair in page { try body(pair.key, pair.value) }
            guard page.count == ServiceLimits.scanPageMax, let last = page.last else { return }
            cursor = last.key + [0]
        }
    }

    /// Delivered requests from the activity counters; open ones (paid, not delivered) from the
    /// offices' queues, measured from payment to `asOf`.
    static func delayReport(asOf: Timestamp, in reader: any KeyValueReader) throws -> [DelayReportRow] {
        var rows: [OfficeCode: DelayReportRow] = [:]
        try forEach(in: ServiceKeys.officeActivityRange, reader) { key, value in
            let activity = try ServiceStore.decode(OfficeActivity.self, value, key: key)
            rows[activity.office] = DelayReportRow(office: activity.office, deliveredWithin3Days: activity.deliveredWithin3Days,
                                                   deliveredWithin5Days: activity.deliveredWithin5Days, deliveredLate: activity.deliveredLate,
                                                   openWithinPromise: 0, openOverdue: 0)
        }
        let now = ServiceClock.minutes(asOf)
        for office in rows.keys.sorted() {
            for status in [CopyRequestStatus.paid, .issued, .dispatched] {
                let prefix = ServiceKeys.copyQueue(office, status, nil)
                try forEach(in: (prefix, StateKeys.successor(of: prefix)), reader) { key, _ in
                    guard let id = RequestID(bytes: Array(key.suffix(RequestID.byteCount))),
                          let request = try ServiceStore.copyRequest(ServiceReference(office: office, id: id), in: reader),
                          let paidAt = request.paidAt else { return }
                    if now - ServiceClock.minutes(paidAt) > CopyRequestSteps.promiseMinutes {
                        rows[office]?.openOverdue += 1
                    } else {
                        rows[office]?.openWithinPromise += 1
                    }
                }
            }
        }
        return rows.keys.sorted().compactMap { rows[$0] }
    }
}
