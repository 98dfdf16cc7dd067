import Raft

extension NodeCore {
    func handle(_ message: NodeMessage, from peer: NodeID) {
        switch message {
        case .raft(let groupID, let raftMessage):
            // The transport authenticated `peer`; a message claiming another sender is dropped.
            guard raftMessage.from == peer, raftMessage.to == nodeID,
                  let group = groups[groupID], group.haltReason == nil else { return }
            // An image header is only stepped by this node once the image is staged.
            if case .snapshot = raftMessage.body { return }
            group.raft.step(raftMessage)
        case .snapshotChunk(let groupID, let chunk):
            guard let group = groups[groupID], group.haltReason == nil else { return }
            receiveSnapshotChunk(group, from: peer, chunk)
        case .snapshotAck(let groupID, let stream, let sequence, let accepted):
            guard let group = groups[groupID], group.haltReason == nil else { return }
            receiveSnapshotAck(group, from: peer, stream: stream, sequence: sequence, accepted: accepted)
        case .forward(let groupID, let forwardID, let command):
            let key = RecentForwards.Key(peer: peer, forwardID: forwardID, checksum: CRC32C.checksum(command))
            // A copy of a forward already handled: its answer went, or will go, with the first.
            guard recentForwards.insert(key, at: ticks) else { return }
            guard let group = groups[groupID] else {
                outbox[peer, default: []].append(.forwardReply(forwardID: forwardID, result: .failed(.unknownGroup(groupID))))
                return
            }
            handleRequest(.write(group: groupID, command: command), group: group, reply: .remote(node: peer, forwardID: forwardID))
        case .forwardReply(let forwardID, let result):
            guard let pending = forwards[forwardID], pending.leader == peer else { return }
            forwards[forwardID] = nil
            // A failure from the leader is not proof that the write did not happen: an earlier
            // copy of the same forward may have been proposed (the leader may have restarted
            // since). Only the state machine's own answers are definitive.
            var answer = result
            if case .failed(let failure) = result, failure != .timedOut(outcomeUnknown: true) {
                answer = .failed(.outcomeUnknown("forwarded to node \(peer), which answered: \(failure.code)"))
            }
            responses.append(ClientResponse(ticket: pending.ticket, result: answer))
        case .commitNotice(let groupID, let term, let commit):
            guard let group = groups[groupID], group.haltReason == nil else { return }
            receiveCommitNotice(group, from: peer, term: term, commit: commit)
        }
    }
}
