import NodeCore
import Transport

/// The node core's network on the mutual-TLS transport. Sending never blocks: a frame the
/// transport cannot queue is dropped and counted, and Raft retransmits what matters.
final class TransportNetwork: NetworkDriver, Sendable {
    private let transport: Transport
    private let metrics: NodeMetrics?

    init(transport: Transport, metrics: NodeMetrics?) {
        self.transport = transport
        self.metrics = metrics
    }

    func send(to node: UInt64, frame: [UInt8]) {
        let result = transport.send(frame, to: node)
        if result != .queued { metrics?.recordDroppedFrame(to: node, reason: "\(result)") }
    }
}
