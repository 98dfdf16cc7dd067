import NIOConcurrencyHelpers
import NIOCore

/// The frames received from all peers, waiting for the node core, bounded in frames and bytes.
///
/// Producers are the connections' event loops: a connection offers what one read decoded, the
/// queue takes what fits, and the connection keeps the rest and stops reading until the queue has
/// room again; TCP flow control then pushes back on the sender, whose own bounded queue drops.
/// Nothing here grows without bound, and no frame is handed between threads on the way in except
/// to its consumer.
///
/// One consumer takes frames in batches: either it registers an arrival handler and takes what
/// is there with ``receiveAvailable(maxFrames:)`` when called (a node loop, which drains its
/// inputs every turn), or it waits in ``receive(maxFrames:)``.
final class InboundQueue: Sendable {
    private struct Consumer {
        let continuation: CheckedContinuation<[InboundFrame], Never>
        let maxFrames: Int
    }

    private struct Received {
        var frames: UInt64 = 0
        var bytes: UInt64 = 0
    }

    /// What an offer did.
    enum Offer: Equatable {
        /// This many frames, from the front, are in the queue; the rest did not fit.
        case accepted(Int)
        /// The queue is finished: nothing is taken, now or later.
        case finished
    }

    private struct State {
        var frames = CircularBuffer<InboundFrame>()
        var bytes = 0
        var consumer: Consumer?
        var arrival: (@Sendable () -> Void)?
        var roomWaiters: [(sizeBytes: Int, ready: @Sendable () -> Void)] = []
        var finished = false
        var received: [UInt64: Received] = [:]
        var fullWaits: UInt64 = 0

        func hasRoom(forBytes sizeBytes: Int, framesMax: Int, bytesMax: Int) -> Bool {
            // An empty queue takes any frame, so a frame larger than the byte limit cannot stall.
            frames.isEmpty || (frames.count < framesMax && bytes + sizeBytes <= bytesMax)
        }

        mutating func take(_ maxFrames: Int) -> [InboundFrame] {
            let count = min(maxFrames, frames.count)
            var batch: [InboundFrame] = []
            batch.reserveCapacity(count)
            for _ in 0..<count {
                let frame = frames.removeFirst()
                bytes -= frame.payload.count
                batch.append(frame)
            }
            return batch
        }

        /// The producers waiting for room whose next frame now fits (all of them once finished).
        mutating func takeRoomWaiters(framesMax: Int, bytesMax: Int) -> [@Sendable () -> Void] {
            guard !roomWaiters.isEmpty else { return [] }
            var ready: [@Sendable () -> Void] = []
            var still: [(sizeBytes: Int, ready: @Sendable () -> Void)] = []
            for waiter in roomWaiters {
                if finished || hasRoom(forBytes: waiter.sizeBytes, framesMax: framesMax, bytesMax: bytesMax) {
                    ready.append(waiter.ready)
                } else {
                    still.append(waiter)
                }
            }
            roomWaiters = still
            return ready
        }
    }

    private let framesMax: Int
    private let bytesMax: Int
    private let state = NIOLockedValueBox(State())

    init(framesMax: Int, bytesMax: Int) {
        precondition(framesMax >= 1 && bytesMax >= 1)
        self.framesMax = framesMax
        self.bytesMax = bytesMax
    }

    /// Called, outside any lock, every time frames are added, until the queue is finished; the
    /// consumer then takes them with ``receiveAvailable(maxFrames:)``. Replaces any earlier one.
    func setArrivalHandler(_ handler: @escaping @Sendable () -> Void) {
        state.withLockedValue { $0.arrival = handler }
    }

    /// Adds frames from the front of `frames` while they fit, oldest first, and never waits.
    /// When not all fit, the producer keeps the rest and asks ``whenRoom(forBytes:_:)`` to be told.
    func offer(_ frames: ArraySlice<InboundFrame>) -> Offer {
        let (offer, consumer, batch, arrival): (Offer, Consumer?, [InboundFrame], (@Sendable () -> Void)?) =
            state.withLockedValue { state in
                if state.finished { return (.finished, nil, [], nil) }
                var accepted = 0
                for frame in frames {
                    let sizeBytes = frame.payload.count
                    guard state.hasRoom(forBytes: sizeBytes, framesMax: framesMax, bytesMax: bytesMax) else { break }
                    state.frames.append(frame)
                    state.bytes += sizeBytes
                    state.received[frame.from, default: Received()].frames += 1
                    state.received[frame.from, default: Received()].bytes += UInt64(sizeBytes)
                    accepted += 1
                }
                guard accepted > 0 else { return (.accepted(0), nil, [], nil) }
                guard let consumer = state.consumer else { return (.accepted(accepted), nil, [], state.arrival) }
                state.consumer = nil
                return (.accepted(accepted), consumer, state.take(consumer.maxFrames), state.arrival)
            }
        consumer?.continuation.resume(returning: batch)
        arrival?()
        return offer
    }

    /// Calls `ready`, outside any lock, once a frame of `sizeBytes` fits or the queue is
    /// finished: at once if it already does.
    func whenRoom(forBytes sizeBytes: Int, _ ready: @escaping @Sendable () -> Void) {
        let now = state.withLockedValue { state in
            if state.finished || state.hasRoom(forBytes: sizeBytes, framesMax: framesMax, bytesMax: bytesMax) { return true }
            state.fullWaits += 1
            state.roomWaiters.append((sizeBytes, ready))
            return false
        }
        if now { ready() }
    }

    /// Waits until at least one frame is queued, then takes up to `maxFrames`, oldest first.
    /// Returns an empty array once the queue is finished or the waiting task is cancelled.
    func receive(maxFrames: Int) async -> [InboundFrame] {
        precondition(maxFrames >= 1, "receive at least one frame")
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[InboundFrame], Never>) in
                let (immediate, producers): ([InboundFrame]?, [@Sendable () -> Void]) =
                    state.withLockedValue { state in
                        if !state.frames.isEmpty {
                            let batch = state.take(maxFrames)
                            return (batch, state.takeRoomWaiters(framesMax: framesMax, bytesMax: bytesMax))
                        }
                        if state.finished || Task.isCancelled {
                            return ([], [])
                        }
                        precondition(state.consumer == nil, "a single task receives from the transport")
                        state.consumer = Consumer(continuation: continuation, maxFrames: maxFrames)
                        return (nil, [])
                    }
                if let immediate { continuation.resume(returning: immediate) }
                producers.forEach { $0() }
            }
        } onCancel: {
            let consumer = state.withLockedValue { state in
                let consumer = state.consumer
                state.consumer = nil
                return consumer
            }
            consumer?.continuation.resume(returning: [])
        }
    }

    /// Takes up to `maxFrames` queued frames without waiting; empty when none are queued.
    func receiveAvailable(maxFrames: Int) -> [InboundFrame] {
        precondition(maxFrames >= 1, "receive at least one frame")
        let (batch, producers) = state.withLockedValue { state in
            let batch = state.take(maxFrames)
            return (batch, state.takeRoomWaiters(framesMax: framesMax, bytesMax: bytesMax))
        }
        producers.forEach { $0() }
        return batch
    }

    /// Refuses further frames and wakes every waiter; frames already queued can still be taken
    /// with ``receiveAvailable(maxFrames:)``.
    func finish() {
        let (consumer, producers) = state.withLockedValue { state in
            state.finished = true
            state.arrival = nil
            let consumer = state.consumer
            state.consumer = nil
            return (consumer, state.takeRoomWaiters(framesMax: framesMax, bytesMax: bytesMax))
        }
        consumer?.continuation.resume(returning: [])
        producers.forEach { $0() }
    }

    /// Copies the received counters and the queue gauges into a snapshot.
    func fill(_ snapshot: inout TransportCounters) {
        let (received, fullWaits, frames, bytes) = state.withLockedValue { state in
            (state.received, state.fullWaits, state.frames.count, state.bytes)
        }
        for (nodeID, counts) in received {
            snapshot.peers[nodeID, default: PeerCounters()].framesReceived = counts.frames
            snapshot.peers[nodeID, default: PeerCounters()].bytesReceived = counts.bytes
        }
        snapshot.inboundQueueFullWaits = fullWaits
        snapshot.inboundQueuedFrames = UInt64(frames)
        snapshot.inboundQueuedBytes = UInt64(bytes)
    }
}
