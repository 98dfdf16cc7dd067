import NIOConcurrencyHelpers
import NIOCore

/// Every accepted connection that is still open: bounds how many may be handshaking at once,
/// keeps one authenticated connection per peer, and closes them all on shutdown.
final class InboundConnections: Sendable {
    enum Admission: Equatable {
        case admitted
        case refusedTooManyPending
        case refusedShutDown
    }

    private struct State {
        var open: [ObjectIdentifier: Channel] = [:]
        var pending: Set<ObjectIdentifier> = []
        var authenticatedByPeer: [UInt64: ObjectIdentifier] = [:]
        var isShutDown = false
    }

    private let pendingMax: Int
    private let state = NIOLockedValueBox(State())

    init(pendingMax: Int) {
        precondition(pendingMax >= 1)
        self.pendingMax = pendingMax
    }

    /// Registers a freshly accepted connection as handshaking, unless too many already are.
    func admit(_ channel: Channel) -> Admission {
        let id = ObjectIdentifier(channel)
        return state.withLockedValue { state in
            guard !state.isShutDown else { return .refusedShutDown }
            guard state.pending.count < pendingMax else { return .refusedTooManyPending }
            state.open[id] = channel
            state.pending.insert(id)
            return .admitted
        }
    }

    /// The connection's handshake ended, successfully or not: it no longer holds a pending slot.
    func handshakeEnded(_ channel: Channel) {
        _ = state.withLockedValue { $0.pending.remove(ObjectIdentifier(channel)) }
    }

    /// The connection is authenticated as `peer`; returns the peer's previous connection, which
    /// the caller closes: a peer redials only when it has given up on its old connection.
    func authenticated(_ channel: Channel, peer: UInt64) -> Channel? {
        let id = ObjectIdentifier(channel)
        return state.withLockedValue { state in
            let previous = state.authenticatedByPeer[peer].flatMap { state.open[$0] }
            state.authenticatedByPeer[peer] = id
            return previous === channel ? nil : previous
        }
    }

    /// The connection closed.
    func remove(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        state.withLockedValue { state in
            state.open.removeValue(forKey: id)
            state.pending.remove(id)
            for (peer, current) in state.authenticatedByPeer where current == id {
                state.authenticatedByPeer.removeValue(forKey: peer)
            }
        }
    }

    /// The authenticated connection of a peer that is no longer in the peer list, if any.
    func connection(from peer: UInt64) -> Channel? {
        state.withLockedValue { state in
            state.authenticatedByPeer[peer].flatMap { state.open[$0] }
        }
    }

    /// Refuses new connections and returns every open one for closing.
    func shutDown() -> [Channel] {
        state.withLockedValue { state in
            state.isShutDown = true
            return Array(state.open.values)
        }
    }
}
