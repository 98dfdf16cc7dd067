import Raft

/// Recovery at start: every group found on disk is rebuilt from its records, each verified
/// against its checksum. A damaged log tail is dropped and fetched again from the leader; until
/// the member has caught up, it votes as if it still held what it lost (see
/// `Raft.setLostLogFloor`), so it cannot help elect a leader lacking an entry it acknowledged.
extension NodeCore {
    func loadGroups() throws(DiskError) {
        var cursor: [UInt8] = []
        var descriptors: [(GroupID, [UInt8])] = []
        while true {
            let page = try disk.scan(.meta, from: cursor, to: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], limit: 1024)
            for pair in page where pair.key.count == 9 && pair.key[8] == Keys.MetaTag.descriptor.rawValue {
                descriptors.append((UInt64(bigEndianBytes: pair.key[0..<8])!, pair.value))
            }
            guard let last = page.last else { break }
            cursor = last.key + [0]
        }
        for (groupID, sealed) in descriptors {
            guard let payload = SealedRecord.open(sealed), let descriptor = try? GroupDescriptor.decode(payload), descriptor.id == groupID else {
                let placeholder = GroupDescriptor(id: groupID, region: "?", machine: "?", initialMembership: Membership())
                let host = GroupHost(descriptor: placeholder, raft: Raft(config: options.raftConfig(for: groupID), state: .empty),
                                     machine: machineFactory(placeholder), generation: 0, persistedLastIndex: 0, persistedTermVote: (0, 0))
                groups[groupID] = host
                halt(host, reason: "group descriptor record is damaged; rebuild this replica from its peers")
                continue
            }
            groups[groupID] = try loadGroup(descriptor)
        }
    }

    private func readRecord<T>(_ group: GroupID, _ tag: Keys.MetaTag, _ decode: ([UInt8]) throws(DecodeError) -> T) throws(DiskError) -> Result<T?, LoadFailure> {
        guard let sealed = try disk.get(.meta, Keys.meta(group, tag)) else { return .success(nil) }
        guard let payload = SealedRecord.open(sealed), let value = try? decode(payload) else {
            return .failure(LoadFailure(reason: "the \(tag) record is damaged"))
        }
        return .success(value)
    }

    struct LoadFailure: Error {
        var reason: String
    }

    private func loadGroup(_ descriptor: GroupDescriptor) throws(DiskError) -> GroupHost {
        let id = descriptor.id
        let config = options.raftConfig(for: id)
        let machine = machineFactory(descriptor)
        func halted(_ reason: String) -> GroupHost {
            let host = GroupHost(descriptor: descriptor, raft: Raft(config: config, state: .empty), machine: machine,
                                 generation: 0, persistedLastIndex: 0, persistedTermVote: (0, 0))
            halt(host, reason: "\(reason); rebuild this replica from its peers")
            return host
        }
        let hardState: HardState?
        let logStart: LogStartRecord
        let applied: AppliedRecord
        switch try readRecord(id, .hardState, HardState.decode) {
        case .failure(let failure): return halted(failure.reason)
        case .success(let value): hardState = value
        }
        guard let hardState else {
            // Created but never persisted a turn: start again exactly as created.
            let bootstrap = descriptor.initialMembership.members.contains(nodeID)
            let raft = bootstrap ? Raft(config: config, bootstrap: descriptor.initialMembership) : Raft(config: config, state: .empty)
            return GroupHost(descriptor: descriptor, raft: raft, machine: machine, generation: 0, persistedLastIndex: 0, persistedTermVote: (0, 0))
        }
        switch try readRecord(id, .logStart, LogStartRecord.decode) {
        case .failure(let failure): return halted(failure.reason)
        case .success(let value): logStart = value ?? LogStartRecord(index: 0, term: 0)
        }
        switch try readRecord(id, .applied, AppliedRecord.decode) {
        case .failure(let failure): return halted(failure.reason)
        case .success(let value): applied = value ?? AppliedRecord(index: 0, term: 0, membership: Membership(), generation: 0)
        }
        guard applied.index >= logStart.index else {
            return halted("applied index \(applied.index) is behind the log start \(logStart.index)")
        }

        // Read the whole log tail, noting the first damaged or missing index.
        var entries: [Entry] = []
        var damaged: [UInt64] = []
        var lastOnDisk = logStart.index
        var expected = logStart.index + 1
        var cursor = Keys.log(id, logStart.index + 1)
        let end = Keys.logRange(id).to
        while true {
            let page = try disk.scan(.log, from: cursor, to: end, limit: 1024)
            for pair in page {
                guard let index = Keys.index(fromLogKey: pair.key) else { continue }
                lastOnDisk = max(lastOnDisk, index)
                while expected < index {
                    damaged.append(expected)
                    expected += 1
                }
                expected = index + 1
                if let payload = SealedRecord.open(pair.value), let entry = try? Entry.decode(payload), entry.index == index {
                    entries.append(entry)
                } else {
                    damaged.append(index)
                }
            }
            guard let last = page.last else { break }
            cursor = last.key + [0]
        }

        // Damage at or below the applied index costs nothing but log: the state machine already
        // holds those entries, so the log restarts at the applied point.
        var start = logStart
        if let firstDamaged = damaged.first, firstDamaged <= applied.index {
            start = LogStartRecord(index: applied.index, term: applied.term)
        }
        let firstBadAfterStart = damaged.first { $0 > start.index }
        var kept: [Entry] = []
        var next = start.index + 1
        for entry in entries where entry.index > start.index {
            if let bad = firstBadAfterStart, entry.index >= bad { break }
            guard entry.index == next else { break }
            kept.append(entry)
            next += 1
        }
        let lastKept = start.index + UInt64(kept.count)
        let state = Raft.PersistentState(
            hardState: hardState, snapshotIndex: start.index, snapshotTerm: start.term, entries: kept,
            appliedIndex: applied.index, membership: applied.membership)
        var raft = Raft(config: config, state: state)
        let host = GroupHost(descriptor: descriptor, raft: raft, machine: machine, generation: applied.generation,
                             persistedLastIndex: lastOnDisk, persistedTermVote: (hardState.term, hardState.vote))
        // The member may have acknowledged entries it no longer holds: those of a damaged tail
        // dropped now, or of one dropped at an earlier start whose records its first turn then
        // deleted, and which have not come back since. Until they do, it votes as if it still
        // held them. The lost log's last entry comes from the tail record (the last entry
        // written) when it is intact, else the index on disk with the current term, which is at
        // least the real term (stricter).
        let tailRecord = (try? readRecord(id, .logTail, LogStartRecord.decode).get()) ?? nil
        var floor: LogStartRecord?
        if lastOnDisk > lastKept {
            floor = tailRecord.flatMap { $0.index >= lastOnDisk ? $0 : nil } ?? LogStartRecord(index: lastOnDisk, term: hardState.term)
        } else if let tail = tailRecord, tail.index > lastKept {
            floor = tail
        }
        if let floor {
            raft.setLostLogFloor(lastIndex: floor.index, lastTerm: floor.term)
            host.raft = raft
        }
        if !damaged.isEmpty {
            if lastOnDisk > lastKept {
                host.pendingLogCleanup = (from: lastKept + 1, through: lastOnDisk)
                host.persistedLastIndex = lastKept
            }
            if start != logStart {
                var batch = DiskBatch()
                batch.put(.meta, Keys.meta(id, .logStart), SealedRecord.seal(start.encoded()))
                batch.deleteRange(.log, from: Keys.log(id, 0), to: Keys.log(id, start.index + 1))
                try disk.write(batch, sync: true)
            }
            observer?.nodeCore(nodeID, observed: .corruptionDetected(
                group: id, index: damaged[0],
                repairedBy: lastOnDisk > lastKept ? "log cut after \(lastKept), refetched from the leader" : "log restarted at applied index \(start.index)"))
        }
        // A stream interrupted by a crash may have left a staged generation behind.
        let staging = Keys.stateRange(id, generation: applied.generation &+ 1)
        var cleanup = DiskBatch()
        cleanup.deleteRange(.state, from: staging.from, to: staging.to)
        try disk.write(cleanup, sync: false)
        return host
    }
}
