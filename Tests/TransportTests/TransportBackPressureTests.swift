import NIOCore
import Testing
@testable import Transport

/// What a sender does when its peer is down or slow: drop and count, never grow.
@Suite(.serialized) struct TransportBackPressureTests {
    @Test func aPeerThatIsDownCausesDropsWithoutQueueingAndFramesFlowOnceItStarts() async throws {
        let pki = try TestPKI()
        // Learn a free port for node 2, then stop it so nothing listens there.
        let firstLife = try await TestNodes.start(2, pki: pki)
        let port = firstLife.transport.listeningPort
        await firstLife.transport.shutdown()

        let sender = try await TestNodes.start(1, pki: pki, peers: [2: PeerAddress(host: "127.0.0.1", port: port)])
        for sequence in 0..<10_000 as Range<UInt64> {
            let result = sender.transport.send(NumberedFrame.make(from: 1, sequence: sequence, paddingBytes: 1_000), to: 2)
            #expect(result == .droppedNotConnected)
        }
        var counters = sender.transport.counters().peers[2]!
        #expect(counters.droppedNotConnected == 10_000)
        #expect(counters.queuedFrames == 0 && counters.queuedBytes == 0, "a down peer holds no memory")
        try await waitUntil("the sender to redial the down peer") {
            sender.transport.counters().peers[2]!.reconnectAttempts >= 1
        }

        let receiver = try await TestNodes.start(2, pki: pki, peers: [1: sender.address], port: port)
        try await sender.events.outboundConnected(to: 2)
        for sequence in 0..<100 as Range<UInt64> {
            #expect(sender.transport.send(NumberedFrame.make(from: 1, sequence: sequence), to: 2) == .queued)
        }
        let frames = try await TestNodes.receive(100, at: receiver)
        #expect(frames.map { NumberedFrame.read($0.payload)!.sequence } == Array(0..<100))
        counters = sender.transport.counters().peers[2]!
        #expect(counters.connectionsEstablished == 1)
        #expect(counters.framesSent == 100)
        await TestNodes.shutdown([sender, receiver])
    }

    @Test func aReceiverThatDoesNotReadMakesTheSenderDropInsteadOfGrowing() async throws {
        let pki = try TestPKI()
        var limits = TestNodes.limits
        limits.outboundQueueFramesMax = 64
        limits.inboundQueueFramesMax = 4
        // The receiver's window stays shut for as long as this loop runs. When a loaded machine
        // slows the loop past the production limit (20 s), the kernel rightly drops the
        // connection as stalled; that is dead-peer detection, tested on its own, not what this
        // test is about.
        limits.unacknowledgedTimeoutMs = 600_000
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki, limits: limits)
        let sender = nodes[1]!, receiver = nodes[2]!
        let frameBytes = 64 * 1024
        let attempts = 5_000
        // Everything that can hold accepted frames between the two nodes (kernel socket buffers
        // on loopback are a few MiB each) is far below this; without back-pressure nearly all
        // attempts (312 MiB) would be accepted.
        let acceptedBytesBound = 64 * 1024 * 1024

        var accepted: UInt64 = 0
        var sawQueueFull = false
        for sequence in 0..<UInt64(attempts) {
            let frame = NumberedFrame.make(from: 1, sequence: accepted, paddingBytes: frameBytes - 16)
            switch sender.transport.send(frame, to: 2) {
            case .queued:
                accepted += 1
            case .droppedQueueFull:
                sawQueueFull = true
            case let other:
                Issue.record("unexpected \(other) at attempt \(sequence)")
            }
            let counters = sender.transport.counters()
            #expect(counters.peers[2]!.queuedFrames <= 64)
            #expect(receiver.transport.counters().inboundQueuedFrames <= 4)
            await Task.yield()
        }
        #expect(sawQueueFull)
        #expect(Int(accepted) * frameBytes <= acceptedBytesBound, "accepted \(accepted) frames of \(frameBytes) bytes")
        try await waitUntil("the receiver's reader to wait on its full inbound queue") {
            receiver.transport.counters().inboundQueueFullWaits >= 1
        }

        // Once the receiver reads, every accepted frame arrives, in order, none lost.
        let frames = try await TestNodes.receive(Int(accepted), at: receiver)
        #expect(frames.map { NumberedFrame.read($0.payload)!.sequence } == Array(0..<accepted))
        let counters = sender.transport.counters().peers[2]!
        #expect(counters.framesSent == accepted)
        #expect(counters.droppedQueueFull == UInt64(attempts) - accepted)
        #expect(counters.droppedConnectionLost == 0)
        await TestNodes.shutdown(nodes.values)
    }
}
