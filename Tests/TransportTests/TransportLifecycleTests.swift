import NIOCore
import Testing
@testable import Transport

/// Starting, reconfiguring and stopping a transport.
@Suite(.serialized) struct TransportLifecycleTests {
    @Test func startRefusesCredentialsOfAnotherNode() async throws {
        let pki = try TestPKI()
        await #expect(throws: TransportError.credentialsNodeIDMismatch(configured: 1, certificate: 2)) {
            _ = try await TestNodes.start(1, pki: pki, credentials: try pki.credentials(2))
        }
    }

    @Test func startRefusesUnusableConfiguration() async throws {
        let pki = try TestPKI()
        await #expect(throws: TransportError.invalidConfiguration(field: "peers[1]", reason: "a node is not its own peer")) {
            _ = try await TestNodes.start(1, pki: pki, peers: [1: PeerAddress(host: "127.0.0.1", port: 1)])
        }
        await #expect(throws: TransportError.invalidConfiguration(field: "peers[2].port", reason: "0 is outside 1...65535")) {
            _ = try await TestNodes.start(1, pki: pki, peers: [2: PeerAddress(host: "127.0.0.1", port: 0)])
        }
        var limits = TestNodes.limits
        limits.outboundQueueBytesMax = FrameFormat.frameSizeBytesMax - 1
        await #expect(throws: TransportError.invalidConfiguration(
            field: "limits.outboundQueueBytesMax",
            reason: "must hold one frame of \(FrameFormat.frameSizeBytesMax) bytes"
        )) {
            _ = try await TestNodes.start(1, pki: pki, limits: limits)
        }
        // The kernel takes the unacknowledged-data limit as a 32-bit count of milliseconds.
        for timeout: Int64 in [0, Int64(Int32.max) + 1] {
            var limits = TestNodes.limits
            limits.unacknowledgedTimeoutMs = timeout
            await #expect(throws: TransportError.invalidConfiguration(
                field: "limits.unacknowledgedTimeoutMs", reason: "must be 1 to \(Int32.max) ms"
            )) {
                _ = try await TestNodes.start(1, pki: pki, limits: limits)
            }
        }
    }

    @Test func startReportsAPortAlreadyInUse() async throws {
        let pki = try TestPKI()
        let first = try await TestNodes.start(1, pki: pki)
        await #expect {
            _ = try await TestNodes.start(2, pki: pki, port: first.transport.listeningPort)
        } throws: { error in
            guard case TransportError.bindFailed(_, first.transport.listeningPort, _) = error else { return false }
            return true
        }
        await first.transport.shutdown()
    }

    @Test func shutdownWakesAWaitingReceiverAndRefusesFurtherSends() async throws {
        let pki = try TestPKI()
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki)
        let one = nodes[1]!
        let receiver = Task { await one.transport.receive(maxFrames: 10) }
        await one.transport.shutdown()
        #expect(await receiver.value.isEmpty)
        #expect(one.transport.send([1], to: 2) == .droppedNotConnected)
        await one.transport.shutdown()
        try await nodes[2]!.events.first("node 2 to see node 1's connection close") {
            $0 == .disconnected(peer: 1, direction: .inbound)
        }
        await nodes[2]!.transport.shutdown()
    }

    @Test func updatingPeersDialsNewOnesAndDropsRemovedOnes() async throws {
        let pki = try TestPKI()
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki)
        let one = nodes[1]!, two = nodes[2]!
        let three = try await TestNodes.start(3, pki: pki, peers: [1: one.address])

        try one.transport.updatePeers([3: three.address])
        try await one.events.first("node 1 to drop its connection to node 2") {
            $0 == .disconnected(peer: 2, direction: .outbound)
        }
        try await one.events.first("node 1 to close node 2's connection in") {
            $0 == .disconnected(peer: 2, direction: .inbound)
        }
        try await one.events.outboundConnected(to: 3)
        #expect(one.transport.send([1], to: 2) == .droppedUnknownPeer)
        #expect(one.transport.send([7], to: 3) == .queued)
        #expect(try await TestNodes.receive(1, at: three) == [InboundFrame(from: 1, payload: [7])])

        #expect(throws: TransportError.invalidConfiguration(field: "peers[1]", reason: "a node is not its own peer")) {
            try one.transport.updatePeers([1: three.address])
        }
        await TestNodes.shutdown([one, two, three])
    }
}
