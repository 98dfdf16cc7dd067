import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import Transport

/// Nodes on real sockets with real TLS exchange frames.
@Suite(.serialized) struct TransportExchangeTests {
    @Test func twoNodesExchangeFramesBothWaysInOrder() async throws {
        let pki = try TestPKI()
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki)
        let one = nodes[1]!, two = nodes[2]!
        let count = 2_000

        for sequence in 0..<UInt64(count) {
            #expect(one.transport.send(NumberedFrame.make(from: 1, sequence: sequence), to: 2) == .queued)
            #expect(two.transport.send(NumberedFrame.make(from: 2, sequence: sequence), to: 1) == .queued)
        }
        let atTwo = try await TestNodes.receive(count, at: two)
        let atOne = try await TestNodes.receive(count, at: one)

        #expect(atTwo.map(\.from) == Array(repeating: 1, count: count))
        #expect(atTwo.compactMap { NumberedFrame.read($0.payload)?.sequence } == Array(0..<UInt64(count)))
        #expect(atOne.map(\.from) == Array(repeating: 2, count: count))
        #expect(atOne.compactMap { NumberedFrame.read($0.payload)?.sequence } == Array(0..<UInt64(count)))

        let sent = one.transport.counters().peers[2]!
        #expect(sent.framesSent == UInt64(count))
        #expect(sent.bytesSent == UInt64(count * 16))
        #expect(sent.connectionsEstablished == 1)
        #expect(sent.flushes >= 1 && sent.flushes <= sent.framesSent)
        let received = two.transport.counters().peers[1]!
        #expect(received.framesReceived == UInt64(count))
        #expect(received.bytesReceived == UInt64(count * 16))
        await TestNodes.shutdown(nodes.values)
    }

    @Test func aReceiverToldOfArrivalsTakesEveryFrameWithoutWaiting() async throws {
        let pki = try TestPKI()
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki)
        let one = nodes[1]!, two = nodes[2]!
        let arrivals = NIOLockedValueBox(0)
        two.transport.setArrivalHandler { arrivals.withLockedValue { $0 += 1 } }
        let count = 500

        for sequence in 0..<UInt64(count) {
            #expect(one.transport.send(NumberedFrame.make(from: 1, sequence: sequence), to: 2) == .queued)
        }
        // As a node loop does: take what is there whenever told, never wait in the transport.
        var received: [InboundFrame] = []
        var seenArrivals = 0
        try await waitUntil("\(count) frames announced and taken at node 2") {
            let now = arrivals.withLockedValue { $0 }
            if now > seenArrivals {
                seenArrivals = now
                received += two.transport.receiveAvailable(maxFrames: count)
            }
            return received.count == count
        }
        #expect(received.compactMap { NumberedFrame.read($0.payload)?.sequence } == Array(0..<UInt64(count)))
        #expect(seenArrivals >= 1 && seenArrivals <= count, "one announcement per read, at most one per frame")
        await TestNodes.shutdown(nodes.values)
    }

    @Test func threeNodesReceiveEveryFrameInPerSenderOrder() async throws {
        let pki = try TestPKI()
        let ids: [UInt64] = [1, 2, 3]
        let nodes = try await TestNodes.startMesh(ids, pki: pki)
        let perPair = 500

        for sequence in 0..<UInt64(perPair) {
            for sender in ids {
                for receiver in ids where receiver != sender {
                    let padding = Int(sequence % 3) * 700
                    let frame = NumberedFrame.make(from: sender, sequence: sequence, paddingBytes: padding)
                    #expect(nodes[sender]!.transport.send(frame, to: receiver) == .queued)
                }
            }
        }
        for receiver in ids {
            let frames = try await TestNodes.receive(perPair * 2, at: nodes[receiver]!)
            for sender in ids where sender != receiver {
                let fromSender = frames.filter { $0.from == sender }.map { NumberedFrame.read($0.payload)! }
                #expect(fromSender.allSatisfy { $0.sender == sender }, "the proven sender is the one in the payload")
                #expect(fromSender.map(\.sequence) == Array(0..<UInt64(perPair)), "order from \(sender) at \(receiver)")
            }
        }
        await TestNodes.shutdown(nodes.values)
    }

    @Test func aFrameOfExactlyTheMaximumSizeIsDeliveredIntact() async throws {
        let pki = try TestPKI()
        let nodes = try await TestNodes.startMesh([1, 2], pki: pki)
        var payload = ByteBuffer()
        payload.reserveCapacity(FrameFormat.frameSizeBytesMax)
        for index in 0..<(FrameFormat.frameSizeBytesMax / 4) {
            payload.writeInteger(UInt32(truncatingIfNeeded: index &* 2_654_435_761))
        }
        #expect(payload.readableBytes == FrameFormat.frameSizeBytesMax)

        #expect(nodes[1]!.transport.send(payload, to: 2) == .queued)
        let received = try await TestNodes.receive(1, at: nodes[2]!)
        #expect(received.first?.payload.count == FrameFormat.frameSizeBytesMax)
        #expect(received.first?.payload == Array(payload.readableBytesView))

        var tooLarge = payload
        tooLarge.writeInteger(UInt8(0))
        #expect(nodes[1]!.transport.send(tooLarge, to: 2) == .droppedFrameTooLarge)
        #expect(nodes[1]!.transport.counters().peers[2]?.droppedFrameTooLarge == 1)
        await TestNodes.shutdown(nodes.values)
    }

    @Test func anOversizeLengthFromAnAuthenticatedPeerClosesItsConnectionAndIsCounted() async throws {
        let pki = try TestPKI()
        let receiver = try await TestNodes.start(1, pki: pki, peers: [2: PeerAddress(host: "127.0.0.1", port: 9)])
        let raw = try await RawPeer.connectTLS(
            to: receiver.transport.listeningPort,
            certificate: try pki.nodeCertificate(2),
            trusting: pki.authority.certificatePEM
        )
        await RawPeer.send([RawPeer.hello(2), RawPeer.frame([1, 2, 3])], on: raw)
        try await receiver.events.first("inbound connection from node 2") { $0 == .connected(peer: 2, direction: .inbound) }
        let delivered = try await TestNodes.receive(1, at: receiver)
        #expect(delivered == [InboundFrame(from: 2, payload: [1, 2, 3])])

        let length = UInt32(FrameFormat.frameSizeBytesMax + 1)
        await RawPeer.send([RawPeer.lengthPrefix(length), RawPeer.frame([4, 5, 6])], on: raw)
        try await receiver.events.first("oversize frame event") {
            $0 == .frameTooLarge(peer: 2, direction: .inbound, lengthBytes: UInt64(length))
        }
        try await RawPeer.waitForClose(raw, "the receiver to close the connection")
        try await receiver.events.first("inbound disconnect") { $0 == .disconnected(peer: 2, direction: .inbound) }
        let counters = receiver.transport.counters()
        #expect(counters.oversizeFramesReceived == 1)
        #expect(counters.peers[2]?.framesReceived == 1, "nothing after the oversize length is delivered")
        #expect(receiver.transport.receiveAvailable(maxFrames: 10).isEmpty)
        await receiver.transport.shutdown()
    }

    @Test func sendingToANodeOutsideThePeerListIsDroppedAndCounted() async throws {
        let pki = try TestPKI()
        let node = try await TestNodes.start(1, pki: pki)
        #expect(node.transport.send([1], to: 99) == .droppedUnknownPeer)
        #expect(node.transport.counters().droppedUnknownPeer == 1)
        await node.transport.shutdown()
    }
}
