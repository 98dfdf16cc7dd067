import Raft
import Registry

/// Streaming a state image from a leader to a follower, chunk by chunk, with a bounded window
/// on the sender and every received chunk written straight to disk on the receiver: memory on
/// both sides is bounded by window × chunk size, whatever the size of the state.
extension NodeCore {
    func startSnapshotStream(_ group: GroupHost, to member: NodeID, meta: SnapshotMeta, term: UInt64) {
        if let existing = group.outboundSnapshots.removeValue(forKey: member) { existing.view.close() }
        let view: any DiskView
        do {
            view = try disk.openView()
        } catch {
            group.failedSnapshotTargets.append(member)
            return
        }
        // The view must hold exactly the state the header describes: Raft produced the header
        // from the applied index, and nothing is applied between that and this send.
        let applied = try? view.get(.meta, Keys.meta(group.id, .applied)).flatMap(SealedRecord.open).map(AppliedRecord.decode)
        let appliedIndex = applied?.index ?? 0
        guard appliedIndex == meta.index, (applied?.generation ?? 0) == group.generation else {
            view.close()
            group.failedSnapshotTargets.append(member)
            return
        }
        let reader = GroupStateReader(reader: view, group: group.id, generation: group.generation)
        let stream = OutboundSnapshot(
            stream: nextStreamID, meta: meta, term: term, view: view,
            writer: SnapshotWriter(reader: reader, chunkBytesLimit: options.snapshotChunkBytes))
        nextStreamID += 1
        group.outboundSnapshots[member] = stream
    }

    /// Sends chunks of every outbound stream of `group` while its window has room.
    func pumpSnapshots(_ group: GroupHost) {
        for member in group.outboundSnapshots.keys.sorted() {
            let stream = group.outboundSnapshots[member]!
            while !stream.sentLast && stream.inFlight < options.snapshotWindowChunks {
                guard let chunk = nextChunk(stream, group: group) else {
                    abandonStream(group, member: member)
                    break
                }
                outbox[member, default: []].append(.snapshotChunk(group.id, chunk))
            }
        }
    }

    private func nextChunk(_ stream: OutboundSnapshot, group: GroupHost) -> StreamedChunk? {
        let data: [UInt8]
        do {
            guard let next = try stream.writer.nextChunk() else { return nil }
            data = next
        } catch StateReadError.corrupted {
            halt(group, reason: "state record corrupted while streaming a snapshot")
            return nil
        } catch {
            return nil
        }
        let isLast = (try? Registry.SnapshotChunk.decode(data))?.isFinal ?? false
        stream.sentLast = isLast
        let chunk = StreamedChunk(stream: stream.stream, sequence: stream.nextSequence, term: stream.term, meta: stream.meta, data: data, isLast: isLast)
        stream.nextSequence += 1
        return chunk
    }

    func abandonStream(_ group: GroupHost, member: NodeID) {
        guard let stream = group.outboundSnapshots.removeValue(forKey: member) else { return }
        stream.view.close()
        group.failedSnapshotTargets.append(member)
    }

    func receiveSnapshotAck(_ group: GroupHost, from peer: NodeID, stream id: UInt64, sequence: UInt32, accepted: Bool) {
        guard let stream = group.outboundSnapshots[peer], stream.stream == id else { return }
        guard accepted else {
            abandonStream(group, member: peer)
            return
        }
        stream.ackedThrough = max(stream.ackedThrough, Int64(sequence))
        stream.idleTicks = 0
        if stream.sentLast && stream.ackedThrough == Int64(stream.nextSequence) - 1 {
            // Done: the follower steps the header into Raft and answers through Raft.
            stream.view.close()
                group.outboundSnapshots[peer] = nil
        }
    }

    func receiveSnapshotChunk(_ group: GroupHost, from peer: NodeID, _ chunk: StreamedChunk) {
        func refuse() {
            pendingChunkAcks.append((peer, .snapshotAck(group.id, stream: chunk.stream, sequence: chunk.sequence, accepted: false)))
        }
        guard chunk.term >= group.raft.term else { return refuse() }
        // An image already stepped into Raft is installed by the next turn; nothing may replace
        // it before then.
        if group.inboundSnapshot?.awaitingInstall == true { return refuse() }
        if chunk.sequence == 0 {
            // An image whose header Raft accepted is installed by the next turn: a first chunk
            // arriving meanwhile (a copy, or a stream the leader restarted) must not discard it.
            if group.inboundSnapshot?.awaitingInstall == true { return refuse() }
            discardInbound(group)
            let generation = group.generation &+ 1
            let range = Keys.stateRange(group.id, generation: generation)
            pendingStagingWrites.deleteRange(.state, from: range.from, to: range.to)
            group.inboundSnapshot = InboundSnapshot(stream: chunk.stream, from: peer, meta: chunk.meta, generation: generation, nextSequence: 0)
        }
        guard var inbound = group.inboundSnapshot, !inbound.awaitingInstall, inbound.stream == chunk.stream,
              inbound.from == peer, inbound.nextSequence == chunk.sequence, inbound.meta == chunk.meta else { return refuse() }
        let writes: WriteSet
        do {
            writes = try inbound.restorer.accept(chunk.data)
        } catch {
            // Damaged, out of order, or the stream digest does not match: start over.
            discardInbound(group)
            return refuse()
        }
        guard chunk.isLast == inbound.restorer.isComplete else {
            discardInbound(group)
            return refuse()
        }
        let prefix = Keys.statePrefix(group.id, generation: inbound.generation)
        for operation in writes.operations {
            switch operation {
            case .put(let key, let value): pendingStagingWrites.put(.state, prefix + key, SealedRecord.seal(value))
            case .delete(let key): pendingStagingWrites.delete(.state, prefix + key)
            }
        }
        inbound.nextSequence += 1
        inbound.idleTicks = 0
        inbound.awaitingInstall = chunk.isLast
        group.inboundSnapshot = inbound
        if chunk.isLast {
            group.inboundSnapshot?.appliedBefore = group.raft.appliedIndex
            group.raft.step(Message(from: peer, to: nodeID, term: chunk.term, body: .snapshot(chunk.meta)))
        }
        pendingChunkAcks.append((peer, .snapshotAck(group.id, stream: chunk.stream, sequence: chunk.sequence, accepted: true)))
    }

    /// Drops a partly received image (its staged pairs are deleted in the next batch).
    func discardInbound(_ group: GroupHost) {
        guard let inbound = group.inboundSnapshot else { return }
        let range = Keys.stateRange(group.id, generation: inbound.generation)
        pendingStagingWrites.deleteRange(.state, from: range.from, to: range.to)
        group.inboundSnapshot = nil
    }

    /// An image whose header Raft did not install this turn (it was stale) is thrown away.
    func discardUninstalledSnapshots(_ readies: [(group: GroupHost, ready: Ready)]) {
        for group in groups.values.sorted(by: { $0.id < $1.id }) where group.inboundSnapshot?.awaitingInstall == true {
            let installed = readies.contains { $0.group === group && $0.ready.snapshot != nil }
            if !installed { discardInbound(group) }
        }
    }

    /// Makes a staged image the live state, in the same batch that resets the log.
    func finalizeSnapshot(_ meta: SnapshotMeta, group: GroupHost, into batch: inout DiskBatch) {
        guard let inbound = group.inboundSnapshot, inbound.awaitingInstall, inbound.meta == meta else {
            preconditionFailure("Raft installed snapshot \(meta.index) of group \(group.id) that was not staged")
        }
        let logRange = Keys.logRange(group.id)
        batch.deleteRange(.log, from: logRange.from, to: logRange.to)
        batch.put(.meta, Keys.meta(group.id, .logStart), SealedRecord.seal(LogStartRecord(index: meta.index, term: meta.term).encoded()))
        batch.put(.meta, Keys.meta(group.id, .logTail), SealedRecord.seal(LogStartRecord(index: meta.index, term: meta.term).encoded()))
        let record = AppliedRecord(index: meta.index, term: meta.term, membership: meta.membership, generation: inbound.generation)
        batch.put(.meta, Keys.meta(group.id, .applied), SealedRecord.seal(record.encoded()))
        let old = Keys.stateRange(group.id, generation: group.generation)
        batch.deleteRange(.state, from: old.from, to: old.to)
        group.generation = inbound.generation
        group.persistedLastIndex = meta.index
        group.inboundSnapshot = nil
        // Two images installed before the shell asks: together they brought everything after
        // the first one's applied index.
        let earlier = installedSnapshots[group.id]
        installedSnapshots[group.id] = InstalledSnapshot(appliedBefore: min(earlier?.appliedBefore ?? inbound.appliedBefore, inbound.appliedBefore),
                                                         index: meta.index)
        for index in group.proposals.keys.sorted() where index <= meta.index {
            for reply in group.proposals.removeValue(forKey: index)!.replies.compactMap({ $0 }) {
                respond(reply, .failed(.timedOut(outcomeUnknown: true)))
            }
        }
    }

    /// Abandons streams without progress, in both directions.
    func tickSnapshots(_ group: GroupHost) {
        for member in group.outboundSnapshots.keys.sorted() {
            let stream = group.outboundSnapshots[member]!
            stream.idleTicks += 1
            if stream.idleTicks > options.snapshotStreamTimeoutTicks {
                abandonStream(group, member: member)
                group.raft.reportSnapshotFailure(member)
                group.failedSnapshotTargets.removeAll { $0 == member }
            }
        }
        if var inbound = group.inboundSnapshot, !inbound.awaitingInstall {
            inbound.idleTicks += 1
            group.inboundSnapshot = inbound
            if inbound.idleTicks > options.snapshotStreamTimeoutTicks { discardInbound(group) }
        }
    }
}
