/// What ``Transport/send(_:to:)-(ByteBuffer,_)`` did with a frame. Sending never blocks: when a frame
/// cannot be queued it is dropped and counted, because Raft retransmits what it still needs.
public enum SendResult: Sendable, Hashable {
    /// The frame is in the peer's outbound queue and will be written on the next flush.
    case queued
    /// The peer's queue is at its frame or byte limit: the peer or the link is slower than the sender.
    case droppedQueueFull
    /// There is no authenticated connection to the peer right now (down, or reconnecting).
    case droppedNotConnected
    /// The node id is not in the peer list.
    case droppedUnknownPeer
    /// The frame is larger than ``FrameFormat/frameSizeBytesMax``; no receiver would accept it.
    case droppedFrameTooLarge
}
