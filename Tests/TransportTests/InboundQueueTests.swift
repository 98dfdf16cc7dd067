import Testing
@testable import Transport

/// The bounded inbound queue, without sockets.
@Suite struct InboundQueueTests {
    static func frame(_ from: UInt64, _ sequence: UInt64) -> InboundFrame {
        InboundFrame(from: from, payload: NumberedFrame.make(from: from, sequence: sequence))
    }

    @Test func receiveTakesBatchesOldestFirstUpToTheAskedCount() async {
        let queue = InboundQueue(framesMax: 100, bytesMax: 1 << 20)
        for sequence in 0..<5 {
            #expect(await queue.push(Self.frame(1, UInt64(sequence))))
        }
        #expect(await queue.receive(maxFrames: 3) == (0..<3).map { Self.frame(1, $0) })
        #expect(queue.receiveAvailable(maxFrames: 10) == (3..<5).map { Self.frame(1, $0) })
        #expect(queue.receiveAvailable(maxFrames: 10).isEmpty)
    }

    @Test func aWaitingReceiverGetsTheFirstPushedFrame() async {
        let queue = InboundQueue(framesMax: 100, bytesMax: 1 << 20)
        async let received = queue.receive(maxFrames: 10)
        #expect(await queue.push(Self.frame(2, 7)))
        #expect(await received == [Self.frame(2, 7)])
    }

    @Test func aFullQueueMakesTheProducerWaitUntilTheConsumerTakesFrames() async throws {
        let queue = InboundQueue(framesMax: 2, bytesMax: 1 << 20)
        #expect(await queue.push(Self.frame(1, 0)))
        #expect(await queue.push(Self.frame(1, 1)))
        let third = Task { await queue.push(Self.frame(1, 2)) }
        try await waitUntil("the third push to wait on the full queue") {
            var counters = TransportCounters()
            queue.fill(&counters)
            return counters.inboundQueueFullWaits >= 1
        }
        var counters = TransportCounters()
        queue.fill(&counters)
        #expect(counters.inboundQueuedFrames == 2, "the waiting frame is not in the queue")

        #expect(queue.receiveAvailable(maxFrames: 1) == [Self.frame(1, 0)])
        #expect(await third.value)
        #expect(queue.receiveAvailable(maxFrames: 10) == [Self.frame(1, 1), Self.frame(1, 2)])
        queue.fill(&counters)
        #expect(counters.peers[1]?.framesReceived == 3)
        #expect(counters.peers[1]?.bytesReceived == 48)
    }

    @Test func theByteLimitAlsoMakesTheProducerWait() async throws {
        let queue = InboundQueue(framesMax: 100, bytesMax: 40)
        #expect(await queue.push(Self.frame(1, 0)))
        #expect(await queue.push(Self.frame(1, 1)))
        let third = Task { await queue.push(Self.frame(1, 2)) }
        try await waitUntil("the third push to wait on the byte limit") {
            var counters = TransportCounters()
            queue.fill(&counters)
            return counters.inboundQueueFullWaits >= 1
        }
        #expect(queue.receiveAvailable(maxFrames: 2).count == 2)
        #expect(await third.value)
    }

    @Test func finishWakesTheReceiverAndRefusesProducers() async {
        let queue = InboundQueue(framesMax: 1, bytesMax: 1 << 20)
        async let received = queue.receive(maxFrames: 10)
        queue.finish()
        #expect(await received.isEmpty)
        #expect(await queue.push(Self.frame(1, 0)) == false)
    }

    @Test func finishReleasesAProducerWaitingOnAFullQueue() async throws {
        let queue = InboundQueue(framesMax: 1, bytesMax: 1 << 20)
        #expect(await queue.push(Self.frame(1, 0)))
        let waiting = Task { await queue.push(Self.frame(1, 1)) }
        try await waitUntil("the second push to wait") {
            var counters = TransportCounters()
            queue.fill(&counters)
            return counters.inboundQueueFullWaits >= 1
        }
        queue.finish()
        #expect(await waiting.value == false)
    }

    @Test func aCancelledReceiverReturnsEmpty() async {
        let queue = InboundQueue(framesMax: 1, bytesMax: 1 << 20)
        let receiver = Task { await queue.receive(maxFrames: 1) }
        receiver.cancel()
        #expect(await receiver.value.isEmpty)
    }
}
