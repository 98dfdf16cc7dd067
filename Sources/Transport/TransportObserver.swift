import Logging
import NIOConcurrencyHelpers

/// Where connections report what happened to them: the log, the event stream and the counters
/// that belong to no single peer's queue.
final class TransportObserver: Sendable {
    private struct Counters {
        var droppedUnknownPeer: UInt64 = 0
        var handshakeFailures: [HandshakeFailure: UInt64] = [:]
        var oversizeFramesReceived: UInt64 = 0
    }

    let logger: Logger
    private let continuation: AsyncStream<TransportEvent>.Continuation
    private let counters = NIOLockedValueBox(Counters())

    init(logger: Logger, continuation: AsyncStream<TransportEvent>.Continuation) {
        self.logger = logger
        self.continuation = continuation
    }

    func connected(peer: UInt64, direction: ConnectionDirection) {
        logger.info(
            "peer connected",
            metadata: ["peer": "\(peer)", "direction": "\(direction.rawValue)"]
        )
        continuation.yield(.connected(peer: peer, direction: direction))
    }

    func disconnected(peer: UInt64, direction: ConnectionDirection) {
        logger.info(
            "peer disconnected",
            metadata: ["peer": "\(peer)", "direction": "\(direction.rawValue)"]
        )
        continuation.yield(.disconnected(peer: peer, direction: direction))
    }

    func handshakeFailed(peer: UInt64?, direction: ConnectionDirection, reason: HandshakeFailure, detail: String) {
        counters.withLockedValue { $0.handshakeFailures[reason, default: 0] += 1 }
        logger.warning(
            "connection refused during handshake",
            metadata: [
                "peer": "\(peer.map(String.init) ?? "unknown")",
                "direction": "\(direction.rawValue)",
                "reason": "\(reason.rawValue)",
                "detail": "\(detail)",
            ]
        )
        continuation.yield(.handshakeFailed(peer: peer, direction: direction, reason: reason, detail: detail))
    }

    func frameTooLarge(peer: UInt64?, direction: ConnectionDirection, lengthBytes: UInt64) {
        counters.withLockedValue { $0.oversizeFramesReceived += 1 }
        logger.warning(
            "connection closed: frame length beyond the cap",
            metadata: [
                "peer": "\(peer.map(String.init) ?? "unknown")",
                "direction": "\(direction.rawValue)",
                "lengthBytes": "\(lengthBytes)",
                "frameSizeBytesMax": "\(FrameFormat.frameSizeBytesMax)",
            ]
        )
        continuation.yield(.frameTooLarge(peer: peer, direction: direction, lengthBytes: lengthBytes))
    }

    func connectionError(peer: UInt64, direction: ConnectionDirection, detail: String) {
        logger.notice(
            "connection closed after an error",
            metadata: ["peer": "\(peer)", "direction": "\(direction.rawValue)", "detail": "\(detail)"]
        )
    }

    func droppedUnknownPeer(_ nodeID: UInt64) {
        counters.withLockedValue { $0.droppedUnknownPeer += 1 }
        logger.debug("frame dropped: node is not a peer", metadata: ["peer": "\(nodeID)"])
    }

    func finishEvents() {
        continuation.finish()
    }

    /// Copies this observer's counters into a snapshot.
    func fill(_ snapshot: inout TransportCounters) {
        let current = counters.withLockedValue { $0 }
        snapshot.droppedUnknownPeer = current.droppedUnknownPeer
        snapshot.handshakeFailures = current.handshakeFailures
        snapshot.oversizeFramesReceived = current.oversizeFramesReceived
    }
}
