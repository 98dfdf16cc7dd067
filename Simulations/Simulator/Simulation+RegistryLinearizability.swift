import NodeCore
import Raft
import Registry

/// Real-time checks of the registry history against the final state.
///
/// An act is an append-only object: absent, then the act, then its mentions one by one. The
/// final state fixes the order in which every write that took effect was applied (its level:
/// 0 for the act, `s` for mention `s`), so a linearizable history must satisfy, for every
/// read of the act returning level `L` (-1 when absent):
/// - what it returned is the final act and the first `L` final mentions, byte for byte;
/// - `L` is at least the level of every write acknowledged before the read was sent, and
///   below the level of every write sent after the read returned;
/// - a read that returned before another was sent saw no more than it.
/// The order of each register's chain must respect real time too, and counts read through
/// `stats` must lie between what was acknowledged before the read and what had been sent
/// before it returned, and never decrease from one read to a later one.
extension Simulation {
    private typealias Write = (index: Int, op: RegistryClientOperation)

    private func writesByRequest(in group: GroupID) -> [RequestID: Write] {
        var result: [RequestID: Write] = [:]
        for (index, op) in registryHistory.operations.enumerated() where checkedGroup(op) == group {
            if let request = op.request { result[request.requestID] = (index, op) }
        }
        return result
    }

    /// Chain order (numbering, mention order) never contradicts real time: an entry whose
    /// request was acknowledged before another request was sent comes first in its chain.
    func checkRealTimeOrder(_ image: RegistryImage, group: GroupID) {
        let writes = writesByRequest(in: group)
        for (register, positions) in image.chainPositions.sorted(by: { $0.key < $1.key }) {
            var entries: [(position: UInt64, invokedAt: UInt64, returnedAt: UInt64, index: Int)] = []
            for (position, key) in positions {
                let id = ActID(register: register, number: key.number)
                let requestID = key.sequence == 0
                    ? image.records[id]?.act.requestID
                    : image.records[id]?.mentions.first { $0.sequence == key.sequence }?.requestID
                guard let requestID, let write = writes[requestID] else { continue }
                let returned = write.op.acknowledgedEntry == nil ? UInt64.max : (write.op.returnedAt ?? UInt64.max)
                entries.append((position, write.op.invokedAt, returned, write.index))
            }
            entries.sort { $0.position > $1.position }
            var earliestReturnAfter: (time: UInt64, index: Int) = (UInt64.max, -1)
            for entry in entries {
                if earliestReturnAfter.time < entry.invokedAt {
                    fail("group \(group): register \(register) chains operation \(entry.index) at position \(entry.position), before operation \(earliestReturnAfter.index), which was acknowledged before it was sent")
                    break
                }
                if entry.returnedAt < earliestReturnAfter.time { earliestReturnAfter = (entry.returnedAt, entry.index) }
            }
        }
    }

    func checkActReads(_ image: RegistryImage, group: GroupID) {
        let writes = writesByRequest(in: group)
        var readsByAct: [ActID: [(index: Int, level: Int, invokedAt: UInt64, returnedAt: UInt64)]] = [:]
        for (index, op) in registryHistory.operations.enumerated() where checkedGroup(op) == group {
            guard case .read(let query) = op.kind, case .answered(.record(let record), _) = op.status, let returned = op.returnedAt else { continue }
            let id: ActID
            switch query {
            case .act(let actID): id = actID
            case .actByCivilID(let civilID): id = civilID.birthAct
            default: continue
            }
            let final = image.records[id]
            if let record {
                guard let final else {
                    fail("group \(group): read \(index) returned act \(record.act.id), which no replica holds at the end")
                    continue
                }
                if record.act.id != id || record.act.canonicalBytes != final.act.canonicalBytes {
                    fail("group \(group): read \(index) returned an act \(record.act.id) that differs from the one stored under \(id)")
                }
                let prefix = final.mentions.prefix(record.mentions.count)
                if record.mentions.count > final.mentions.count || zip(record.mentions, prefix).contains(where: { $0.canonicalBytes != $1.canonicalBytes }) {
                    fail("group \(group): read \(index) returned mentions of \(id) that are not the first \(record.mentions.count) stored")
                }
            }
            readsByAct[id, default: []].append((index, record.map { $0.mentions.count } ?? -1, op.invokedAt, returned))
        }
        for (id, reads) in readsByAct.sorted(by: { $0.key < $1.key }) {
            var levels: [(level: Int, write: Write)] = []
            if let final = image.records[id] {
                if let creation = writes[final.act.requestID] { levels.append((0, creation)) }
                for mention in final.mentions {
                    if let write = writes[mention.requestID] { levels.append((Int(mention.sequence), write)) }
                }
            }
            for read in reads {
                for (level, write) in levels {
                    if write.op.acknowledgedEntry != nil, let returned = write.op.returnedAt, returned < read.invokedAt, read.level < level {
                        fail("group \(group): read \(read.index) of \(id) saw level \(read.level), missing level \(level) acknowledged before it (operation \(write.index))")
                    }
                    if write.op.invokedAt > read.returnedAt, read.level >= level {
                        fail("group \(group): read \(read.index) of \(id) saw level \(read.level), written by operation \(write.index) sent after the read returned")
                    }
                }
            }
            checkMonotonic(reads.map { ($0.index, $0.level, $0.invokedAt, $0.returnedAt) }, what: "reads of \(id)", group: group)
        }
    }

    /// Reads of one object that returned before another was sent saw no more than it.
    private func checkMonotonic(_ reads: [(index: Int, level: Int, invokedAt: UInt64, returnedAt: UInt64)], what: String, group: GroupID) {
        let byReturn = reads.sorted { $0.returnedAt < $1.returnedAt }
        var cursor = 0
        var highest: (level: Int, index: Int) = (Int.min, -1)
        for read in reads.sorted(by: { $0.invokedAt < $1.invokedAt }) {
            while cursor < byReturn.count && byReturn[cursor].returnedAt < read.invokedAt {
                if byReturn[cursor].level > highest.level { highest = (byReturn[cursor].level, byReturn[cursor].index) }
                cursor += 1
            }
            if read.level < highest.level {
                fail("group \(group): \(what): read \(read.index) saw \(read.level), less than read \(highest.index) that returned before it was sent (\(highest.level))")
                return
            }
        }
    }

    func checkStatsReads(_ image: RegistryImage, group: GroupID) {
        // A split changes the counts of both groups without a write: their counts are not
        // bounded by their writes (the acts themselves are checked like every other group's).
        guard !tookPartInSplit(group) else { return }
        let writes = writesByRequest(in: group)
        var acts: [RegistryClientOperation] = []
        var mentions: [RegistryClientOperation] = []
        for record in image.records.values {
            if let write = writes[record.act.requestID] { acts.append(write.op) }
            for mention in record.mentions { if let write = writes[mention.requestID] { mentions.append(write.op) } }
        }
        var actReads: [(index: Int, level: Int, invokedAt: UInt64, returnedAt: UInt64)] = []
        var mentionReads: [(index: Int, level: Int, invokedAt: UInt64, returnedAt: UInt64)] = []
        for (index, op) in registryHistory.operations.enumerated() where checkedGroup(op) == group {
            guard case .answered(.stats(let stats), _) = op.status, let returned = op.returnedAt else { continue }
            let read = (invokedAt: op.invokedAt, returnedAt: returned)
            for (name, counted, written) in [("acts", stats.birthActs + stats.deathActs, acts), ("mentions", stats.mentions, mentions)] {
                let lower = written.filter { $0.acknowledgedEntry != nil && $0.returnedAt! < read.invokedAt }.count
                let upper = written.filter { $0.invokedAt < read.returnedAt }.count
                if counted < UInt64(lower) || counted > UInt64(upper) {
                    fail("group \(group): stats read \(index) counted \(counted) \(name); \(lower) were acknowledged before it and \(upper) sent before it returned")
                }
            }
            actReads.append((index, Int(stats.birthActs + stats.deathActs), read.invokedAt, read.returnedAt))
            mentionReads.append((index, Int(stats.mentions), read.invokedAt, read.returnedAt))
        }
        checkMonotonic(actReads, what: "act counts", group: group)
        checkMonotonic(mentionReads, what: "mention counts", group: group)
    }
}
