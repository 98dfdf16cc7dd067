import NIOCore
import NIOEmbedded
import Testing
@testable import Transport

/// The decoder on its own, fed by hand through an embedded channel.
@Suite struct FrameDecoderTests {
    static func channel(frameSizeBytesMax: Int = 16) throws -> EmbeddedChannel {
        EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(frameSizeBytesMax: frameSizeBytesMax)))
    }

    static func frames(_ channel: EmbeddedChannel) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try channel.readInbound(as: ByteBuffer.self) {
            frames.append(Array(frame.readableBytesView))
        }
        return frames
    }

    @Test func manyFramesInOneReadAreAllDelivered() throws {
        let channel = try Self.channel()
        var buffer = ByteBuffer()
        for payload: [UInt8] in [[1], [2, 2], [], [3, 3, 3]] {
            buffer.writeImmutableBuffer(RawPeer.frame(payload))
        }
        try channel.writeInbound(buffer)
        #expect(try Self.frames(channel) == [[1], [2, 2], [], [3, 3, 3]])
        #expect(try channel.finish().isClean)
    }

    @Test func aFrameSplitByteByByteIsDeliveredOnceComplete() throws {
        let channel = try Self.channel()
        let wire = RawPeer.frame([9, 8, 7, 6, 5])
        for (index, byte) in wire.readableBytesView.enumerated() {
            try channel.writeInbound(ByteBuffer(bytes: [byte]))
            let delivered = try Self.frames(channel)
            #expect(delivered == (index == wire.readableBytes - 1 ? [[9, 8, 7, 6, 5]] : []))
        }
        #expect(try channel.finish().isClean)
    }

    @Test func aFrameOfExactlyTheMaximumSizeIsDelivered() throws {
        let channel = try Self.channel(frameSizeBytesMax: 16)
        let payload = [UInt8](repeating: 0xAB, count: 16)
        try channel.writeInbound(RawPeer.frame(payload))
        #expect(try Self.frames(channel) == [payload])
    }

    @Test func aLengthBeyondTheMaximumIsRefusedBeforeAnyPayloadArrives() throws {
        let channel = try Self.channel(frameSizeBytesMax: 16)
        #expect(throws: FrameTooLargeError(lengthBytes: 17, frameSizeBytesMax: 16)) {
            try channel.writeInbound(RawPeer.lengthPrefix(17))
        }
        #expect(try Self.frames(channel).isEmpty)
    }

    @Test func theProductionCapIsSixteenMebibytes() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        #expect(throws: FrameTooLargeError(lengthBytes: 16 * 1024 * 1024 + 1, frameSizeBytesMax: FrameFormat.frameSizeBytesMax)) {
            try channel.writeInbound(RawPeer.lengthPrefix(UInt32(16 * 1024 * 1024 + 1)))
        }
        let maximum = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        try maximum.writeInbound(RawPeer.lengthPrefix(UInt32(FrameFormat.frameSizeBytesMax)))
        #expect(try Self.frames(maximum).isEmpty, "a maximum length waits for its payload")
    }

    @Test func anOversizeLengthClosesTheConnectionAndIsCounted() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: TransportEvent.self)
        let observer = TransportObserver(logger: TestNodes.logger, continuation: continuation)
        let channel = EmbeddedChannel()
        let authenticated = channel.eventLoop.makePromise(of: UInt64.self)
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
        try channel.pipeline.syncOperations.addHandler(
            ConnectionAuthenticator(
                localNodeID: 1,
                role: .acceptor(isPeer: { _ in true }),
                timeout: .seconds(5),
                observer: observer,
                authenticated: authenticated
            )
        )
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
        #expect(channel.isActive)

        let length = UInt64(FrameFormat.frameSizeBytesMax) + 1
        try channel.writeInbound(RawPeer.lengthPrefix(UInt32(length)))

        #expect(!channel.isActive)
        await #expect(throws: TransportError.handshakeFailed(.malformedHello)) {
            try await authenticated.futureResult.get()
        }
        var counters = TransportCounters()
        observer.fill(&counters)
        #expect(counters.oversizeFramesReceived == 1)
        #expect(counters.handshakeFailures == [.malformedHello: 1])
        continuation.finish()
        var reported: [TransportEvent] = []
        for await event in events { reported.append(event) }
        #expect(reported.first == .frameTooLarge(peer: nil, direction: .inbound, lengthBytes: length))
        #expect(reported.count == 2)
    }

    @Test func encodedBatchesDecodeToTheSameFramesInOrderWhateverTheReadSizes() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var generator = SeededGenerator(seed: seed)
        let sizes = [0, 1, 100, FrameFormat.coalescedFrameSizeBytesMax, FrameFormat.coalescedFrameSizeBytesMax + 1, 200_000]
        let frames: [[UInt8]] = (0..<60).map { index in
            let size = sizes.randomElement(using: &generator)!
            return (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) }
        }
        let buffers = FrameFormat.encode(frames.map { ByteBuffer(bytes: $0) }, allocator: ByteBufferAllocator())
        var wire = ByteBuffer()
        for buffer in buffers { wire.writeImmutableBuffer(buffer) }
        #expect(wire.readableBytes == frames.reduce(0) { $0 + 4 + $1.count }, "seed \(seed)")

        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        while wire.readableBytes > 0 {
            let chunk = Int.random(in: 1...70_000, using: &generator)
            try channel.writeInbound(wire.readSlice(length: min(chunk, wire.readableBytes))!)
        }
        #expect(try Self.frames(channel) == frames, "seed \(seed)")
    }

    @Test func largeFramesAreWrittenWithoutCopyingAndSmallOnesShareABuffer() {
        let small = ByteBuffer(bytes: [1, 2, 3])
        let large = ByteBuffer(repeating: 7, count: FrameFormat.coalescedFrameSizeBytesMax + 1)
        let buffers = FrameFormat.encode([small, small, large, small], allocator: ByteBufferAllocator())
        #expect(buffers.count == 3)
        // Two small frames with their prefixes, then the large frame's prefix.
        #expect(buffers[0].readableBytes == 2 * (4 + 3) + 4)
        #expect(buffers[1] == large)
        #expect(buffers[2].readableBytes == 4 + 3)
    }
}
