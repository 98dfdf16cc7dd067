import NIOCore

/// The last handler of an accepted connection: on the connection's event loop, it hands the
/// frames of each read to the inbound queue in one offer, so a frame crosses threads once, to its
/// consumer. When the queue cannot take them all it keeps the rest, stops reading until the
/// queue has room, and TCP flow control pushes back on the sender.
final class InboundDelivery: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer

    private let queue: InboundQueue
    /// Set by the authenticator's event; it passes no frame before.
    private var peer: UInt64?
    /// Frames of the current read, then those the queue could not take yet.
    private var pending: [InboundFrame] = []
    private var waitingForRoom = false
    /// A read asked for while waiting for room, made once the frames kept are delivered.
    private var readHeld = false

    init(queue: InboundQueue) {
        self.queue = queue
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let authenticated = event as? PeerAuthenticated {
            peer = authenticated.peer
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let peer else {
            // Unreachable: the authenticator passes frames only after the peer is known.
            context.close(promise: nil)
            return
        }
        let frame = unwrapInboundIn(data)
        pending.append(InboundFrame(from: peer, payload: Array(frame.readableBytesView)))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        deliver(context: context)
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if waitingForRoom {
            readHeld = true
        } else {
            context.read()
        }
    }

    private func deliver(context: ChannelHandlerContext) {
        guard !waitingForRoom, !pending.isEmpty else { return }
        switch queue.offer(pending[...]) {
        case .finished:
            pending = []
        case .accepted(let count):
            pending.removeFirst(count)
            guard let next = pending.first else { return }
            waitingForRoom = true
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            queue.whenRoom(forBytes: next.payload.count) { [eventLoop = context.eventLoop] in
                eventLoop.execute {
                    let (handler, context) = bound.value
                    handler.roomAvailable(context: context)
                }
            }
        }
    }

    private func roomAvailable(context: ChannelHandlerContext) {
        waitingForRoom = false
        deliver(context: context)
        if !waitingForRoom && readHeld {
            readHeld = false
            if context.channel.isActive { context.read() }
        }
    }
}

/// Fired by the authenticator once a connection's peer is known, before any of its frames.
struct PeerAuthenticated: Sendable {
    let peer: UInt64
}
