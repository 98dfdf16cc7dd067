import NIOConcurrencyHelpers
import NIOCore

/// The sending side of one peer: a bounded queue of frames, the state of the single outbound
/// connection that drains it, and the peer's outbound counters.
///
/// `send` appends without blocking; one writer task per link takes everything queued in one
/// batch and writes it with a single flush. Frames are admitted only while a connection is
/// authenticated, so a peer that is down costs no memory.
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

    private enum Wait {
        case ready(Batch?)
        case suspended
    }

    private struct State {
        var phase: Phase = .disconnected
        var queue = CircularBuffer<ByteBuffer>()
        var queuedBytes = 0
        var writer: CheckedContinuation<Batch?, Never>?
        var writerCancelled = false
        var channel: Channel?
        var counters = PeerCounters()

        mutating func takeBatch() -> Batch {
            let batch = Batch(frames: Array(queue), bytes: queuedBytes)
            queue.removeAll(keepingCapacity: true)
            queuedBytes = 0
            return batch
        }

        /// Drops what is queued, counting it as lost with the connection, and hands the writer
        /// its signal to stop.
        mutating func dropQueue() -> CheckedContinuation<Batch?, Never>? {
            counters.droppedConnectionLost += UInt64(queue.count)
            queue.removeAll()
            queuedBytes = 0
            let writer = self.writer
            self.writer = nil
            return writer
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
        let (result, wake): (SendResult, (CheckedContinuation<Batch?, Never>, Batch)?) = state.withLockedValue {
            state in
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
            guard let writer = state.writer else { return (.queued, nil) }
            state.writer = nil
            return (.queued, (writer, state.takeBatch()))
        }
        if let (writer, batch) = wake {
            writer.resume(returning: batch)
        }
        return result
    }

    /// Waits until frames are queued and takes them all; nil when the connection is gone or the
    /// waiting task is cancelled. Only the link's single writer task calls this.
    func nextBatch() async -> Batch? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Batch?, Never>) in
                let wait: Wait = state.withLockedValue { state in
                    if state.phase != .connected || state.writerCancelled {
                        return .ready(nil)
                    }
                    if !state.queue.isEmpty {
                        return .ready(state.takeBatch())
                    }
                    precondition(state.writer == nil, "a peer link has a single writer")
                    state.writer = continuation
                    return .suspended
                }
                if case .ready(let batch) = wait {
                    continuation.resume(returning: batch)
                }
            }
        } onCancel: {
            let writer = state.withLockedValue { state in
                state.writerCancelled = true
                let writer = state.writer
                state.writer = nil
                return writer
            }
            writer?.resume(returning: nil)
        }
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
            state.writerCancelled = false
            state.counters.connectionsEstablished += 1
            return true
        }
    }

    /// The connection is gone: refuse frames, drop the queue and stop the writer.
    func markDisconnected() {
        let writer = state.withLockedValue { state -> CheckedContinuation<Batch?, Never>? in
            if state.phase == .connected {
                state.phase = .disconnected
            }
            return state.dropQueue()
        }
        writer?.resume(returning: nil)
    }

    /// Closes the link for good: refuse frames, drop the queue, stop the writer, close the channel.
    func close() {
        let (writer, channel) = state.withLockedValue { state in
            state.phase = .closed
            let channel = state.channel
            state.channel = nil
            return (state.dropQueue(), channel)
        }
        writer?.resume(returning: nil)
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
