import NIOCore
import Testing
@testable import Transport

/// The outbound queue of one peer, without sockets.
@Suite struct PeerLinkTests {
    static let address = PeerAddress(host: "127.0.0.1", port: 1)

    static func link(framesMax: Int = 4, bytesMax: Int = FrameFormat.frameSizeBytesMax) -> PeerLink {
        PeerLink(
            nodeID: 2,
            address: address,
            limits: TransportLimits(outboundQueueFramesMax: framesMax, outboundQueueBytesMax: bytesMax)
        )
    }

    static func frame(_ byte: UInt8, count: Int = 1) -> ByteBuffer {
        ByteBuffer(repeating: byte, count: count)
    }

    @Test func aPeerWithoutConnectionCostsNoMemoryWhateverIsSent() {
        let link = Self.link()
        for index in 0..<10_000 {
            #expect(link.enqueue(Self.frame(UInt8(truncatingIfNeeded: index), count: 1_000)) == .droppedNotConnected)
        }
        let counters = link.counters
        #expect(counters.droppedNotConnected == 10_000)
        #expect(counters.queuedFrames == 0 && counters.queuedBytes == 0)
    }

    @Test func theQueueStopsAtItsFrameLimit() async {
        let link = Self.link(framesMax: 4)
        #expect(link.markConnected())
        for index in 0..<4 {
            #expect(link.enqueue(Self.frame(UInt8(index))) == .queued)
        }
        #expect(link.enqueue(Self.frame(9)) == .droppedQueueFull)
        #expect(link.counters.queuedFrames == 4)
        #expect(link.counters.droppedQueueFull == 1)

        let batch = await link.nextBatch()
        #expect(batch?.frames == (0..<4).map { Self.frame(UInt8($0)) }, "everything queued goes in one batch")
        #expect(batch?.bytes == 4)
        link.recordWritten(batch!)
        #expect(link.counters.flushes == 1)
        #expect(link.counters.framesSent == 4)
        #expect(link.enqueue(Self.frame(9)) == .queued, "taking the batch makes room")
    }

    @Test func theQueueStopsAtItsByteLimit() {
        let limit = FrameFormat.frameSizeBytesMax
        let link = Self.link(framesMax: 100, bytesMax: limit)
        #expect(link.markConnected())
        #expect(link.enqueue(Self.frame(1, count: limit - 10)) == .queued)
        #expect(link.enqueue(Self.frame(2, count: 11)) == .droppedQueueFull)
        #expect(link.enqueue(Self.frame(3, count: 10)) == .queued)
        #expect(link.counters.queuedBytes == UInt64(limit))
    }

    @Test func aFrameBeyondTheCapIsRefusedEvenWhenConnected() {
        let link = Self.link()
        #expect(link.markConnected())
        #expect(link.enqueue(Self.frame(1, count: FrameFormat.frameSizeBytesMax + 1)) == .droppedFrameTooLarge)
        #expect(link.enqueue(Self.frame(1, count: FrameFormat.frameSizeBytesMax)) == .queued)
        #expect(link.counters.droppedFrameTooLarge == 1)
    }

    @Test func aWaitingWriterIsWokenWithTheFirstFrame() async {
        let link = Self.link()
        #expect(link.markConnected())
        async let batch = link.nextBatch()
        // Whether the writer is already waiting or not, it must get exactly this frame.
        #expect(link.enqueue(Self.frame(5)) == .queued)
        #expect(await batch?.frames == [Self.frame(5)])
    }

    @Test func losingTheConnectionDropsTheQueueAndStopsTheWriter() async {
        let link = Self.link()
        #expect(link.markConnected())
        #expect(link.enqueue(Self.frame(1)) == .queued)
        #expect(link.enqueue(Self.frame(2)) == .queued)
        link.markDisconnected()
        #expect(await link.nextBatch() == nil)
        #expect(link.enqueue(Self.frame(3)) == .droppedNotConnected)
        let counters = link.counters
        #expect(counters.droppedConnectionLost == 2)
        #expect(counters.queuedFrames == 0)
        #expect(counters.connectionsEstablished == 1)
    }

    @Test func aCancelledWriterStopsWaiting() async {
        let link = Self.link()
        #expect(link.markConnected())
        let writer = Task { await link.nextBatch() }
        writer.cancel()
        #expect(await writer.value == nil)
    }

    @Test func aClosedLinkNeverConnectsAgain() {
        let link = Self.link()
        link.close()
        #expect(!link.markConnected())
        #expect(link.enqueue(Self.frame(1)) == .droppedNotConnected)
        #expect(link.isClosed)
    }
}
