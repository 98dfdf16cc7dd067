import Raft

/// The writes other nodes forwarded here recently, so that each is handled at most once.
///
/// A network may deliver a frame twice (the simulated one does on purpose; a transport that
/// resends after a reconnect would). If the first copy of a forward is answered `not_leader`
/// (nothing proposed) and a late copy were proposed, a client would be told a write did not
/// happen while it did. A copy is recognised by its sender, forward id and the checksum of the
/// command: a sender that restarts numbers its forwards from 1 again, and the checksum keeps its
/// new forwards from being taken for old ones (a collision only delays a write until its
/// timeout, after which the client retries it).
struct RecentForwards {
    struct Key: Hashable {
        var peer: NodeID
        var forwardID: UInt64
        var checksum: UInt32
    }

    private var seen: Set<Key> = []
    /// Keys in arrival order; entries before `head` are already forgotten.
    private var order: [(tick: UInt64, key: Key)] = []
    private var head = 0

    /// How many forwards are remembered.
    var count: Int { seen.count }

    /// Records a forward received at `tick`; false when it was already recorded (a copy).
    mutating func insert(_ key: Key, at tick: UInt64) -> Bool {
        guard seen.insert(key).inserted else { return false }
        order.append((tick, key))
        return true
    }

    /// Forgets the forwards received before `tick`.
    mutating func forget(before tick: UInt64) {
        while head < order.count && order[head].tick < tick {
            seen.remove(order[head].key)
            head += 1
        }
        // Reclaim the forgotten prefix once it is the larger part of the array.
        if head > 1_024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
        precondition(seen.count == order.count - head, "remembered forwards out of step")
    }
}
