import Testing
@testable import Registry

/// A stored act or mention altered, removed or added behind the state machine's back is found
/// by walking the register's chain from the stored state alone.
@Suite struct TamperDetectionTests {
    typealias F = Fixtures
    static let register = RegisterID(office: F.rabatHassan, year: 2024, kind: .birth)

    func replicaWithHistory() throws -> (Replica, ActID) {
        var replica = Replica()
        let first = try #require(try replica.apply(F.request(1, .registerBirth(F.birth()))).acceptedEntry).actID
        try replica.apply(F.request(2, .registerBirth(F.birth(given: Name(arabic: "سلمى", latin: "Salma")))))
        try replica.apply(F.request(3, at: F.at(2025, 3, 5), .appendMention(target: first, body: F.marriage())))
        try replica.apply(F.request(4, .registerBirth(F.birth(given: Name(arabic: "يوسف", latin: "Youssef")))))
        #expect(try RegisterChainVerifier.verify(Self.register, in: replica.store).isIntact)
        return (replica, first)
    }

    func broken(_ store: InMemoryKeyValueStore) throws -> ChainBreak? {
        if case .broken(let chainBreak) = try RegisterChainVerifier.verify(Self.register, in: store) { return chainBreak }
        return nil
    }

    @Test func actWithAChangedNameIsDetectedAtItsPosition() throws {
        var (replica, first) = try replicaWithHistory()
        var act = try #require(try RegistryQueries.act(first, in: replica.store))
        guard case .birth(var birth) = act.content else { Issue.record("not a birth"); return }
        birth.child.givenName.latin = "Yasser"
        act.content = .birth(birth)
        replica.store.put(StateKeys.act(first), act.canonicalBytes)
        #expect(try broken(replica.store) == ChainBreak(position: 1, reason: .valueAltered))
    }

    @Test func singleFlippedByteInAStoredActIsDetected() throws {
        var (replica, _) = try replicaWithHistory()
        let key = StateKeys.act(ActID(register: Self.register, number: 2))
        var bytes = try #require(replica.store.get(key))
        bytes[bytes.count - 1] ^= 0x01  // the last byte is provenance: even that is covered
        replica.store.put(key, bytes)
        #expect(try broken(replica.store) == ChainBreak(position: 2, reason: .valueAltered))
    }

    @Test func removedMentionIsDetected() throws {
        var (replica, first) = try replicaWithHistory()
        replica.store.delete(StateKeys.mention(first, sequence: 1))
        #expect(try broken(replica.store) == ChainBreak(position: 3, reason: .valueMissing))
    }

    @Test func actSlippedInWithoutAChainEntryIsDetected() throws {
        var (replica, _) = try replicaWithHistory()
        var act = try #require(try RegistryQueries.act(ActID(register: Self.register, number: 3), in: replica.store))
        act.id.number = 4
        replica.store.put(StateKeys.act(act.id), act.canonicalBytes)
        #expect(try broken(replica.store)?.reason == .unchainedValues(acts: 1, mentions: 0))
    }

    @Test func rewrittenChainEntryIsDetectedAsABrokenLink() throws {
        var (replica, _) = try replicaWithHistory()
        let key = StateKeys.chainEntry(Self.register, position: 2)
        var entry = try ChainEntry.decode(canonical: try #require(replica.store.get(key)))
        entry.head = ChainDigest.sha256([1, 2, 3])
        replica.store.put(key, entry.canonicalBytes)
        #expect(try broken(replica.store) == ChainBreak(position: 2, reason: .linkMismatch))
    }

    @Test func truncatedChainIsDetectedByTheRecordedHead() throws {
        var (replica, _) = try replicaWithHistory()
        var state = try #require(try RegistryQueries.registerState(Self.register, in: replica.store))
        state.chainLength -= 1
        replica.store.put(StateKeys.register(Self.register), state.canonicalBytes)
        #expect(try broken(replica.store)?.reason == .headMismatch)
    }
}
