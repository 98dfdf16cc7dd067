@testable import Raft

/// What one member has made durable, kept the way a host following the `Ready` contract keeps
/// it: the snapshot point, the log after it, the hard state, and the state machine with its
/// applied index and the configuration as of that index.
struct DurableStore {
    var hardState = HardState()
    var snapshotIndex: UInt64 = 0
    var snapshotTerm: UInt64 = 0
    /// Contiguous entries after `snapshotIndex`.
    var entries: [Entry] = []
    var appliedIndex: UInt64 = 0
    var membership = Membership()
    /// The state machine: every entry applied, in index order from 1. A snapshot install
    /// replaces it with the image the leader streamed, so it always starts at index 1.
    var stateMachine: [Entry] = []

    init() {}

    /// A store that already holds `state` (a prepared log for a scenario). Entries up to the
    /// applied index count as applied when there is no snapshot point.
    init(_ state: Raft.PersistentState) {
        hardState = state.hardState
        snapshotIndex = state.snapshotIndex
        snapshotTerm = state.snapshotTerm
        entries = state.entries
        appliedIndex = state.appliedIndex
        membership = state.membership
        precondition(state.snapshotIndex == 0 || state.appliedIndex == state.snapshotIndex,
                     "prepared stores with a snapshot point start applied at it")
        stateMachine = Array(state.entries.prefix(Int(state.appliedIndex - state.snapshotIndex)))
    }

    var lastIndex: UInt64 { snapshotIndex + UInt64(entries.count) }

    func entry(at index: UInt64) -> Entry? {
        guard index > snapshotIndex, index <= lastIndex else { return nil }
        return entries[Int(index - snapshotIndex - 1)]
    }

    /// What a restarted member is built from.
    var persistentState: Raft.PersistentState {
        Raft.PersistentState(hardState: hardState, snapshotIndex: snapshotIndex, snapshotTerm: snapshotTerm,
                             entries: entries, appliedIndex: appliedIndex, membership: membership)
    }

    /// The application payloads applied, in order (no-ops and configuration entries left out).
    var appliedPayloads: [[UInt8]] {
        stateMachine.filter { $0.kind == .normal && !$0.data.isEmpty }.map(\.data)
    }
}
