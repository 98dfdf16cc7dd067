import Testing
@testable import Raft

/// The host side of the harness: what a node does with each `Ready`, in the contract's order,
/// with the checks that the contract holds (`Ready.swift`).
extension TestNetwork {
    /// Handles every `Ready` of `id` in contract order until it has nothing more to do.
    func process(_ id: NodeID) {
        guard var member = members[id], member.raft != nil else { return }
        var rounds = 0
        while member.raft!.hasReady {
            rounds += 1
            if rounds > 1_000 {
                record("member \(id): hasReady stays true after 1000 Ready values")
                break
            }
            let ready = member.raft!.ready()
            if ready.isEmpty { break }
            checkContract(ready, of: member)
            // 1. Appends and heartbeats may leave before the write.
            enqueue(ready.messagesBeforePersist, from: member)
            // 2. Persist.
            persist(ready, into: &member)
            checkPromises(ready.messages, of: member)
            // 3. Send what the write made true.
            enqueue(ready.messages, from: member)
            // 4. Apply.
            apply(ready, into: &member)
            // 5. Advance.
            member.raft!.advance(ready)
            member.store.appliedIndex = member.raft!.appliedIndex
            member.store.membership = member.raft!.membership
            if member.store.appliedIndex != UInt64(member.store.stateMachine.count) {
                record("member \(id): Raft applied \(member.store.appliedIndex) but the state machine holds \(member.store.stateMachine.count)")
            }
        }
        members[id] = member
        if checksInvariants { checker.check(self) }
    }

    func enqueue(_ messages: [Message], from member: TestMember) {
        for message in messages {
            if message.from != member.id { record("member \(member.id) sent a message from \(message.from)") }
            sent.append(message)
            var image: [Entry]?
            if case .snapshot(let meta) = message.body {
                let machine = member.store.stateMachine
                if UInt64(machine.count) < meta.index {
                    record("member \(member.id) offered a snapshot at \(meta.index) but applied only \(machine.count)")
                }
                image = Array(machine.prefix(Int(meta.index)))
            }
            queue.append(Envelope(message: message, image: image))
        }
    }

    func persist(_ ready: Ready, into member: inout TestMember) {
        if let meta = ready.snapshot {
            guard let image = member.stagedImage, UInt64(image.count) >= meta.index else {
                record("member \(member.id) installs snapshot \(meta.index) without a staged image")
                return
            }
            member.store.stateMachine = Array(image.prefix(Int(meta.index)))
            member.store.snapshotIndex = meta.index
            member.store.snapshotTerm = meta.term
            member.store.entries = []
            member.store.appliedIndex = meta.index
            member.store.membership = meta.membership
            member.stagedImage = nil
        }
        if let first = ready.entries.first {
            let store = member.store
            guard first.index > store.snapshotIndex, first.index <= store.lastIndex + 1 else {
                record("member \(member.id): entries from \(first.index) do not attach to a durable log ending at \(store.lastIndex)")
                return
            }
            for (offset, entry) in ready.entries.enumerated() where entry.index != first.index + UInt64(offset) {
                record("member \(member.id): Ready entries are not contiguous at \(entry.index)")
            }
            member.store.entries.removeSubrange(Int(first.index - store.snapshotIndex - 1)...)
            member.store.entries.append(contentsOf: ready.entries)
        }
        if let hardState = ready.hardState { member.store.hardState = hardState }
    }

    func apply(_ ready: Ready, into member: inout TestMember) {
        for entry in ready.committedEntries {
            if member.store.entry(at: entry.index) != entry {
                record("member \(member.id) was told to apply entry \(entry.index) that is not durable as handed out")
            }
            if entry.index != UInt64(member.store.stateMachine.count) + 1 {
                record("member \(member.id) applies \(entry.index) after \(member.store.stateMachine.count)")
            }
            member.store.stateMachine.append(entry)
        }
        member.readStates.append(contentsOf: ready.readStates)
        member.failedReads.append(contentsOf: ready.failedReads)
    }

    /// Step 1 of the contract: only a leader's appends and heartbeats may leave before the write.
    func checkContract(_ ready: Ready, of member: TestMember) {
        for message in ready.messagesBeforePersist {
            switch message.body {
            case .append, .heartbeat: break
            default: record("member \(member.id) put \(message.body.name) in messagesBeforePersist")
            }
        }
    }

    /// Step 3: what a message promises must be durable by the time it leaves.
    func checkPromises(_ messages: [Message], of member: TestMember) {
        let store = member.store
        for message in messages {
            switch message.body {
            case .voteResponse(let response) where response.granted && !response.preVote:
                if store.hardState.term != message.term || store.hardState.vote != message.to {
                    record("member \(member.id) granted a vote to \(message.to) in term \(message.term) before persisting it")
                }
            case .vote(let request) where !request.preVote:
                if store.hardState.term != message.term || store.hardState.vote != member.id {
                    record("member \(member.id) asked for votes in term \(message.term) before persisting its own vote")
                }
            case .appendResponse(let response) where !response.reject:
                if response.index > store.lastIndex {
                    record("member \(member.id) acknowledged \(response.index) with a durable log ending at \(store.lastIndex)")
                }
            default:
                break
            }
        }
    }
}
