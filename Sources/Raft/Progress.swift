/// What the leader knows of one member's log (Raft paper Figure 2: nextIndex, matchIndex), plus
/// the flow-control state that bounds what is in flight to it.
struct Progress: Sendable {
    enum State: Sendable, Equatable {
        /// Searching for the match point: one append at a time.
        case probe
        /// Streaming appends optimistically (pipelining), bounded by `inflight`.
        case replicate
        /// Waiting for a snapshot at `pendingIndex` to be installed.
        case snapshot(pendingIndex: UInt64)
    }

    var match: UInt64 = 0
    var next: UInt64
    var state: State = .probe
    /// In probe state: an append was sent and no answer or heartbeat came since.
    var probeSent = false
    /// Heard from since the last check-quorum round.
    var recentActive = false
    var isLearner: Bool
    /// Highest read round this member has confirmed.
    var readRoundAcked: UInt64 = 0
    /// Ticks spent waiting in snapshot state.
    var snapshotTicks = 0
    var inflight: Inflight

    init(next: UInt64, isLearner: Bool, inflightCountMax: Int, inflightBytesMax: Int) {
        self.next = next
        self.isLearner = isLearner
        self.inflight = Inflight(countMax: inflightCountMax, bytesMax: inflightBytesMax)
    }

    mutating func becomeProbe() {
        if case .snapshot(let pending) = state {
            next = max(match + 1, pending + 1)
        } else {
            next = match + 1
        }
        state = .probe
        probeSent = false
        inflight.reset()
        snapshotTicks = 0
    }

    mutating func becomeReplicate() {
        state = .replicate
        next = match + 1
        probeSent = false
        inflight.reset()
        snapshotTicks = 0
    }

    mutating func becomeSnapshot(_ index: UInt64) {
        state = .snapshot(pendingIndex: index)
        probeSent = false
        inflight.reset()
        snapshotTicks = 0
    }

    /// Records an acknowledgement up to `index`; returns false if it is stale.
    mutating func maybeUpdate(_ index: UInt64) -> Bool {
        var updated = false
        if match < index {
            match = index
            updated = true
            probeSent = false
        }
        next = max(next, index + 1)
        return updated
    }

    /// Handles a rejection of `rejected` with the follower's hint; returns false if stale.
    mutating func maybeDecrease(rejected: UInt64, matchHint: UInt64) -> Bool {
        if state == .replicate {
            // Only a rejection of something beyond the known match matters; with pipelining,
            // earlier rejections may arrive late.
            if rejected <= match { return false }
            next = match + 1
            return true
        }
        if next == 0 || next - 1 != rejected { return false }
        next = max(min(rejected, matchHint + 1), match + 1)
        probeSent = false
        return true
    }

    /// Whether the leader must hold back appends to this member now.
    var isPaused: Bool {
        switch state {
        case .probe: probeSent
        case .replicate: inflight.isFull
        case .snapshot: true
        }
    }

    /// Records an append of entries ending at `lastIndex` sent now.
    mutating func sentEntries(lastIndex: UInt64, bytes: Int, count: Int) {
        switch state {
        case .replicate:
            if count > 0 {
                next = lastIndex + 1
                inflight.add(lastIndex: lastIndex, bytes: bytes)
            }
        case .probe:
            probeSent = true
        case .snapshot:
            preconditionFailure("appends are never sent to a member awaiting a snapshot")
        }
    }
}

/// The appends in flight to one member: a bounded window by count and by bytes.
struct Inflight: Sendable {
    let countMax: Int
    let bytesMax: Int
    private var items: [(lastIndex: UInt64, bytes: Int)] = []
    private var head = 0
    private(set) var bytes = 0

    init(countMax: Int, bytesMax: Int) {
        precondition(countMax > 0 && bytesMax > 0, "inflight limits must be positive")
        self.countMax = countMax
        self.bytesMax = bytesMax
    }

    var count: Int { items.count - head }
    var isFull: Bool { count >= countMax || bytes >= bytesMax }

    mutating func add(lastIndex: UInt64, bytes size: Int) {
        items.append((lastIndex, size))
        bytes += size
    }

    /// Frees every append whose last index is `<= index`.
    mutating func free(through index: UInt64) {
        while head < items.count, items[head].lastIndex <= index {
            bytes -= items[head].bytes
            head += 1
        }
        if head > 64 && head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
    }

    mutating func reset() {
        items = []
        head = 0
        bytes = 0
    }
}
