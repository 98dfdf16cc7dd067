import Testing
@testable import Raft

/// The wire and disk encodings of Raft values: every value round-trips, and truncated, padded
/// or random bytes throw a `DecodeError` (they never trap and never decode to something that
/// re-encodes differently).
@Suite struct CodecTests {
    static let membership = Membership(voters: [1, 2, 3], outgoingVoters: [1, 2, 5], learners: [7],
                                       learnersNext: [5], center: 3, centerRule: true)

    static let entries: [Entry] = [
        Entry(index: 1, term: 1),
        Entry(index: 2, term: 1, kind: .configChange, data: ConfigChange.bootstrap(membership).encoded()),
        Entry(index: UInt64.max, term: UInt64.max, data: Array(0...255)),
    ]

    static let changes: [ConfigChange] = [
        .bootstrap(membership),
        .bootstrap(Membership(voters: [1])),
        .membership([.addVoter(4)]),
        .membership([.addVoter(4), .addLearner(5), .remove(3)]),
        .leaveJoint,
        .centerRule(center: 4, required: true),
        .centerRule(center: 4, required: false),
        .centerRule(center: nil, required: false),
    ]

    /// One message of every kind, with values at the edges.
    static let messages: [Message] = {
        let bodies: [Message.Body] = [
            .append(.init(prevIndex: 9, prevTerm: 3, entries: entries, commit: 7)),
            .append(.init(prevIndex: 0, prevTerm: 0, entries: [], commit: 0)),
            .appendResponse(.init(index: 12)),
            .appendResponse(.init(index: 12, reject: true, hintIndex: 5, hintTerm: 2)),
            .vote(.init(preVote: false, lastIndex: 4, lastTerm: 2)),
            .vote(.init(preVote: true, lastIndex: UInt64.max, lastTerm: 2, transfer: true)),
            .voteResponse(.init(preVote: true, granted: false)),
            .voteResponse(.init(preVote: false, granted: true)),
            .heartbeat(.init(commit: 11, readRound: 3)),
            .heartbeatResponse(.init(readRound: 3, lastIndex: 17)),
            .snapshot(SnapshotMeta(index: 100, term: 4, membership: membership)),
            .snapshot(SnapshotMeta(index: 1, term: 1, membership: Membership())),
            .timeoutNow,
            .readIndex(.init(ids: [1, 2, UInt64.max])),
            .readIndex(.init(ids: [])),
            .readIndexResponse(.init(ids: [5], index: 42, refused: false)),
            .readIndexResponse(.init(ids: [5, 6], index: 0, refused: true)),
        ]
        return bodies.enumerated().map { Message(from: UInt64($0.offset) + 1, to: 99, term: 1 << 40, body: $0.element) }
    }()

    @Test func everyMessageKindRoundTrips() throws {
        let kinds = Set(Self.messages.map(\.body.name))
        #expect(kinds.count == 12) // ten bodies, vote and voteResponse in both flavours
        for message in Self.messages {
            #expect(try Message.decode(message.encoded()) == message, "\(message.body.name)")
        }
    }

    @Test func entriesHardStatesAndConfigChangesRoundTrip() throws {
        for entry in Self.entries { #expect(try Entry.decode(entry.encoded()) == entry) }
        for state in [HardState(), HardState(term: 7, vote: 3, commit: 99), HardState(term: .max, vote: .max, commit: .max)] {
            #expect(try HardState.decode(state.encoded()) == state)
        }
        for change in Self.changes { #expect(try ConfigChange.decode(change.encoded()) == change) }
    }

    @Test func anEntryEncodingIsItsHeaderPlusItsPayload() {
        for entry in Self.entries { #expect(entry.encoded().count == entry.sizeBytes) }
    }

    @Test func aMembershipEncodesTheSameWhateverTheSetOrder() {
        let a = Membership(voters: [3, 1, 2, 10, 7])
        var b = Membership()
        for id: NodeID in [7, 10, 2, 1, 3] { b.voters.insert(id) }
        var wa = ByteWriter()
        var wb = ByteWriter()
        a.encode(into: &wa)
        b.encode(into: &wb)
        #expect(wa.bytes == wb.bytes)
    }

    @Test func everyStrictPrefixOfAValidEncodingThrows() {
        func prefixes(_ bytes: [UInt8]) -> [[UInt8]] { (0..<bytes.count).map { Array(bytes.prefix($0)) } }
        for message in Self.messages {
            for prefix in prefixes(message.encoded()) {
                #expect(throws: DecodeError.self, "\(message.body.name), \(prefix.count) bytes") { _ = try Message.decode(prefix) }
            }
        }
        for entry in Self.entries {
            for prefix in prefixes(entry.encoded()) {
                #expect(throws: DecodeError.self) { _ = try Entry.decode(prefix) }
            }
        }
        for change in Self.changes {
            for prefix in prefixes(change.encoded()) {
                #expect(throws: DecodeError.self, "\(change), \(prefix.count) bytes") { _ = try ConfigChange.decode(prefix) }
            }
        }
        for prefix in prefixes(HardState(term: 1).encoded()) {
            #expect(throws: DecodeError.self) { _ = try HardState.decode(prefix) }
        }
    }

    @Test func trailingBytesAreRefused() {
        #expect(throws: DecodeError.trailingBytes(count: 1)) { _ = try Message.decode(Self.messages[0].encoded() + [0]) }
        #expect(throws: DecodeError.trailingBytes(count: 2)) { _ = try Entry.decode(Self.entries[0].encoded() + [0, 0]) }
        #expect(throws: DecodeError.trailingBytes(count: 1)) { _ = try HardState.decode(HardState().encoded() + [9]) }
        #expect(throws: DecodeError.trailingBytes(count: 1)) { _ = try ConfigChange.decode(ConfigChange.leaveJoint.encoded() + [9]) }
    }

    @Test func unknownTagsAreRefusedWithTheFieldName() {
        var message = Message(from: 1, to: 2, term: 3, body: .timeoutNow).encoded()
        message[24] = 10
        #expect(throws: DecodeError.invalidTag(field: "message.body", value: 10)) { _ = try Message.decode(message) }
        var entry = Entry(index: 1, term: 1).encoded()
        entry[16] = 2
        #expect(throws: DecodeError.invalidTag(field: "entry.kind", value: 2)) { _ = try Entry.decode(entry) }
        var vote = Message(from: 1, to: 2, term: 3, body: .voteResponse(.init(preVote: true, granted: true))).encoded()
        vote[25] = 2
        #expect(throws: DecodeError.invalidTag(field: "voteResponse.preVote", value: 2)) { _ = try Message.decode(vote) }
        #expect(throws: DecodeError.invalidTag(field: "configChange", value: 4)) { _ = try ConfigChange.decode([4]) }
        var op = ConfigChange.membership([.remove(3)]).encoded()
        op[5] = 3
        #expect(throws: DecodeError.invalidTag(field: "configChange.op", value: 3)) { _ = try ConfigChange.decode(op) }
    }

    @Test func countsAndSizesBeyondTheLimitsAreRefusedBeforeAnythingIsAllocated() {
        var writer = ByteWriter()
        for value: UInt64 in [1, 2, 3] { writer.write(value) }
        writer.write(UInt8(0))
        for value: UInt64 in [0, 0, 0] { writer.write(value) }
        writer.write(UInt32(WireLimits.entriesPerMessageMax + 1))
        #expect(throws: DecodeError.limitExceeded(field: "append.entries", value: WireLimits.entriesPerMessageMax + 1,
                                                  limit: WireLimits.entriesPerMessageMax)) {
            _ = try Message.decode(writer.bytes)
        }
        var entry = ByteWriter()
        entry.write(UInt64(1))
        entry.write(UInt64(1))
        entry.write(UInt8(0))
        entry.write(UInt32.max)
        #expect(throws: DecodeError.limitExceeded(field: "entry.data", value: Int(UInt32.max), limit: WireLimits.entryDataBytesMax)) {
            _ = try Entry.decode(entry.bytes)
        }
        var change = ByteWriter()
        change.write(UInt8(0))
        change.write(UInt32(WireLimits.membersMax + 1))
        #expect(throws: DecodeError.limitExceeded(field: "membership.voters", value: WireLimits.membersMax + 1, limit: WireLimits.membersMax)) {
            _ = try ConfigChange.decode(change.bytes)
        }
        var reads = ByteWriter()
        for value: UInt64 in [1, 2, 3] { reads.write(value) }
        reads.write(UInt8(8))
        reads.write(UInt32.max)
        #expect(throws: DecodeError.self) { _ = try Message.decode(reads.bytes) }
    }

    @Test func aConfigurationBreakingTheMembershipInvariantsIsRefusedByTheDecoder() {
        // Installed from a snapshot header it would be persisted, and Raft.init(config:state:)
        // traps on an invalid membership at the next restart: it must stop at the decoder.
        let broken: [(Membership, String)] = [
            (Membership(voters: [1, 2], learners: [2]), "membership.learners"),
            (Membership(voters: [1], outgoingVoters: [1, 3], learners: [3]), "membership.learners"),
            (Membership(voters: [1], outgoingVoters: [1, 2], learnersNext: [4]), "membership.learnersNext"),
            (Membership(voters: [1, 2], outgoingVoters: [1, 2], learnersNext: [2]), "membership.learnersNext"),
            (Membership(voters: [1], learnersNext: [1]), "membership.learnersNext"),
            (Membership(voters: [0, 1]), "membership.voters"),
        ]
        for (membership, field) in broken {
            #expect(membership.invariantViolation() != nil)
            let message = Message(from: 1, to: 2, term: 3, body: .snapshot(SnapshotMeta(index: 5, term: 3, membership: membership)))
            do {
                _ = try Message.decode(message.encoded())
                Issue.record("\(membership) decoded")
            } catch {
                if case .invalidTag(let name, _) = error { #expect(name == field, "\(membership)") } else {
                    Issue.record("\(membership): \(error)")
                }
            }
            #expect(throws: DecodeError.self) { _ = try ConfigChange.decode(ConfigChange.bootstrap(membership).encoded()) }
        }
    }

    /// Decodes `bytes` as every type. Whatever decodes must re-encode to bytes that decode to the
    /// same value; anything else must throw a `DecodeError` (a trap would end the test run).
    static func decodeEverything(_ bytes: [UInt8], seed: UInt64, round: Int) -> Int {
        var decoded = 0
        if let message = try? Message.decode(bytes) {
            decoded += 1
            #expect((try? Message.decode(message.encoded())) == message, "seed \(seed) round \(round): \(bytes)")
        }
        if let entry = try? Entry.decode(bytes) {
            decoded += 1
            #expect((try? Entry.decode(entry.encoded())) == entry, "seed \(seed) round \(round)")
        }
        if let change = try? ConfigChange.decode(bytes) {
            decoded += 1
            #expect((try? ConfigChange.decode(change.encoded())) == change, "seed \(seed) round \(round): \(bytes)")
        }
        if let state = try? HardState.decode(bytes) {
            decoded += 1
            #expect(state.encoded() == bytes, "seed \(seed) round \(round)")
        }
        return decoded
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func randomBytesNeverTrapTheDecoders(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        for round in 0..<2_000 {
            let length = Int(rng.next() % 120)
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            _ = Self.decodeEverything(bytes, seed: seed, round: round)
        }
    }

    @Test(arguments: [UInt64(11), 12, 13])
    func mutatedValidEncodingsNeverTrapTheDecoders(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var valid: [[UInt8]] = Self.messages.map { $0.encoded() }
        valid += Self.entries.map { $0.encoded() } + Self.changes.map { $0.encoded() }
        valid.append(HardState(term: 4, vote: 2, commit: 9).encoded())
        var decodedCount = 0
        for round in 0..<3_000 {
            var bytes = valid[Int(rng.next() % UInt64(valid.count))]
            for _ in 0..<(1 + rng.next() % 3) {
                let position = bytes.isEmpty ? 0 : Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 5 {
                case 0 where !bytes.isEmpty: bytes[position] ^= UInt8(1 << (rng.next() % 8))
                case 1 where !bytes.isEmpty: bytes[position] = UInt8(truncatingIfNeeded: rng.next())
                case 2: bytes.insert(UInt8(truncatingIfNeeded: rng.next()), at: position)
                case 3 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes = Array(bytes.prefix(position))
                }
            }
            decodedCount += Self.decodeEverything(bytes, seed: seed, round: round)
        }
        // The mutations are small: many still decode, so the round-trip checks above ran.
        #expect(decodedCount > 100, "seed \(seed): only \(decodedCount) mutated inputs decoded")
    }
}
