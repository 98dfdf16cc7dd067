import NIOCore
import NIOEmbedded
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

    @Test func theQueueStopsAtItsFrameLimit() throws {
        let (link, channel) = try Self.connectedLink(framesMax: 4)
        for index in 0..<4 {
            #expect(link.enqueue(Self.frame(UInt8(index))) == .queued)
        }
        #expect(link.enqueue(Self.frame(9)) == .droppedQueueFull)
        #expect(link.counters.queuedFrames == 4)
        #expect(link.counters.droppedQueueFull == 1)

        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel) == [ByteBuffer(bytes: (0..<4).flatMap { [0, 0, 0, 1, UInt8($0)] })], "everything queued goes in one batch")
        #expect(link.counters.flushes == 1)
        #expect(link.counters.framesSent == 4)
        #expect(link.enqueue(Self.frame(9)) == .queued, "writing the batch makes room")
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

    /// A link on an embedded channel, connected, with the handler that reports writability.
    static func connectedLink(framesMax: Int = 4) throws -> (PeerLink, EmbeddedChannel) {
        let link = Self.link(framesMax: framesMax)
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(OutboundWritability(link: link))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        #expect(link.attach(channel))
        #expect(link.markConnected())
        return (link, channel)
    }

    static func written(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        return buffers
    }

    @Test func framesAreWrittenOnTheEventLoopInOneBatchWithOneFlush() throws {
        let (link, channel) = try Self.connectedLink()
        #expect(link.enqueue(Self.frame(5, count: 3)) == .queued)
        #expect(link.enqueue(Self.frame(6)) == .queued)
        #expect(try Self.written(channel).isEmpty, "nothing is written until the event loop runs")
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel) == [ByteBuffer(bytes: [0, 0, 0, 3, 5, 5, 5, 0, 0, 0, 1, 6])])
        let counters = link.counters
        #expect(counters.flushes == 1 && counters.framesSent == 2 && counters.bytesSent == 4)
        #expect(counters.queuedFrames == 0)
    }

    @Test func whileTheConnectionIsNotWritableFramesWaitAndOnceItIsTheyAreWritten() throws {
        let (link, channel) = try Self.connectedLink(framesMax: 2)
        channel.isWritable = false
        #expect(link.enqueue(Self.frame(1)) == .queued)
        #expect(link.enqueue(Self.frame(2)) == .queued)
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel).isEmpty)
        #expect(link.enqueue(Self.frame(3)) == .droppedQueueFull, "a slow reader fills the queue, then sends drop")

        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(try Self.written(channel) == [ByteBuffer(bytes: [0, 0, 0, 1, 1, 0, 0, 0, 1, 2])])
        #expect(link.counters.framesSent == 2 && link.counters.droppedQueueFull == 1)
    }

    @Test func losingTheConnectionDropsTheQueue() throws {
        let (link, channel) = try Self.connectedLink()
        #expect(link.enqueue(Self.frame(1)) == .queued)
        #expect(link.enqueue(Self.frame(2)) == .queued)
        link.markDisconnected()
        channel.embeddedEventLoop.run()
        #expect(try Self.written(channel).isEmpty, "the write scheduled before the loss finds nothing")
        #expect(link.enqueue(Self.frame(3)) == .droppedNotConnected)
        let counters = link.counters
        #expect(counters.droppedConnectionLost == 2)
        #expect(counters.queuedFrames == 0)
        #expect(counters.connectionsEstablished == 1)
    }

    @Test func framesTakenForAClosedChannelAreCountedLost() throws {
        let (link, channel) = try Self.connectedLink()
        #expect(link.enqueue(Self.frame(1)) == .queued)
        _ = try channel.finish()
        link.write()
        #expect(link.counters.droppedConnectionLost == 1)
        #expect(link.counters.framesSent == 0)
    }

    @Test func aClosedLinkNeverConnectsAgain() {
        let link = Self.link()
        link.close()
        #expect(!link.markConnected())
        #expect(link.enqueue(Self.frame(1)) == .droppedNotConnected)
        #expect(link.isClosed)
    }
}
