import NIOConcurrencyHelpers
import NodeCore
import Raft
import Registry

/// Collects the acts touched by the commands this node applies, for the search index.
/// Observation only: it sees what the state machine decided and changes nothing.
public final class AppliedOutcomeTap: Sendable {
    /// Outcomes kept between two drains. The loop drains after every turn, and a turn applies at
    /// most a few thousand commands; beyond this the index is marked stale and rebuilt instead of
    /// holding memory without bound.
    static let pendingOutcomesMax = 100_000

    private struct State {
        var pending: [(group: GroupID, acts: [TouchedAct])] = []
        var overflowed = false
    }
    private let state = NIOLockedValueBox(State())

    /// Creates a value from its parts.
    public init() {}

    func record(group: GroupID, acts: [TouchedAct]) {
        guard !acts.isEmpty else { return }
        state.withLockedValue { state in
            if state.pending.count >= Self.pendingOutcomesMax {
                state.overflowed = true
            } else {
                state.pending.append((group, acts))
            }
        }
    }

    /// Takes what was recorded; `overflowed` says some outcomes were dropped.
    func drain() -> (outcomes: [(group: GroupID, acts: [TouchedAct])], overflowed: Bool) {
        state.withLockedValue { state in
            let taken = (state.pending, state.overflowed)
            state = State()
            return taken
        }
    }
}

/// The shard's state machine with a tap on the acts its commands touch. Every decision is the
/// inner machine's; this wrapper only reads the outcome bytes it returns.
struct TappedRegistryMachine: StateMachine {
    let inner: ShardMachine
    let group: GroupID
    let tap: AppliedOutcomeTap

    func precheck(_ command: [UInt8], state: any KeyValueReader) throws -> [UInt8]? {
        try inner.precheck(command, state: state)
    }

    func apply(_ command: [UInt8], context: CommandContext, state: inout Transaction) throws -> [UInt8] {
        let outcome = try inner.apply(command, context: context, state: &state)
        tap.record(group: group, acts: ShardMachine.touchedActs(command: command, outcome: outcome))
        return outcome
    }

    func query(_ query: [UInt8], state: any KeyValueReader) throws -> [UInt8] {
        try inner.query(query, state: state)
    }

    func split(_ key: [UInt8], newGroup: GroupID, state: inout Transaction) throws -> StateSplit {
        try inner.split(key, newGroup: newGroup, state: &state)
    }
}
