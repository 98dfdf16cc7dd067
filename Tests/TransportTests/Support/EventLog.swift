import NIOConcurrencyHelpers
import Transport

/// Records every event of one transport so a test can wait for a particular one, whatever
/// happened before or after it.
final class EventLog: Sendable {
    private struct Waiter {
        let predicate: @Sendable (TransportEvent) -> Bool
        let continuation: CheckedContinuation<TransportEvent?, Never>
    }

    private struct State {
        var events: [TransportEvent] = []
        var waiters: [Int: Waiter] = [:]
        var nextWaiterID = 0
        var finished = false
    }

    private let state: NIOLockedValueBox<State>
    private let reader: Task<Void, Never>

    init(_ transport: Transport) {
        let state = NIOLockedValueBox(State())
        self.state = state
        self.reader = Task {
            for await event in transport.events {
                let ready = state.withLockedValue { state in
                    state.events.append(event)
                    let matching = state.waiters.filter { $0.value.predicate(event) }
                    for id in matching.keys { state.waiters.removeValue(forKey: id) }
                    return matching.values.map(\.continuation)
                }
                ready.forEach { $0.resume(returning: event) }
            }
            let waiting = state.withLockedValue { state in
                state.finished = true
                defer { state.waiters.removeAll() }
                return state.waiters.values.map(\.continuation)
            }
            waiting.forEach { $0.resume(returning: nil) }
        }
    }

    /// Every event so far.
    var events: [TransportEvent] {
        state.withLockedValue { $0.events }
    }

    /// The first event (already recorded or still to come) matching `predicate`, within the bound.
    @discardableResult
    func first(
        _ what: String,
        seconds: Double = stateWaitSeconds,
        where predicate: @escaping @Sendable (TransportEvent) -> Bool
    ) async throws -> TransportEvent {
        let event = try await withTimeout(seconds: seconds, what) { [state] in
            await Self.wait(state: state, predicate: predicate)
        }
        guard let event else { throw TimedOut(what: "\(what) (event stream ended)", seconds: seconds) }
        return event
    }

    /// Waits until this transport's outbound connection to `peer` is authenticated.
    func outboundConnected(to peer: UInt64) async throws {
        try await first("outbound connection to node \(peer)") { $0 == .connected(peer: peer, direction: .outbound) }
    }

    /// Waits for a refused inbound handshake with `reason`.
    @discardableResult
    func inboundRefused(_ reason: HandshakeFailure) async throws -> TransportEvent {
        try await first("inbound refusal \(reason.rawValue)") { event in
            guard case .handshakeFailed(_, .inbound, let actual, _) = event else { return false }
            return actual == reason
        }
    }

    private static func wait(
        state: NIOLockedValueBox<State>,
        predicate: @escaping @Sendable (TransportEvent) -> Bool
    ) async -> TransportEvent? {
        let id = state.withLockedValue { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<TransportEvent?, Never>) in
                let immediate: TransportEvent?? = state.withLockedValue { state in
                    if let event = state.events.first(where: predicate) { return .some(event) }
                    if state.finished || Task.isCancelled { return .some(nil) }
                    state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                    return .none
                }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLockedValue { $0.waiters.removeValue(forKey: id) }?.continuation.resume(returning: nil)
        }
    }
}
