import NodeCore
import Raft
import Registry

/// The end-of-run checks of the registry workload (docs/SIMULATION.md lists them). They run
/// once the cluster has converged, on every replica of every group, and compare what the
/// replicas hold with what the clients were told.
extension Simulation {
    func registryFinalChecks() {
        for group in groups {
            guard let leader = leader(of: group.id), let raft = leader.core?.raft(of: group.id) else { continue }
            var reference: (node: NodeID, image: RegistryImage, heads: [RegisterID: ChainVerification])?
            for member in raft.membership.members.sorted() {
                guard let reader = nodes[member]?.core?.stateReader(for: group.id) else { continue }
                let image: RegistryImage
                do {
                    image = try RegistryImage(reader)
                } catch {
                    fail("group \(group.id) on node \(member): registry state unreadable: \(error)")
                    continue
                }
                checkReplica(image, reader: reader, group: group.id, node: member)
                let heads = Dictionary(uniqueKeysWithValues: image.verifications.map { ($0.register, $0.result) })
                if let reference {
                    if heads != reference.heads {
                        let differing = Set(heads.keys).union(reference.heads.keys).filter { heads[$0] != reference.heads[$0] }.sorted()
                        fail("group \(group.id): chain heads of node \(member) differ from node \(reference.node) in \(differing.prefix(3))")
                    }
                } else {
                    reference = (member, image, heads)
                }
            }
            guard let reference else { continue }
            checkEffects(reference.image, group: group.id)
            checkRealTimeOrder(reference.image, group: group.id)
            checkActReads(reference.image, group: group.id)
            checkStatsReads(reference.image, group: group.id)
        }
    }

    /// On one replica: every chain verifies, numbering is dense, and every acknowledged act and
    /// mention is there, as the client sent it, at the chain position and head it was told.
    private func checkReplica(_ image: RegistryImage, reader: some KeyValueReader, group: GroupID, node: NodeID) {
        for verification in image.verifications where !verification.result.isIntact {
            fail("group \(group) on node \(node): chain of register \(verification.register) broken: \(verification.result)")
        }
        for failure in image.numberingFailures() { fail("group \(group) on node \(node): \(failure)") }
        for (index, op, request) in registryHistory.writes where checkedGroup(op) == group {
            guard let entry = op.acknowledgedEntry else { continue }
            let label = "group \(group) on node \(node): acknowledged request \(request.requestID) (operation \(index))"
            if let difference = mismatch(request, entry: entry, in: image) { fail("\(label): \(difference)") }
            if RegistryImage.chainHead(entry.actID.register, position: entry.chainPosition, in: reader) != entry.chainHead {
                fail("\(label): chain position \(entry.chainPosition) of \(entry.actID.register) does not end at the acknowledged head")
            }
        }
    }

    /// What differs between an acknowledged request and what a replica stores for it, or nil.
    private func mismatch(_ request: RegistryRequest, entry: AcceptedEntry, in image: RegistryImage) -> String? {
        guard entry.requestID == request.requestID else { return "acknowledged with the entry of request \(entry.requestID)" }
        if case .appendMention(let target, let body) = request.operation {
            guard entry.actID == target, let sequence = entry.mentionSequence else { return "acknowledged as \(entry.actID), not a mention on \(target)" }
            guard let mention = image.records[target]?.mentions.first(where: { $0.sequence == sequence }) else { return "mention \(sequence) on \(target) missing" }
            guard mention.requestID == request.requestID, mention.body == body, mention.recordedAt == request.recordedAt,
                  mention.officer == request.officer else { return "mention \(sequence) on \(target) is not the one acknowledged" }
            return nil
        }
        guard entry.mentionSequence == nil, let act = image.records[entry.actID]?.act else { return "act \(entry.actID) missing" }
        guard act.requestID == request.requestID, act.recordedAt == request.recordedAt, act.officer == request.officer,
              act.civilDigitalID == entry.civilDigitalID, content(of: request) == act.content else {
            return "act \(entry.actID) is not the one acknowledged"
        }
        return nil
    }

    private func content(of request: RegistryRequest) -> ActContent? {
        switch request.operation {
        case .registerBirth(let birth): .birth(birth)
        case .registerDeath(let death): .death(death)
        case .importHistoricalAct(let item): item.content
        case .settleReview(let decision): if case .importAct(let item) = decision.resolution { item.content } else { nil }
        case .appendMention, .submitForReview: nil
        }
    }

    /// Request ids in the state: each produced at most one act or mention, each was sent by a
    /// client with that very content, every acknowledged request is there and every request
    /// known to have had no effect is not.
    private func checkEffects(_ image: RegistryImage, group: GroupID) {
        var sent: [RequestID: (index: Int, op: RegistryClientOperation, request: RegistryRequest)] = [:]
        for write in registryHistory.writes where checkedGroup(write.op) == group { sent[write.request.requestID] = write }
        for (requestID, locations) in image.locations.sorted(by: { $0.key < $1.key }) {
            if locations.count > 1 { fail("group \(group): request \(requestID) produced \(locations.count) entries: \(locations)") }
            guard let write = sent[requestID] else {
                fail("group \(group): \(locations[0]) carries request \(requestID), which no client sent")
                continue
            }
            let stored: Bool
            switch locations[0] {
            case .act(let id):
                stored = image.records[id]?.act.content == content(of: write.request)
            case .mention(let id, let sequence):
                let mention = image.records[id]?.mentions.first { $0.sequence == sequence }
                if case .appendMention(let target, let body) = write.request.operation {
                    stored = target == id && mention?.body == body
                } else {
                    stored = false
                }
            }
            if !stored { fail("group \(group): \(locations[0]) does not hold what request \(requestID) asked") }
            if write.op.isInvalid { fail("group \(group): request \(requestID), which breaks a content rule, is stored as \(locations[0])") }
            switch write.op.status {
            case .rejected(let violations, _):
                fail("group \(group): request \(requestID) was rejected (\(violations.first?.rule.code ?? "?")) but is stored as \(locations[0])")
            case .abandoned:
                fail("group \(group): request \(requestID) failed without effect on every attempt but is stored as \(locations[0])")
            default: break
            }
        }
        for write in sent.values where write.op.acknowledgedEntry != nil {
            if Set(write.op.acknowledgements).count > 1 {
                fail("group \(group): request \(write.request.requestID) was acknowledged with different entries: \(write.op.acknowledgements)")
            }
            if image.locations[write.request.requestID] == nil {
                fail("group \(group): acknowledged request \(write.request.requestID) is not in the state")
            }
        }
        checkStaleRefusals(image, group: group, sent: sent)
    }

    /// A mention refused for want of its act, when the act's creation had been acknowledged
    /// before the mention was sent, means some node answered from a state that missed an
    /// acknowledged write.
    private func checkStaleRefusals(_ image: RegistryImage, group: GroupID,
                                    sent: [RequestID: (index: Int, op: RegistryClientOperation, request: RegistryRequest)]) {
        var created: [ActID: UInt64] = [:]
        for write in sent.values {
            guard let entry = write.op.acknowledgedEntry, entry.mentionSequence == nil, let returned = write.op.returnedAt else { continue }
            created[entry.actID] = returned
        }
        for write in sent.values {
            guard case .rejected(let violations, let refused) = write.op.status, violations.contains(where: { $0.rule == .actNotFound }),
                  case .appendMention(let target, _) = write.request.operation,
                  let acknowledgedAt = created[target], acknowledgedAt < write.op.invokedAt else { continue }
            fail("group \(group): operation \(write.index) was \(refused ? "refused before the log" : "rejected") for act_not_found on \(target), whose creation was acknowledged before it was sent")
        }
    }
}
