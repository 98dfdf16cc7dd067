import Testing
@testable import Raft

/// Flow control: limits on entries and bytes per append, on appends and bytes in flight to one
/// follower, on uncommitted bytes at the leader; probing one append at a time until the
/// follower's match point is known.
@Suite struct FlowControlTests {
    static func payload(_ n: Int, bytes: Int) -> [UInt8] {
        var data = Array("act \(n) ".utf8)
        data += Array(repeating: UInt8(ascii: "x"), count: max(0, bytes - data.count))
        return data
    }

    static func appendsTo(_ id: NodeID, in net: TestNetwork) -> [Message.Append] {
        net.sentMessages { $0.to == id }.compactMap(\.append).filter { !$0.entries.isEmpty }
    }

    @Test func noAppendCarriesMoreThanEntriesPerMessageMax() {
        let net = TestNetwork(voters: [1, 2, 3]) { $0.entriesPerMessageMax = 3 }
        net.elect(1)
        net.clearTrace()
        net.propose(1, (0..<10).map { Self.payload($0, bytes: 10) })
        net.deliverAll()
        let appends = Self.appendsTo(2, in: net)
        #expect(appends.allSatisfy { $0.entries.count <= 3 })
        #expect(appends.map(\.entries.count) == [3, 3, 3, 1])
        net.tickAllAndDeliver()
        #expect(net.applied(2).count == 10)
    }

    @Test func noAppendCarriesMoreThanMessageBytesMaxUnlessOneEntryAloneIsLarger() {
        // Each entry counts its payload plus a 21-byte header.
        let net = TestNetwork(voters: [1, 2, 3]) { $0.messageBytesMax = 300 }
        net.elect(1)
        net.clearTrace()
        var payloads = (0..<5).map { Self.payload($0, bytes: 100) }
        payloads.append(Self.payload(5, bytes: 1_000))
        net.propose(1, payloads)
        net.deliverAll()
        let appends = Self.appendsTo(2, in: net)
        for append in appends {
            let bytes = append.entries.reduce(0) { $0 + $1.sizeBytes }
            #expect(bytes <= 300 || append.entries.count == 1, "append of \(append.entries.count) entries, \(bytes) bytes")
        }
        #expect(appends.map(\.entries.count) == [2, 2, 1, 1])
        net.tickAllAndDeliver()
        #expect(net.applied(2).count == 6)
    }

    @Test func theLeaderStopsAtInflightMessagesMaxUntilAnAcknowledgementFreesTheWindow() {
        let net = TestNetwork(voters: [1, 2, 3]) { $0.inflightMessagesMax = 2 }
        net.elect(1)
        net.isolate(3)
        net.cut(from: 2, to: 1)
        net.clearTrace()
        for n in 0..<5 { net.propose(1, [Self.payload(n, bytes: 10)]) }
        net.deliverAll()
        #expect(Self.appendsTo(2, in: net).count == 2)
        net.heal()
        net.isolate(3)
        // The follower's answers flow again: the next heartbeat round repairs and refills.
        net.tickAllAndDeliver(times: 3, except: [3])
        #expect(net.raft(1).commitIndex == 7)
        #expect(net.applied(2).count == 5)
    }

    @Test func theLeaderStopsAtInflightBytesMax() {
        // Two 221-byte entries fill a 400-byte window (the limit is reached, not exceeded, by
        // more than the append that crosses it).
        let net = TestNetwork(voters: [1, 2, 3]) { $0.inflightBytesMax = 400 }
        net.elect(1)
        net.isolate(3)
        net.cut(from: 2, to: 1)
        net.clearTrace()
        for n in 0..<5 { net.propose(1, [Self.payload(n, bytes: 200)]) }
        net.deliverAll()
        let appends = Self.appendsTo(2, in: net)
        #expect(appends.count == 2)
        let bytes = appends.flatMap(\.entries).reduce(0) { $0 + $1.sizeBytes }
        #expect(bytes < 400 + 221)
    }

    @Test func aProbedFollowerGetsOneAppendAtATimeUntilItAnswers() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.isolate(3)
        net.elect(1)
        // 3 is probed with the no-op; until it answers, nothing else is sent to it.
        for n in 0..<4 { net.propose(1, "act \(n)") }
        net.deliverAll()
        #expect(Self.appendsTo(3, in: net).count == 1)
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.applied(3).count == 4)
    }

    @Test func reportUnreachableTurnsAStreamedFollowerBackToProbing() {
        let net = TestNetwork(voters: [1, 2, 3])
        net.elect(1)
        net.isolate(3)
        net.with(1) { $0.reportUnreachable(3) }
        net.clearTrace()
        for n in 0..<4 { net.propose(1, "act \(n)") }
        net.deliverAll()
        #expect(Self.appendsTo(3, in: net).count == 1)
        #expect(Self.appendsTo(2, in: net).count == 4)
    }

    @Test func proposalsAreRefusedAsOverloadedAtUncommittedBytesMaxAndAcceptedAgainOnceCommitted() {
        let net = TestNetwork(voters: [1, 2, 3]) { $0.uncommittedBytesMax = 1_000 }
        net.elect(1)
        net.isolate(2)
        net.isolate(3)
        var accepted = 0
        var refusal: Raft.ProposeError?
        for n in 0..<20 {
            switch net.propose(1, [Self.payload(n, bytes: 200)]) {
            case .success: accepted += 1
            case .failure(let error):
                refusal = error
            }
            if refusal != nil { break }
        }
        // 221 bytes each (the no-op already committed): four fit under 1000, the fifth does not.
        #expect(accepted == 4)
        #expect(refusal == .overloaded(uncommittedBytes: 4 * 221))
        net.heal()
        net.tickAllAndDeliver(times: 2)
        #expect(net.raft(1).commitIndex == 6)
        #expect(throws: Never.self) { try net.propose(1, [Self.payload(9, bytes: 200)]).get() }
    }

    @Test func aSingleProposalLargerThanTheUncommittedLimitIsAcceptedWhenNothingIsPending() {
        let net = TestNetwork(voters: [1]) { $0.uncommittedBytesMax = 100 }
        net.campaign(1)
        let result = net.propose(1, [Self.payload(0, bytes: 500)])
        #expect(throws: Never.self) { try result.get() }
        #expect(net.raft(1).commitIndex == 3)
    }

    @Test func anEntryLargerThanTheWireLimitIsRefusedAndNothingIsAppended() {
        let net = TestNetwork(voters: [1])
        net.campaign(1)
        let last = net.raft(1).lastIndex
        let result = net.propose(1, [[0], Array(repeating: 7, count: WireLimits.entryDataBytesMax + 1)])
        #expect(result == .failure(.entryTooLarge(bytes: WireLimits.entryDataBytesMax + 1, limit: WireLimits.entryDataBytesMax)))
        #expect(net.raft(1).lastIndex == last)
    }

    @Test func committedEntriesAreHandedOutInBatchesOfAtMostApplyBytesMaxPerReady() {
        var state = Fixture.log(terms: Array(repeating: 1, count: 7), voters: [1, 2, 3], commit: 7)
        state.entries = (1...7).map { Entry(index: UInt64($0), term: 1, data: Self.payload($0, bytes: 200)) }
        var config = Fixture.config(1, seed: 1)
        config.applyBytesMaxPerReady = 500
        var raft = Raft(config: config, state: state)
        var batches: [[UInt64]] = []
        while raft.hasReady {
            let ready = raft.ready()
            if !ready.committedEntries.isEmpty { batches.append(ready.committedEntries.map(\.index)) }
            raft.advance(ready)
        }
        // 221 bytes an entry: two fit in 500.
        #expect(batches == [[1, 2], [3, 4], [5, 6], [7]])
    }

    @Test func oneEntryLargerThanApplyBytesMaxPerReadyIsStillHandedOut() {
        var state = Fixture.log(terms: [1, 1], voters: [1, 2, 3], commit: 2)
        state.entries = (1...2).map { Entry(index: UInt64($0), term: 1, data: Self.payload($0, bytes: 900)) }
        var config = Fixture.config(1, seed: 1)
        config.applyBytesMaxPerReady = 500
        var raft = Raft(config: config, state: state)
        var batches: [[UInt64]] = []
        while raft.hasReady {
            let ready = raft.ready()
            if !ready.committedEntries.isEmpty { batches.append(ready.committedEntries.map(\.index)) }
            raft.advance(ready)
        }
        #expect(batches == [[1], [2]])
    }
}
