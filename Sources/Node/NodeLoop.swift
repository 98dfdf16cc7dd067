import Foundation
import NodeCore
import Raft
import Transport

/// The one thread that owns a `NodeCore`: it takes inputs (client requests, status queries) from
/// its inbox and frames from peers straight from the transport's inbound queue, ticks the core on
/// the wall clock, and runs turns while the core has work. While a turn waits for its fsync, new
/// inputs pile up and the next turn takes them all at once: that is the group commit.
///
/// `@unchecked Sendable`: every mutable field shared between threads (`inbox`, `framesWaiting`,
/// `running`) is read and written only while `condition` is locked; the core, the continuations
/// and the tick schedule are touched only by the loop thread.
final class NodeLoop: @unchecked Sendable {
    enum Input {
        case request(ClientRequest, CheckedContinuation<ClientResult, Never>, isWrite: Bool)
        case status(CheckedContinuation<[GroupStatus], Never>)
        case createGroups([GroupDescriptor])
        /// Work that needs the core to itself between two turns (a backup's checkpoint).
        case exclusive(run: @Sendable (NodeCore) -> Void, cancel: @Sendable () -> Void)
    }

    /// Inputs waiting beyond this are refused: the HTTP layer answers 503 instead of the queue
    /// growing without bound.
    static let inboxLengthMax = 50_000

    private let condition = NSCondition()
    private var inbox: [Input] = []
    /// Frames arrived in the transport since the loop last took them.
    private var framesWaiting = false
    /// Takes up to this many frames that arrived, without waiting.
    private let takeFrames: @Sendable (Int) -> [InboundFrame]
    private var running = true
    private var thread: Thread?
    private let tickMs: UInt64
    private let metrics: NodeMetrics?
    private let onFatal: @Sendable (String) -> Void
    private let finished = DispatchSemaphore(value: 0)
    /// Called on the loop thread after every turn (observation only: it must not decide anything).
    private let afterTurn: (@Sendable (NodeCore) -> Void)?

    /// - Parameter takeFrames: takes up to the given number of frames that arrived from peers,
    ///   without waiting; the transport calls ``framesArrived()`` when there are more.
    init(
        tickMs: UInt64, metrics: NodeMetrics?, takeFrames: @escaping @Sendable (Int) -> [InboundFrame],
        afterTurn: (@Sendable (NodeCore) -> Void)? = nil, onFatal: @escaping @Sendable (String) -> Void
    ) {
        self.tickMs = tickMs
        self.takeFrames = takeFrames
        self.metrics = metrics
        self.afterTurn = afterTurn
        self.onFatal = onFatal
    }

    /// Starts the loop thread. `makeCore` runs on it, so the core never crosses threads.
    func start(makeCore: @escaping @Sendable () throws -> NodeCore) {
        let thread = Thread { [self] in
            do {
                let core = try makeCore()
                run(core)
            } catch {
                onFatal("node core failed to start: \(error)")
            }
            finished.signal()
        }
        thread.name = "sijil-node-loop"
        thread.stackSize = 8 << 20
        self.thread = thread
        thread.start()
    }

    /// Queues an input; false when the inbox is full or the loop stopped.
    @discardableResult
    func enqueue(_ input: Input) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard running, inbox.count < Self.inboxLengthMax else { return false }
        inbox.append(input)
        condition.signal()
        return true
    }

    /// Frames from peers are waiting: wakes the loop if it sleeps. Called on a transport thread.
    func framesArrived() {
        condition.lock()
        framesWaiting = true
        condition.signal()
        condition.unlock()
    }

    /// Submits a request and waits for its answer.
    func submit(_ request: ClientRequest) async -> ClientResult {
        let isWrite: Bool
        if case .write = request { isWrite = true } else { isWrite = false }
        return await withCheckedContinuation { continuation in
            if !enqueue(.request(request, continuation, isWrite: isWrite)) {
                continuation.resume(returning: .failed(.overloaded("node inbox full or stopping")))
            }
        }
    }

    /// Runs `body` on the loop thread between two turns and returns what it returns; nil when
    /// the loop is stopping or its inbox is full.
    func exclusive<T: Sendable>(_ body: @escaping @Sendable (NodeCore) -> T) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let run: @Sendable (NodeCore) -> Void = { core in continuation.resume(returning: body(core)) }
            if !enqueue(.exclusive(run: run, cancel: { continuation.resume(returning: nil) })) {
                continuation.resume(returning: nil)
            }
        }
    }

    func status() async -> [GroupStatus] {
        await withCheckedContinuation { continuation in
            if !enqueue(.status(continuation)) { continuation.resume(returning: []) }
        }
    }

    /// Stops the loop after its current turn and waits for the thread to end.
    func stop() {
        condition.lock()
        running = false
        condition.signal()
        condition.unlock()
        if thread != nil { finished.wait() }
    }

    private func takeInputs(waitUntil deadline: Date?) -> (inputs: [Input], running: Bool) {
        condition.lock()
        defer { condition.unlock() }
        if let deadline {
            while inbox.isEmpty && !framesWaiting && running && Date() < deadline { _ = condition.wait(until: deadline) }
        }
        let taken = inbox
        inbox = []
        framesWaiting = false
        return (taken, running)
    }

    private func run(_ core: NodeCore) {
        var waiting: [ClientTicket: (continuation: CheckedContinuation<ClientResult, Never>, started: ContinuousClock.Instant, isWrite: Bool)] = [:]
        var nextTicket: ClientTicket = 1
        var nextTick = Date().addingTimeInterval(Double(tickMs) / 1000)
        var isRunning = true

        func feed(_ inputs: [Input]) {
            // Frames first: they are taken after the flag that announced them was cleared, so
            // none that arrived before this point is left waiting for the next wake-up; and
            // until a take comes back short, so none is left however large the queue is.
            while true {
                let frames = takeFrames(Self.framesPerTakeMax)
                for frame in frames { core.receive(from: frame.from, frame: frame.payload) }
                if frames.count < Self.framesPerTakeMax { break }
            }
            for input in inputs {
                switch input {
                case .request(let request, let continuation, let isWrite):
                    let ticket = nextTicket
                    nextTicket += 1
                    waiting[ticket] = (continuation, .now, isWrite)
                    core.submit(ticket, request, nowMs: Self.wallClockMs())
                case .status(let continuation):
                    let statuses = core.groupIDs.map { GroupStatus(core: core, group: $0) }
                    metrics?.updateGroups(statuses)
                    continuation.resume(returning: statuses)
                case .createGroups(let descriptors):
                    for descriptor in descriptors {
                        do { try core.createGroup(descriptor) } catch { onFatal("creating group \(descriptor.id): \(error)") }
                    }
                case .exclusive(let run, _):
                    run(core)
                }
            }
        }

        while isRunning {
            let (inputs, stillRunning) = takeInputs(waitUntil: nextTick)
            isRunning = stillRunning
            feed(inputs)
            if Date() >= nextTick {
                core.tick(nowMs: Self.wallClockMs())
                // Never let ticks pile up after a stall: the next one is a full tick away.
                nextTick = max(nextTick.addingTimeInterval(Double(tickMs) / 1000), Date())
            }
            while core.hasWork {
                let started = ContinuousClock.now
                do {
                    // Answers go out as soon as the turn has them, not at its end.
                    try core.runTurn { responses in
                        for response in responses {
                            guard let pending = waiting.removeValue(forKey: response.ticket) else { continue }
                            metrics?.recordAnswer(response.result, isWrite: pending.isWrite, latency: ContinuousClock.now - pending.started)
                            pending.continuation.resume(returning: response.result)
                        }
                    }
                } catch {
                    // A failed durable write: the page cache may have dropped the data, so the
                    // only safe move is to stop and recover from disk (never retry an fsync).
                    onFatal("durable write failed: \(error)")
                    return
                }
                metrics?.recordTurn(ContinuousClock.now - started)
                afterTurn?(core)
                // Take what arrived during the turn, so the next turn batches it.
                let more = takeInputs(waitUntil: nil)
                feed(more.inputs)
                if !more.running { isRunning = false }
            }
        }
        for pending in waiting.values { pending.continuation.resume(returning: .failed(.overloaded("node stopping"))) }
        let leftovers = takeInputs(waitUntil: nil).inputs
        for input in leftovers {
            switch input {
            case .request(_, let continuation, _): continuation.resume(returning: .failed(.overloaded("node stopping")))
            case .status(let continuation): continuation.resume(returning: [])
            case .createGroups: break
            case .exclusive(_, let cancel): cancel()
            }
        }
    }

    /// Frames taken from the transport at once, the default bound of its inbound queue (with the
    /// defaults, one take empties it).
    static let framesPerTakeMax = TransportLimits.inboundQueueFramesMaxDefault

    static func wallClockMs() -> UInt64 { UInt64(Date().timeIntervalSince1970 * 1000) }
}
