import NIOConcurrencyHelpers
import NIOCore

/// The frames received from all peers, waiting for the node core, bounded in frames and bytes.
///
/// One consumer takes frames in batches (one lock and at most one wake-up per batch, which suits
/// a node loop that drains its inbox every turn). Producers are the connections' reader tasks:
/// when the queue is full a reader waits, its connection stops being read, and TCP flow control
/// pushes back on the sender, whose own bounded queue then drops. Nothing here grows without bound.
final class InboundQueue: Sendable {
    private struct Consumer {
        let continuation: CheckedContinuation<[InboundFrame], Never>
        let maxFrames: Int
    }

    private struct Received {
        var frames: UInt64 = 0
        var bytes: UInt64 = 0
    }

    private enum PushStep {
        case pushed(wake: Consumer?, batch: [InboundFrame], producers: [CheckedContinuation<Void, Never>])
        case finished
        case full(waiterID: UInt64)
    }

    private struct State {
        var frames = CircularBuffer<InboundFrame>()
        var bytes = 0
        var consumer: Consumer?
        var producers: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextProducerID: UInt64 = 0
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

        mutating func takeProducers() -> [CheckedContinuation<Void, Never>] {
            let waiting = Array(producers.values)
            producers.removeAll()
            return waiting
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

    /// Appends a frame, waiting while the queue is full. False when the queue is finished or the
    /// waiting task is cancelled; the frame is then not delivered.
    func push(_ frame: InboundFrame) async -> Bool {
        let sizeBytes = frame.payload.count
        while true {
            let step: PushStep = state.withLockedValue { state in
                if state.finished { return .finished }
                guard state.hasRoom(forBytes: sizeBytes, framesMax: framesMax, bytesMax: bytesMax) else {
                    state.fullWaits += 1
                    state.nextProducerID += 1
                    return .full(waiterID: state.nextProducerID)
                }
                state.frames.append(frame)
                state.bytes += sizeBytes
                state.received[frame.from, default: Received()].frames += 1
                state.received[frame.from, default: Received()].bytes += UInt64(sizeBytes)
                guard let consumer = state.consumer else { return .pushed(wake: nil, batch: [], producers: []) }
                state.consumer = nil
                let batch = state.take(consumer.maxFrames)
                return .pushed(wake: consumer, batch: batch, producers: state.takeProducers())
            }
            switch step {
            case .finished:
                return false
            case .pushed(let consumer, let batch, let producers):
                consumer?.continuation.resume(returning: batch)
                producers.forEach { $0.resume() }
                return true
            case .full(let waiterID):
                await waitForRoom(waiterID: waiterID, sizeBytes: sizeBytes)
                if Task.isCancelled { return false }
            }
        }
    }

    private func waitForRoom(waiterID: UInt64, sizeBytes: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state in
                    if state.finished || Task.isCancelled
                        || state.hasRoom(forBytes: sizeBytes, framesMax: framesMax, bytesMax: bytesMax)
                    {
                        return true
                    }
                    state.producers[waiterID] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLockedValue { $0.producers.removeValue(forKey: waiterID) }?.resume()
        }
    }

    /// Waits until at least one frame is queued, then takes up to `maxFrames`, oldest first.
    /// Returns an empty array once the queue is finished or the waiting task is cancelled.
    func receive(maxFrames: Int) async -> [InboundFrame] {
        precondition(maxFrames >= 1, "receive at least one frame")
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[InboundFrame], Never>) in
                let (immediate, producers): ([InboundFrame]?, [CheckedContinuation<Void, Never>]) =
                    state.withLockedValue { state in
                        if !state.frames.isEmpty {
                            return (state.take(maxFrames), state.takeProducers())
                        }
                        if state.finished || Task.isCancelled {
                            return ([], [])
                        }
                        precondition(state.consumer == nil, "a single task receives from the transport")
                        state.consumer = Consumer(continuation: continuation, maxFrames: maxFrames)
                        return (nil, [])
                    }
                if let immediate { continuation.resume(returning: immediate) }
                producers.forEach { $0.resume() }
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
            (state.take(maxFrames), state.takeProducers())
        }
        producers.forEach { $0.resume() }
        return batch
    }

    /// Refuses further frames and wakes every waiter; frames already queued can still be taken
    /// with ``receiveAvailable(maxFrames:)``.
    func finish() {
        let (consumer, producers) = state.withLockedValue { state in
            state.finished = true
            let consumer = state.consumer
            state.consumer = nil
            return (consumer, state.takeProducers())
        }
        consumer?.continuation.resume(returning: [])
        producers.forEach { $0.resume() }
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
