import Crypto

extension RegistryQuery {
    /// Answers the query from `reader`. Deterministic: the same state gives the same bytes on
    /// every replica. Throws only when the state cannot be read or a stored record is damaged
    /// (a storage fault, never a property of the query).
    public func evaluate(in reader: some KeyValueReader) throws -> RegistryAnswer {
        switch self {
        case .act(let id):
            return .record(try RegistryQueries.record(id, in: reader))
        case .actByCivilID(let civilID):
            guard let id = try RegistryQueries.actID(forCivilID: civilID, in: reader) else { return .record(nil) }
            return .record(try RegistryQueries.record(id, in: reader))
        case .register(let register):
            return .register(try RegistryQueries.registerState(register, in: reader))
        case .verifyRegister(let register):
            return .verification(RegisterVerification(register: register, result: try RegisterChainVerifier.verify(register, in: reader)))
        case .verifyAll(let after, let limit):
            let page = try Self.registerPage(after: after, limit: limit, in: reader)
            let verifications = try page.states.map { state in
                RegisterVerification(register: state.register, result: try RegisterChainVerifier.verify(state.register, in: reader))
            }
            return .verifications(verifications, next: page.next)
        case .registers(let after, let limit):
            let page = try Self.registerPage(after: after, limit: limit, in: reader)
            return .registers(page.states, next: page.next)
        case .stats:
            return .stats(try Self.stats(in: reader))
        case .reviews(let after, let limit):
            let start = after.map { StateKeys.openReview($0) + [0] } ?? StateKeys.openReviewsRange.start
            let keys = try reader.scan(from: start, to: StateKeys.openReviewsRange.end, limit: Int(limit))
            var records: [ReviewRecord] = []
            for pair in keys {
                guard let place = StateKeys.place(fromOpenReviewKey: pair.key), let record = try ReviewRules.record(place, in: reader) else {
                    throw RegistryStateError.inconsistentState("open review key \(pair.key) without its record")
                }
                records.append(record)
            }
            return .reviews(records, next: records.count == Int(limit) ? records.last?.item.place : nil)
        }
    }

    /// Register states after `after`, at most `limit`; `next` is set when the page is full.
    private static func registerPage(after: RegisterID?, limit: UInt32, in reader: some KeyValueReader) throws
        -> (states: [RegisterState], next: RegisterID?) {
        precondition(limit >= 1, "a page holds at least one register")
        let start = after.map { StateKeys.register($0) + [0] } ?? StateKeys.registersRange.start
        let pairs = try reader.scan(from: start, to: StateKeys.registersRange.end, limit: Int(limit))
        let states = try pairs.map { try RegistryQueries.decode(RegisterState.self, $0.value, key: $0.key) }
        return (states, states.count == Int(limit) ? states.last?.register : nil)
    }

    private static func stats(in reader: some KeyValueReader) throws -> RegistryStats {
        var hasher = SHA256()
        hasher.update(data: RegistryStats.headsDomain)
        var registers: UInt64 = 0
        var births: UInt64 = 0
        var deaths: UInt64 = 0
        var mentions: UInt64 = 0
        var cursor = StateKeys.registersRange.start
        while true {
            let page = try reader.scan(from: cursor, to: StateKeys.registersRange.end, limit: RegistryQueries.scanPageSize)
            for pair in page {
                let state = try RegistryQueries.decode(RegisterState.self, pair.value, key: pair.key)
                registers += 1
                switch state.register.kind {
                case .birth: births += state.actCount
                case .death: deaths += state.actCount
                }
                guard state.chainLength >= state.actCount else {
                    throw RegistryStateError.inconsistentState("register \(state.register) chains \(state.chainLength) entries for \(state.actCount) acts")
                }
                mentions += state.chainLength - state.actCount
                var writer = ByteWriter(reservingCapacity: 48)
                state.register.encode(to: &writer)
                writer.write(state.chainLength)
                state.chainHead.encode(to: &writer)
                hasher.update(data: writer.bytes)
            }
            guard page.count == RegistryQueries.scanPageSize, let last = page.last else { break }
            cursor = last.key + [0]
        }
        return RegistryStats(registers: registers, birthActs: births, deathActs: deaths, mentions: mentions,
                             chainHeadsDigest: ChainDigest(unchecked: Array(hasher.finalize())))
    }
}
