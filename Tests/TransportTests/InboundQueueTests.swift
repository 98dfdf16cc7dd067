import NIOConcurrencyHelpers
import Testing
@testable import Transport

/// The bounded inbound queue, without sockets.
@Suite struct InboundQueueTests {
    static func frame(_ from: UInt64, _ sequence: UInt64) -> InboundFrame {
        InboundFrame(from: from, payload: NumberedFrame.make(from: from, sequence: sequence))
    }

    static func frames(_ from: UInt64, _ sequences: Range<UInt64>) -> ArraySlice<InboundFrame> {
        ArraySlice(sequences.map { frame(from, $0) })
    }

    static func counters(_ queue: InboundQueue) -> TransportCounters {
        var counters = TransportCounters()
        queue.fill(&counters)
        return counters
    }

    @Test func receiveTakesBatchesOldestFirstUpToTheAskedCount() async {
        let queue = InboundQueue(framesMax: 100, bytesMax: 1 << 20)
        #expect(queue.offer(Self.frames(1, 0..<5)) == .accepted(5))
        #expect(await queue.receive(maxFrames: 3) == (0..<3).map { Self.frame(1, $0) })
        #expect(queue.receiveAvailable(maxFrames: 10) == (3..<5).map { Self.frame(1, $0) })
        #expect(queue.receiveAvailable(maxFrames: 10).isEmpty)
    }

    @Test func aWaitingReceiverGetsTheFirstOfferedFrame() async {
        let queue = InboundQueue(framesMax: 100, bytesMax: 1 << 20)
        async let received = queue.receive(maxFrames: 10)
        // Whether the receiver is already waiting or not, it must get exactly this frame.
        #expect(queue.offer([Self.frame(2, 7)]) == .accepted(1))
        #expect(await received == [Self.frame(2, 7)])
    }

    @Test func aFullQueueTakesWhatFitsAndCallsTheProducerBackOnceTheConsumerTakesFrames() {
        let queue = InboundQueue(framesMax: 2, bytesMax: 1 << 20)
        let offered = Self.frames(1, 0..<3)
        #expect(queue.offer(offered) == .accepted(2))
        let calledBack = NIOLockedValueBox(0)
        queue.whenRoom(forBytes: offered.last!.payload.count) { calledBack.withLockedValue { $0 += 1 } }
        #expect(calledBack.withLockedValue { $0 } == 0, "no room yet")
        #expect(Self.counters(queue).inboundQueuedFrames == 2, "the frame that did not fit is not in the queue")
        #expect(Self.counters(queue).inboundQueueFullWaits == 1)

        #expect(queue.receiveAvailable(maxFrames: 1) == [Self.frame(1, 0)])
        #expect(calledBack.withLockedValue { $0 } == 1)
        #expect(queue.offer(offered.dropFirst(2)) == .accepted(1))
        #expect(queue.receiveAvailable(maxFrames: 10) == [Self.frame(1, 1), Self.frame(1, 2)])
        #expect(calledBack.withLockedValue { $0 } == 1, "a producer is called back once per wait")
        let counters = Self.counters(queue)
        #expect(counters.peers[1]?.framesReceived == 3)
        #expect(counters.peers[1]?.bytesReceived == 48)
    }

    @Test func theByteLimitAlsoHoldsFramesBack() {
        let queue = InboundQueue(framesMax: 100, bytesMax: 40)
        #expect(queue.offer(Self.frames(1, 0..<3)) == .accepted(2), "two frames of 16 bytes fit in 40, three do not")
        let calledBack = NIOLockedValueBox(false)
        queue.whenRoom(forBytes: 16) { calledBack.withLockedValue { $0 = true } }
        #expect(!calledBack.withLockedValue { $0 })
        #expect(queue.receiveAvailable(maxFrames: 1).count == 1)
        #expect(calledBack.withLockedValue { $0 })
    }

    @Test func aProducerWhoseFrameFitsIsCalledBackAtOnce() {
        let queue = InboundQueue(framesMax: 2, bytesMax: 1 << 20)
        let calledBack = NIOLockedValueBox(false)
        queue.whenRoom(forBytes: 16) { calledBack.withLockedValue { $0 = true } }
        #expect(calledBack.withLockedValue { $0 })
        #expect(Self.counters(queue).inboundQueueFullWaits == 0)
    }

    @Test func anEmptyQueueTakesAFrameLargerThanItsByteLimit() {
        let queue = InboundQueue(framesMax: 100, bytesMax: 10)
        #expect(queue.offer(Self.frames(1, 0..<2)) == .accepted(1))
        #expect(queue.receiveAvailable(maxFrames: 10) == [Self.frame(1, 0)])
    }

    @Test func theArrivalHandlerIsCalledForEveryOfferThatAddsFrames() {
        let queue = InboundQueue(framesMax: 2, bytesMax: 1 << 20)
        let arrivals = NIOLockedValueBox(0)
        queue.setArrivalHandler { arrivals.withLockedValue { $0 += 1 } }
        #expect(queue.offer(Self.frames(1, 0..<1)) == .accepted(1))
        #expect(queue.offer(Self.frames(1, 1..<2)) == .accepted(1))
        #expect(arrivals.withLockedValue { $0 } == 2)
        #expect(queue.offer(Self.frames(1, 2..<3)) == .accepted(0))
        #expect(arrivals.withLockedValue { $0 } == 2, "an offer that adds nothing announces nothing")
        queue.finish()
        #expect(queue.offer(Self.frames(1, 3..<4)) == .finished)
        #expect(arrivals.withLockedValue { $0 } == 2)
    }

    @Test func finishWakesTheReceiverAndRefusesProducers() async {
        let queue = InboundQueue(framesMax: 1, bytesMax: 1 << 20)
        async let received = queue.receive(maxFrames: 10)
        queue.finish()
        #expect(await received.isEmpty)
        #expect(queue.offer(Self.frames(1, 0..<1)) == .finished)
    }

    @Test func finishCallsBackAProducerWaitingForRoom() {
        let queue = InboundQueue(framesMax: 1, bytesMax: 1 << 20)
        #expect(queue.offer(Self.frames(1, 0..<2)) == .accepted(1))
        let calledBack = NIOLockedValueBox(false)
        queue.whenRoom(forBytes: 16) { calledBack.withLockedValue { $0 = true } }
        #expect(!calledBack.withLockedValue { $0 })
        queue.finish()
        #expect(calledBack.withLockedValue { $0 })
        #expect(queue.offer(Self.frames(1, 1..<2)) == .finished)
        #expect(queue.receiveAvailable(maxFrames: 10) == [Self.frame(1, 0)], "what was queued can still be taken")
    }

    @Test func aCancelledReceiverReturnsEmpty() async {
        let queue = InboundQueue(framesMax: 1, bytesMax: 1 << 20)
        let receiver = Task { await queue.receive(maxFrames: 1) }
        receiver.cancel()
        #expect(await receiver.value.isEmpty)
    }
}
