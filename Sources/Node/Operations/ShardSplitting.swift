import Foundation
import Registry

/// What `sijil cluster split-shard` did.
public struct ShardSplitReport: Codable, Sendable, Equatable {
    /// The group that split; it keeps its offices before `firstOffice`.
    public var group: UInt64
    /// The new group.
    public var newGroup: UInt64
    /// The first office that moved.
    public var firstOffice: UInt32
    /// The last office that moved.
    public var lastOffice: UInt32
    /// The split's position in the group's log (absent when the split was made by an earlier
    /// run whose topology was not pushed, and this run only recorded it).
    public var index: UInt64?
    /// State records that moved to the new group (absent as `index`).
    public var movedRecords: UInt64?
    /// The new group's voters (the group's at the split).
    public var voters: [UInt64]
    /// The topology version that describes the cluster after the split.
    public var topologyVersion: UInt64
    /// The new group's leader once it elected one.
    public var leader: UInt64
    /// Nodes that did not take the new topology version, with the reason; they route by the
    /// old one (still correct: the group answers moved requests) until the next push.
    public var notUpdated: [UInt64: String]
}

extension RegionOperations {
    /// Splits shard `group` at office `at` (offices `at`...last move to a new group), or, when
    /// `at` is nil, at the office that leaves about half of its acts on each side. The split is
    /// a command in the group's log, sent to its leader; once it is applied, the next topology
    /// version (which names the new group) is saved and pushed to every node, and the new group's
    /// leader is awaited. Nothing changes when the split is refused. When the new group already
    /// exists (an earlier run split the group and stopped before saving the topology), the
    /// split is not sent again: this run saves and pushes the topology that names it.
    public mutating func splitShard(_ group: UInt64, at: UInt32?) async throws -> ShardSplitReport {
        let old = layout.topology
        guard let region = old.region(ofGroup: group) else { throw ClusterOperationError(description: "group \(group) is not in the topology") }
        let office: UInt32
        if let at { office = at } else { office = try await balancedSplitOffice(group, old) }
        let next: ClusterTopology
        let shard: ClusterTopology.Shard
        do {
            (next, shard) = try old.splittingShard(group: group, at: office)
        } catch {
            throw ClusterOperationError(description: "\(error)")
        }
        admin.say("group \(group) (region \(region.key)): offices \(shard.firstOffice)...\(shard.lastOffice) move to new group \(shard.group)")
        let split: SplitResponse?
        var voters: [UInt64]
        if let existing = await splitGroupStatus(shard.group, old) {
            // Only a split creates a group the topology does not name: an earlier run (or the
            // route by hand) split the group and stopped before the topology was saved. The
            // split is not sent twice; this run records it.
            split = nil
            voters = existing.voters
            admin.say("group \(shard.group) already exists (a split made earlier, not yet in the topology): recording it")
        } else {
            let body = SplitBody(newGroup: shard.group, firstOffice: shard.firstOffice, lastOffice: shard.lastOffice)
            let response = try await sendSplit(group, body, old)
            split = response
            voters = response.voters
            admin.say("group \(group): split applied at index \(response.index), \(response.movedRecords) records moved, voters \(voters.map(String.init).joined(separator: ","))")
        }
        voters.sort()
        try layout.save(next)
        admin.say("topology version \(next.effectiveVersion): group \(shard.group) serves offices \(shard.firstOffice)...\(shard.lastOffice)")
        let refused = await admin.push(next)
        let leader = try await admin.wait("new group \(shard.group) has a leader") { await admin.leaderView(of: shard.group, next)?.node.id }
        admin.say("group \(shard.group): leader \(leader)")
        return ShardSplitReport(
            group: group, newGroup: shard.group, firstOffice: shard.firstOffice, lastOffice: shard.lastOffice, index: split?.index,
            movedRecords: split?.movedRecords, voters: voters, topologyVersion: next.effectiveVersion, leader: leader, notUpdated: refused)
    }

    /// `group` as the first node that hosts it with members sees it. The topology does not name
    /// it yet, so no node hosts it empty: a replica with voters exists only if the split that
    /// creates it was applied.
    private func splitGroupStatus(_ group: UInt64, _ topology: ClusterTopology) async -> GroupStatus? {
        for node in topology.activeNodes {
            guard let response = try? await admin.http.send("GET", node.http, "/v1/cluster/status"), response.status == 200,
                  let body = try? response.decode(NodeStatusBody.self) else { continue }
            if let status = body.groups.first(where: { $0.group == group && !$0.voters.isEmpty }) { return status }
        }
        return nil
    }

    /// Sends the split to the group's leader, again while a leader is being elected (503
    /// `no_leader`/`not_leader`: nothing was proposed). Any other refusal is final; an answer
    /// that never comes leaves the outcome unknown, which `cluster status` settles.
    private func sendSplit(_ group: UInt64, _ body: SplitBody, _ topology: ClusterTopology) async throws -> SplitResponse {
        try await admin.wait("group \(group) applies the split") { () -> SplitResponse? in
            guard let (leader, _) = await admin.leaderView(of: group, topology) else { return nil }
            let response: HTTPSClient.Response
            do {
                response = try await admin.http.sendJSON("POST", leader.http, "/v1/admin/groups/\(group)/split", body)
            } catch {
                throw ClusterOperationError(description: """
                    group \(group): no answer from node \(leader.id) (\(error)); the split may or may not have happened: \
                    run the same split-shard again (with --at \(body.firstOffice)): it records the split if it happened, and makes it otherwise
                    """)
            }
            if response.status == 200 { return try response.decode(SplitResponse.self) }
            if response.status == 503 && (response.text.contains("no_leader") || response.text.contains("not_leader")) { return nil }
            throw ClusterOperationError(description: "group \(group): node \(leader.id) refused the split: HTTP \(response.status) \(response.text)")
        }
    }

    /// The office that splits `group`'s acts about in half: the first office of the upper
    /// half, so the lower part keeps the group's first office.
    func balancedSplitOffice(_ group: UInt64, _ topology: ClusterTopology) async throws -> UInt32 {
        guard let (leader, _) = await admin.leaderView(of: group, topology) else {
            throw ClusterOperationError(description: "group \(group) has no leader to count its acts; give --at")
        }
        var acts: [UInt32: UInt64] = [:]
        for register in try await registers(of: group, on: leader) {
            guard let id = RegisterID(path: register.register) else { continue }
            acts[id.office.rawValue, default: 0] += register.actCount
        }
        guard let office = Self.balancedSplitOffice(acts: acts) else {
            throw ClusterOperationError(description: "group \(group) holds acts of \(acts.count) office(s): nothing to split in half; give --at")
        }
        return office
    }

    /// The office `o` (one holding acts, not the lowest) for which the acts of the offices
    /// below `o` are closest to half of all; nil with fewer than two offices holding acts.
    public static func balancedSplitOffice(acts: [UInt32: UInt64]) -> UInt32? {
        let offices = acts.keys.sorted()
        guard offices.count >= 2 else { return nil }
        let total = acts.values.reduce(0, +)
        var below: UInt64 = 0
        var best: (office: UInt32, distance: UInt64)?
        for (position, office) in offices.enumerated() {
            if position > 0 {
                let distance = max(2 * below, total) - min(2 * below, total)
                if best == nil || distance < best!.distance { best = (office, distance) }
            }
            below += acts[office]!
        }
        return best?.office
    }
}
