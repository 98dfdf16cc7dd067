import NIOConcurrencyHelpers
import NIOCore

/// The sending side of one peer: a bounded queue of frames, the state of the single outbound
/// connection that drains it, and the peer's outbound counters.
///
/// `send` appends without blocking and, when no write is pending, asks the connection's event
/// loop to write: there the link takes everything queued in one batch and writes it with a single
/// flush, so a frame crosses threads once, from its sender to the event loop. While the
/// connection is not writable (the peer reads slowly) nothing is taken, the queue fills and sends
/// drop. Frames are admitted only while a connection is authenticated, so a peer that is down
/// costs no memory.
final class PeerLink: Sendable {
    enum Phase: Equatable {
        case disconnected
        case connected
        /// The peer was removed or the transport shut down; the link never connects again.
        case closed
    }

    /// Frames taken from the queue together, to be written with one flush.
    struct Batch {
        var frames: [ByteBuffer]
        var bytes: Int
    }

    private struct State {
        var phase: Phase = .disconnected
        var queue = CircularBuffer<ByteBuffer>()
        var queuedBytes = 0
        /// A write is asked of the event loop and has not run yet.
        var writeScheduled = false
        var channel: Channel?
        var counters = PeerCounters()

        mutating func takeBatch() -> Batch {
            let batch = Batch(frames: Array(queue), bytes: queuedBytes)
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
            return batch
        }

        /// Drops what is queued, counting it as lost with the connection.
        mutating func dropQueue() {
            counters.droppedConnectionLost += UInt64(queue.count)
            queue.removeAll()
            queuedBytes = 0
        }
    }

    let nodeID: UInt64
    let address: PeerAddress
    private let framesMax: Int
    private let bytesMax: Int
    private let state = NIOLockedValueBox(State())

    init(nodeID: UInt64, address: PeerAddress, limits: TransportLimits) {
        self.nodeID = nodeID
        self.address = address
        self.framesMax = limits.outboundQueueFramesMax
        self.bytesMax = limits.outboundQueueBytesMax
    }

    /// Queues a frame if a connection is up and the queue has room; never waits.
    func enqueue(_ frame: ByteBuffer) -> SendResult {
        let sizeBytes = frame.readableBytes
        let (result, writeOn): (SendResult, Channel?) = state.withLockedValue { state in
            guard sizeBytes <= FrameFormat.frameSizeBytesMax else {
                state.counters.droppedFrameTooLarge += 1
                return (.droppedFrameTooLarge, nil)
            }
            guard state.phase == .connected else {
                state.counters.droppedNotConnected += 1
                return (.droppedNotConnected, nil)
            }
            guard state.queue.count < framesMax, state.queuedBytes + sizeBytes <= bytesMax else {
                state.counters.droppedQueueFull += 1
                return (.droppedQueueFull, nil)
            }
            state.queue.append(frame)
            state.queuedBytes += sizeBytes
            guard !state.writeScheduled, let channel = state.channel else { return (.queued, nil) }
            state.writeScheduled = true
            return (.queued, channel)
        }
        if let channel = writeOn {
            channel.eventLoop.execute { self.write() }
        }
        return result
    }

    /// On the connection's event loop: writes everything queued with one flush, unless the
    /// connection is not writable (``OutboundWritability`` calls again once it is).
    func write() {
        let step: (Channel, Batch)? = state.withLockedValue { state in
            state.writeScheduled = false
            guard state.phase == .connected, let channel = state.channel, channel.isWritable, !state.queue.isEmpty else {
                return nil
            }
            return (channel, state.takeBatch())
        }
        guard let (channel, batch) = step else { return }
        guard channel.isActive else {
            recordLost(batch)
            return
        }
        for buffer in FrameFormat.encode(batch.frames, allocator: channel.allocator) {
            channel.write(buffer, promise: nil)
        }
        channel.flush()
        recordWritten(batch)
    }

    /// Remembers the channel being dialled so ``close()`` can close it; false when the link is
    /// already closed and the caller must not use the channel.
    func attach(_ channel: Channel) -> Bool {
        state.withLockedValue { state in
            guard state.phase != .closed else { return false }
            state.channel = channel
            return true
        }
    }

    /// Forgets `channel` once it has closed.
    func detach(_ channel: Channel) {
        state.withLockedValue { state in
            if state.channel === channel {
                state.channel = nil
            }
        }
    }

    /// The connection is authenticated: frames are admitted from now on. False when closed.
    func markConnected() -> Bool {
        state.withLockedValue { state in
            guard state.phase != .closed else { return false }
            precondition(state.phase == .disconnected, "one outbound connection per peer")
            state.phase = .connected
            state.counters.connectionsEstablished += 1
            return true
        }
    }

    /// The connection is gone: refuse frames and drop the queue.
    func markDisconnected() {
        state.withLockedValue { state in
            if state.phase == .connected {
                state.phase = .disconnected
            }
            state.dropQueue()
        }
    }

    /// Closes the link for good: refuse frames, drop the queue, close the channel.
    func close() {
        let channel = state.withLockedValue { state in
            state.phase = .closed
            let channel = state.channel
            state.channel = nil
            state.dropQueue()
            return channel
        }
        channel?.close(promise: nil)
    }

    var isClosed: Bool {
        state.withLockedValue { $0.phase == .closed }
    }

    var phase: Phase {
        state.withLockedValue { $0.phase }
    }

    /// A batch was written and flushed.
    func recordWritten(_ batch: Batch) {
        state.withLockedValue { state in
            state.counters.framesSent += UInt64(batch.frames.count)
            state.counters.bytesSent += UInt64(batch.bytes)
            state.counters.flushes += 1
        }
    }

    /// A batch was taken from the queue but its write failed with the connection.
    func recordLost(_ batch: Batch) {
        state.withLockedValue { $0.counters.droppedConnectionLost += UInt64(batch.frames.count) }
    }

    func recordReconnectAttempt() {
        state.withLockedValue { $0.counters.reconnectAttempts += 1 }
    }

    /// The outbound counters, with the queue gauges filled in.
    var counters: PeerCounters {
        state.withLockedValue { state in
            var counters = state.counters
            counters.queuedFrames = UInt64(state.queue.count)
            counters.queuedBytes = UInt64(state.queuedBytes)
            return counters
        }
    }
}
