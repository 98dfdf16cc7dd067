import NIOCore

/// The last handler of a dialled connection: when the connection becomes writable again (the
/// peer caught up with its reading), it asks the link to write what queued up meanwhile.
final class OutboundWritability: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let link: PeerLink

    init(link: PeerLink) {
        self.link = link
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            link.write()
        }
        context.fireChannelWritabilityChanged()
    }
}
