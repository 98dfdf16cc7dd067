import Foundation
import Registry

/// How the cluster's shape changes while it runs. Every change produces the next version of
/// the topology; a running node accepts it only as a successor of its own: ids keep their
/// meaning (a node its region, a group its region and first office), a retired node stays
/// retired, and every office served before is still served by its region.
extension ClusterTopology {
    /// Every reason `self` cannot follow `old`, in one pass (empty: it can), judged at `now`
    /// (a revocation may be left out only once every token it covers has long expired).
    public func successorProblems(of old: ClusterTopology, now: Date = Date()) -> [String] {
        let nowSeconds = UInt64(max(0, now.timeIntervalSince1970))
        var problems = self.problems()
        if name != old.name { problems.append("cluster name \(name) differs from \(old.name)") }
        // Every running node checks tokens with the key it started with: a new key would
        // split the cluster into nodes that accept a token and nodes that refuse it.
        if tokenPublicKey != old.tokenPublicKey { problems.append("the token key (tokenPublicKey) changed") }
        for revocation in old.revokedTokens ?? [] where !(revokedTokens ?? []).contains(revocation) && !revocation.mayBeDropped(atSeconds: nowSeconds) {
            problems.append("a token revocation was dropped (\(revocation.tokenID.map { "token \($0)" } ?? "tokens of \(revocation.subject ?? "")")): a revoked token would be taken again")
        }
        if effectiveVersion <= old.effectiveVersion {
            problems.append("version \(effectiveVersion) does not follow version \(old.effectiveVersion)")
        }
        for before in old.nodes {
            guard let after = node(before.id) else {
                problems.append("node \(before.id) disappeared (retire it instead: ids are never reused)")
                continue
            }
            if after.region != before.region { problems.append("node \(before.id) moved from region \(before.region) to \(after.region)") }
            if after.isCenter != before.isCenter { problems.append("node \(before.id) changed whether it is the national centre") }
            if before.isRetired && !after.isRetired { problems.append("node \(before.id) was retired and cannot come back") }
        }
        for before in old.regions {
            guard let after = region(before.key) else {
                problems.append("region \(before.key) disappeared")
                continue
            }
            if after.code != before.code { problems.append("region \(before.key) changed its code") }
            // Every running node verifies copies with the keys it started with, and copies already
            // issued must go on verifying.
            if after.signingPublicKey != before.signingPublicKey { problems.append("region \(before.key) changed its copy-signing key (signingPublicKey)") }
            if !Set(before.formerSigningPublicKeys ?? []).isSubset(of: after.formerSigningPublicKeys ?? []) {
                problems.append("region \(before.key) dropped a former copy-signing key: the copies it signed would no longer verify")
            }
            for shard in before.shards {
                guard let now = after.shards.first(where: { $0.group == shard.group }) else {
                    problems.append("group \(shard.group) of region \(before.key) disappeared")
                    continue
                }
                if now.firstOffice != shard.firstOffice { problems.append("group \(shard.group) changed its first office") }
                if now.voters != shard.voters { problems.append("group \(shard.group) changed its initial voters") }
                if now.splitFrom != shard.splitFrom { problems.append("group \(shard.group) changed the group it was split from") }
                if now.lastOffice > shard.lastOffice { problems.append("group \(shard.group) grew its office range") }
                // A shard shrinks only by a split: what it gives up must be another shard's.
                if now.lastOffice < shard.lastOffice {
                    let given = (now.lastOffice + 1)...shard.lastOffice
                    let covered = after.shards.filter { $0.group != shard.group && given.lowerBound <= $0.lastOffice && $0.firstOffice <= given.upperBound }
                    let union = covered.reduce(0) { $0 + UInt64(min($1.lastOffice, given.upperBound) - max($1.firstOffice, given.lowerBound) + 1) }
                    if union != UInt64(given.count) { problems.append("offices \(given.lowerBound)...\(given.upperBound) of group \(shard.group) are no longer served") }
                }
            }
            problems += newSplitShardProblems(of: before, now: after)
        }
        return problems
    }

    /// A shard split from another takes part of what its parent served before: the split in the
    /// parent's log moves those offices' records, and nothing else could fill it.
    private func newSplitShardProblems(of before: Region, now after: Region) -> [String] {
        var problems: [String] = []
        for shard in after.shards where !before.shards.contains(where: { $0.group == shard.group }) {
            guard let parentID = shard.splitFrom else { continue }
            guard let parent = before.shards.first(where: { $0.group == parentID }) else {
                problems.append("group \(shard.group) is split from group \(parentID), which the previous version does not have")
                continue
            }
            if shard.firstOffice <= parent.firstOffice || shard.lastOffice > parent.lastOffice {
                problems.append("group \(shard.group) takes offices \(shard.firstOffice)...\(shard.lastOffice), not the upper part of group \(parentID)'s \(parent.firstOffice)...\(parent.lastOffice)")
            }
        }
        return problems
    }

    /// The shard group ids of region `code` are code × 1000 + k, k from 1 to 999.
    static let groupsPerRegionMax: UInt64 = 999

    /// The next version with `group` split at office `at`: the group keeps its offices before
    /// `at`, a new shard (the smallest unused id of the region, split from `group`, no voters of
    /// its own) takes `at` through the group's last office. The split itself happens in the
    /// group's log (`SplitCommand`); this is the topology that describes the cluster after it.
    public func splittingShard(group: UInt64, at office: UInt32) throws -> (ClusterTopology, Shard) {
        guard let regionIndex = regions.firstIndex(where: { $0.shards.contains { $0.group == group } }) else {
            throw NodeConfiguration.Problem(description: "group \(group) is not in the topology")
        }
        let region = regions[regionIndex]
        let shardIndex = region.shards.firstIndex { $0.group == group }!
        let parent = region.shards[shardIndex]
        guard parent.firstOffice < office && office <= parent.lastOffice else {
            throw NodeConfiguration.Problem(description: "office \(office) cannot split group \(group) (offices \(parent.firstOffice)...\(parent.lastOffice)): give an office after \(parent.firstOffice) and at most \(parent.lastOffice), so that offices stay on both sides")
        }
        let used = Set(regions.flatMap { $0.shards.map(\.group) })
        let base = UInt64(region.code) * 1_000
        guard let k = (1...Self.groupsPerRegionMax).first(where: { !used.contains(base + $0) }) else {
            throw NodeConfiguration.Problem(description: "region \(region.key) has no shard group id left")
        }
        let shard = Shard(group: base + k, firstOffice: office, lastOffice: parent.lastOffice, voters: [], splitFrom: group)
        var next = self
        next.version = effectiveVersion + 1
        next.regions[regionIndex].shards[shardIndex].lastOffice = office - 1
        next.regions[regionIndex].shards.insert(shard, at: shardIndex + 1)
        let problems = next.successorProblems(of: self)
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }
        return (next, shard)
    }

    /// The next version with `revocation` added (`sijil token revoke`) and the revocations that
    /// may be dropped at `now` left out; nil when the same revocation is already listed
    /// (revoking twice changes nothing).
    public func revoking(_ revocation: Revocation, now: Date = Date()) throws -> ClusterTopology? {
        if let problem = revocation.problem { throw NodeConfiguration.Problem(description: problem) }
        let nowSeconds = UInt64(max(0, now.timeIntervalSince1970))
        let listed = (revokedTokens ?? []).filter { !$0.mayBeDropped(atSeconds: nowSeconds) }
        if listed.contains(where: { $0.covers(revocation) }) { return nil }
        var next = self
        next.version = effectiveVersion + 1
        next.revokedTokens = listed + [revocation]
        let problems = next.successorProblems(of: self, now: now)
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }
        return next
    }

    /// The earliest issue time (seconds since 1970), from `seconds` on, at which a new token of
    /// `subject` is not caught by a revocation of that holder's tokens: a token issued in the
    /// same second as `sijil token revoke --subject` would be refused with the old ones.
    public func firstUnrevokedIssueTime(subject: String, from seconds: UInt64) -> UInt64 {
        let through = (revokedTokens ?? []).filter { $0.subject == subject }.compactMap(\.issuedThrough).max()
        guard let through, through >= seconds else { return seconds }
        return through + 1
    }

    /// The smallest unused node id of region `code`: code × 100 + k, k from 1 (retired ids
    /// count as used: they never come back).
    public func nextNodeIDs(regionCode code: UInt8, count: Int) -> [UInt64] {
        var used = Set(nodes.map(\.id))
        var ids: [UInt64] = []
        var candidate = UInt64(code) * 100 + 1
        while ids.count < count {
            if !used.contains(candidate) {
                ids.append(candidate)
                used.insert(candidate)
            }
            candidate += 1
        }
        return ids
    }

    /// Addresses for `count` new nodes on `hosts` (one each): the default ports on a host no
    /// node uses yet, else one past the highest ports used on it (loopback clusters).
    public func newAddresses(hosts: [String], httpPortDefault: Int = 7400, peerPortDefault: Int = 7500) -> [(peer: String, http: String)] {
        var highestHTTP: [String: Int] = [:]
        var highestPeer: [String: Int] = [:]
        for node in nodes {
            if let http = HostPort(node.http) { highestHTTP[http.host] = max(highestHTTP[http.host] ?? 0, http.port) }
            if let peer = HostPort(node.peer) { highestPeer[peer.host] = max(highestPeer[peer.host] ?? 0, peer.port) }
        }
        return hosts.map { host in
            let http = highestHTTP[host].map { $0 + 1 } ?? httpPortDefault
            let peer = highestPeer[host].map { $0 + 1 } ?? peerPortDefault
            highestHTTP[host] = http
            highestPeer[host] = peer
            return ("\(host):\(peer)", "\(host):\(http)")
        }
    }

    /// The next version with `region` and its `nodes` added (their groups replicated on the
    /// region's nodes and the centre).
    public func addingRegion(_ region: Region, nodes added: [Node]) throws -> ClusterTopology {
        if self.region(region.key) != nil { throw NodeConfiguration.Problem(description: "region \(region.key) is already in the cluster") }
        var next = self
        next.version = effectiveVersion + 1
        next.nodes += added
        next.regions.append(region)
        let problems = next.successorProblems(of: self)
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }
        return next
    }

    /// The next version with `added` nodes joined and the nodes `retiring` retired.
    public func changingNodes(adding added: [Node] = [], retiring: [UInt64] = []) throws -> ClusterTopology {
        var next = self
        next.version = effectiveVersion + 1
        next.nodes += added
        for id in retiring {
            guard let index = next.nodes.firstIndex(where: { $0.id == id }) else {
                throw NodeConfiguration.Problem(description: "node \(id) is not in the topology")
            }
            if next.nodes[index].isCenter { throw NodeConfiguration.Problem(description: "node \(id) is the national centre and cannot be retired") }
            next.nodes[index].retired = true
        }
        let problems = next.successorProblems(of: self)
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }
        return next
    }

    /// The next version with region `key`'s durability set to `mode` (the mode new groups of
    /// the region start with; the running groups switch through their logs).
    public func settingDurability(region key: String, mode: String) throws -> ClusterTopology {
        guard let index = regions.firstIndex(where: { $0.key == key }) else {
            throw NodeConfiguration.Problem(description: "region \(key) is not in the cluster")
        }
        var next = self
        next.version = effectiveVersion + 1
        next.regions[index].durability = mode
        let problems = next.successorProblems(of: self)
        guard problems.isEmpty else { throw NodeConfiguration.Problem(description: problems.joined(separator: "; ")) }
        return next
    }
}
