import Raft
import Registry

extension NodeCore {
    /// What a group's state would hold with every entry of its log after the applied index
    /// applied, committed or not: built in memory over the stored state, written nowhere.
    public struct LogTailPreview {
        /// The stored applied state with the tail's writes over it.
        public var state: Transaction
        /// The group's applied, commit and last index as this node knows them.
        public var appliedIndex: UInt64
        public var commitIndex: UInt64
        public var lastIndex: UInt64
        /// The last entry the preview applied (`appliedIndex` when the tail is empty).
        public var previewedThrough: UInt64
        /// Each command the preview applied, in log order, with its outcome.
        public var commands: [(index: UInt64, command: [UInt8], outcome: [UInt8])]
        /// Why the preview stopped before `lastIndex`, if it did.
        public var stoppedBecause: String?
    }

    /// Applies the entries of `group`'s log after its applied index to a transaction over its
    /// stored state, as `runTurn` would once they commit, and returns that transaction: for
    /// reading what an old replica's log holds beyond its state (the acts a lost region wrote),
    /// never for serving. Entries past the commit index this node knows are applied too: the
    /// caller tells them apart by index. A split entry, or an entry that does not apply, ends the
    /// preview (what follows depends on it), and a tail the load found damaged is named. Nil when
    /// the group is not hosted or has halted.
    public func previewLogTail(of group: GroupID) throws -> LogTailPreview? {
        guard let host = groups[group], host.haltReason == nil else { return nil }
        let raft = host.raft
        var preview = LogTailPreview(
            state: Transaction(base: GroupStateReader(reader: disk, group: group, generation: host.generation)),
            appliedIndex: raft.appliedIndex, commitIndex: raft.commitIndex, lastIndex: raft.lastIndex,
            previewedThrough: raft.appliedIndex, commands: [], stoppedBecause: nil)
        let tail = raft.lastIndex > raft.appliedIndex ? raft.entries(from: raft.appliedIndex + 1, through: raft.lastIndex) : []
        for entry in tail {
            if entry.kind == .normal && !entry.data.isEmpty {
                let commands: [[UInt8]]
                do { commands = try CommandBatch.decode(entry.data) } catch {
                    preview.stoppedBecause = "entry \(entry.index) is not a command batch: \(error)"
                    return preview
                }
                var scratch = preview.state
                var applied: [(index: UInt64, command: [UInt8], outcome: [UInt8])] = []
                for (position, command) in commands.enumerated() {
                    if SplitCommand.decode(command) != nil {
                        preview.stoppedBecause = "entry \(entry.index) splits the group"
                        return preview
                    }
                    let context = CommandContext(group: group, index: entry.index, term: entry.term, position: position)
                    do {
                        applied.append((entry.index, command, try host.machine.apply(command, context: context, state: &scratch)))
                    } catch {
                        preview.stoppedBecause = "entry \(entry.index) does not apply: \(error)"
                        return preview
                    }
                }
                preview.state = scratch
                preview.commands += applied
            }
            preview.previewedThrough = entry.index
        }
        if let floor = raft.lostLogFloor, floor.index > preview.previewedThrough {
            // The load dropped a damaged tail: entries after the last intact one cannot be read.
            preview.stoppedBecause = "entries \(preview.previewedThrough + 1) to \(floor.index) are damaged on this disk"
        }
        return preview
    }
}
