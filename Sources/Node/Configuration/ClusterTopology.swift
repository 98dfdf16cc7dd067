import NodeCore
import Raft
import Registry
import Services

/// The shape of the whole cluster: its nodes, its regions and each region's shard groups. The
/// same file is given to every node. Group ids and office ranges never change meaning once
/// issued; growing the cluster appends to this file.
public struct ClusterTopology: Codable, Sendable, Equatable {
    /// The cluster's name.
    public var name: String
    /// Incremented by every change to the cluster's shape (absent: 1). A running node accepts
    /// a newer version only if it is a successor of its own (`successorProblems(of:)`).
    public var version: UInt64?
    /// Every node, reachable or not.
    public var nodes: [Node]
    /// The regions and their shards.
    public var regions: [Region]
    /// The Ed25519 public key (raw 32 bytes, base64) that verifies access tokens. The private
    /// key stays with the operators (`keys/tokens.signing.key`), who issue tokens with
    /// `sijil token issue`; without this key every authenticated route is refused.
    public var tokenPublicKey: String?
    /// Access tokens refused before they expire (`sijil token revoke`), in the order they were
    /// revoked. A version drops one only a day after every token it covers has expired
    /// (`Revocation.mayBeDropped(atSeconds:)`).
    public var revokedTokens: [Revocation]?

    /// A revocation: one token by its id, or every token of a holder issued up to a time.
    public struct Revocation: Codable, Sendable, Equatable {
        /// The revoked token's id (`tokenID` of its claims), for one token.
        public var tokenID: String?
        /// The holder (`subject` of the claims) whose tokens issued at or before
        /// `issuedThrough` are revoked; tokens issued after it are not.
        public var subject: String?
        /// Seconds since 1970, with `subject`.
        public var issuedThrough: UInt64?
        /// With `tokenID`: the token's end of validity, seconds since 1970 (absent in revocations
        /// recorded before it was kept: those are kept for ever).
        public var expiresAt: UInt64?
        /// Why, as the operator gave it (repeated in the 401 answer).
        public var reason: String
        /// When it was revoked (ISO 8601, UTC).
        public var revokedAt: String

        /// Creates a value from its parts.
        public init(tokenID: String? = nil, subject: String? = nil, issuedThrough: UInt64? = nil, expiresAt: UInt64? = nil,
                    reason: String, revokedAt: String) {
            self.tokenID = tokenID
            self.subject = subject
            self.issuedThrough = issuedThrough
            self.expiresAt = expiresAt
            self.reason = reason
            self.revokedAt = revokedAt
        }

        /// How long a revocation is kept after the last token it covers expired: a node whose
        /// clock is behind still sees those tokens as valid for that long.
        public static let keptAfterLapseSeconds: UInt64 = 86_400

        /// When every token the revocation covers has expired, in seconds since 1970: the
        /// token's end, or for a holder's tokens the latest end of a token issued through
        /// `issuedThrough` (a token lives at most `AccessTokenLimits.lifetimeSecondsMax`). Nil
        /// for a token revocation recorded without the token's end.
        public var lapsesAt: UInt64? {
            if tokenID != nil { return expiresAt }
            return issuedThrough.map { $0 + AccessTokenLimits.lifetimeSecondsMax }
        }

        /// Whether a topology version made at `now` (seconds since 1970) may leave this
        /// revocation out: a day after every token it covers expired, when each is refused as
        /// expired anyway.
        public func mayBeDropped(atSeconds now: UInt64) -> Bool {
            guard let lapsesAt else { return false }
            return now >= lapsesAt + Self.keptAfterLapseSeconds
        }

        /// Why the revocation is not usable, if it is not.
        public var problem: String? {
            switch (tokenID, subject, issuedThrough) {
            case (let id?, nil, nil): id.isEmpty ? "a revocation names an empty token id" : reason.isEmpty ? "revocation of token \(id) gives no reason" : nil
            case (nil, let subject?, _?): subject.isEmpty ? "a revocation names an empty subject" : reason.isEmpty ? "revocation of \(subject)'s tokens gives no reason" : nil
            default: "a revocation names either a tokenID, or a subject with issuedThrough"
            }
        }
    }

    /// One node of the cluster.
    public struct Node: Codable, Sendable, Equatable {
        /// The node id.
        public var id: UInt64
        /// The region key (e.g. "RSK"), or "CENTER" for the national centre.
        public var region: String
        /// host:port for node-to-node traffic (mutual TLS).
        public var peer: String
        /// host:port of the HTTP API.
        public var http: String
        /// The national centre's node id, if any.
        public var center: Bool?
        /// A retired node (replaced, removed, or lost with its region) never comes back: every
        /// node refuses its connections and it refuses to start. Its id is never reused.
        public var retired: Bool?

        /// Creates a value from its parts.
        public init(id: UInt64, region: String, peer: String, http: String, center: Bool? = nil, retired: Bool? = nil) {
            self.id = id
            self.region = region
            self.peer = peer
            self.http = http
            self.center = center
            self.retired = retired
        }

        /// Whether the node is the national centre.
        public var isCenter: Bool { center ?? false }
        /// Whether the node is retired.
        public var isRetired: Bool { retired ?? false }
    }

    /// A region and its shards. `durability` is "center" (acknowledged only once the centre
    /// holds a write too) or "region" (a regional majority is enough).
    public struct Region: Codable, Sendable, Equatable {
        /// The region key, e.g. "RSK".
        public var key: String
        /// The official region number (04 for Rabat-Salé-Kénitra).
        public var code: UInt8
        /// "center" or "region".
        public var durability: String
        /// The region's shard groups.
        public var shards: [Shard]
        /// The Ed25519 public key (raw 32 bytes, base64) that signs this region's copies, so any
        /// node, and anyone holding the topology, can verify a copy.
        public var signingPublicKey: String?
        /// Public keys (raw 32 bytes, base64) that signed this region's copies before its current
        /// key: a cluster restored from a backup lists the backed-up cluster's keys here, so
        /// that the copies citizens already hold still verify. Nothing is signed with them.
        public var formerSigningPublicKeys: [String]?

        /// Creates a value from its parts.
        public init(key: String, code: UInt8, durability: String, shards: [Shard], signingPublicKey: String? = nil,
                    formerSigningPublicKeys: [String]? = nil) {
            self.key = key
            self.code = code
            self.durability = durability
            self.shards = shards
            self.signingPublicKey = signingPublicKey
            self.formerSigningPublicKeys = formerSigningPublicKeys
        }
    }

    /// A shard group: the acts of the offices whose codes fall in `firstOffice...lastOffice`.
    public struct Shard: Codable, Sendable, Equatable {
        /// The shard group.
        public var group: UInt64
        /// First office code of the shard.
        public var firstOffice: UInt32
        /// Last office code of the shard.
        public var lastOffice: UInt32
        /// Voting members (both sides of a joint configuration). Empty for a shard split from
        /// another: its voters are its parent's at the split's position in the parent's log.
        public var voters: [UInt64]
        /// Non-voting members.
        public var learners: [UInt64]?
        /// The group this shard was split from (`sijil cluster split-shard`), absent for a shard
        /// created with its own voters. Such a shard is created by the split in its parent's log,
        /// never bootstrapped from this file.
        public var splitFrom: UInt64?

        /// Creates a value from its parts.
        public init(group: UInt64, firstOffice: UInt32, lastOffice: UInt32, voters: [UInt64], learners: [UInt64]? = nil, splitFrom: UInt64? = nil) {
            self.group = group
            self.firstOffice = firstOffice
            self.lastOffice = lastOffice
            self.voters = voters
            self.learners = learners
            self.splitFrom = splitFrom
        }

        /// Whether the shard was split from another.
        public var isSplit: Bool { splitFrom != nil }
    }

    /// Creates a value from its parts.
    public init(name: String, version: UInt64? = nil, nodes: [Node], regions: [Region], tokenPublicKey: String? = nil) {
        self.name = name
        self.version = version
        self.nodes = nodes
        self.regions = regions
        self.tokenPublicKey = tokenPublicKey
    }

    /// The version (1 when absent).
    public var effectiveVersion: UInt64 { version ?? 1 }

    /// The national centre's node id.
    public var centerID: UInt64? { nodes.first { $0.isCenter }?.id }

    /// The nodes that are not retired.
    public var activeNodes: [Node] { nodes.filter { !$0.isRetired } }

    /// The region with this key.
    public func region(_ key: String) -> Region? { regions.first { $0.key == key } }

    /// The region of a shard group.
    public func region(ofGroup group: UInt64) -> Region? { regions.first { $0.shards.contains { $0.group == group } } }

    /// The active nodes that hold replicas of `region`'s groups: its own nodes first, then the
    /// centre.
    public func replicaNodes(of region: Region) -> [Node] {
        activeNodes.filter { $0.region == region.key } + activeNodes.filter(\.isCenter)
    }

    /// The node with this id.
    public func node(_ id: UInt64) -> Node? { nodes.first { $0.id == id } }

    /// The group holding `office`'s acts.
    public func group(forOffice office: UInt32) -> UInt64? {
        for region in regions {
            for shard in region.shards where shard.firstOffice <= office && office <= shard.lastOffice { return shard.group }
        }
        return nil
    }

    /// The region whose shard holds `office`'s acts.
    public func region(forOffice office: UInt32) -> Region? {
        regions.first { region in region.shards.contains { $0.firstOffice <= office && office <= $0.lastOffice } }
    }

    /// The groups a node hosts: every shard of its region (as an initial member, or empty until
    /// it is added), every shard it is an initial member of, and every shard on the centre.
    public func hostedDescriptors(node id: UInt64) -> [GroupDescriptor] {
        guard let me = node(id), !me.isRetired else { return [] }
        return descriptors().filter { descriptor in
            me.isCenter || descriptor.region == me.region || descriptor.initialMembership.members.contains(id)
        }
    }

    /// The descriptor each member creates the group from. A split shard's descriptor has no
    /// initial membership: every node of its region hosts it empty until it applies the split
    /// (or receives a snapshot from the new group's leader); bootstrapping it from a membership
    /// would start a second, empty history of the same group.
    public func descriptors() -> [GroupDescriptor] {
        regions.flatMap { region in
            region.shards.map { shard in
                if shard.isSplit { return GroupDescriptor(id: shard.group, region: region.key, machine: "registry", initialMembership: Membership()) }
                let center = centerID
                let membership = Membership(
                    voters: Set(shard.voters), learners: Set(shard.learners ?? []), center: center,
                    centerRule: region.durability == "center" && center != nil)
                return GroupDescriptor(id: shard.group, region: region.key, machine: "registry", initialMembership: membership)
            }
        }
    }

    /// Every problem that makes the topology unusable, in one pass.
    public func problems() -> [String] {
        var problems: [String] = []
        var ids = Set<UInt64>()
        for node in nodes {
            if node.id == 0 { problems.append("node id 0 is reserved") }
            if !ids.insert(node.id).inserted { problems.append("node id \(node.id) appears twice") }
            if HostPort(node.peer) == nil { problems.append("node \(node.id): peer address \(node.peer) is not host:port") }
            if HostPort(node.http) == nil { problems.append("node \(node.id): http address \(node.http) is not host:port") }
        }
        if nodes.filter(\.isCenter).count > 1 { problems.append("more than one node is the national centre") }
        var addresses = Set<String>()
        for node in activeNodes {
            for address in Set([node.peer, node.http]) where !addresses.insert(address).inserted {
                problems.append("node \(node.id): address \(address) is used by another node")
            }
        }
        problems += (revokedTokens ?? []).compactMap(\.problem)
        var groups = Set<UInt64>()
        var keys = Set<String>()
        var codes = Set<UInt8>()
        for region in regions {
            if !keys.insert(region.key).inserted { problems.append("region \(region.key) appears twice") }
            if !codes.insert(region.code).inserted { problems.append("region code \(region.code) appears twice") }
            if region.key == "CENTER" { problems.append("CENTER is the centre's key, not a region's") }
            if region.durability != "center" && region.durability != "region" {
                problems.append("region \(region.key): durability must be center or region, not \(region.durability)")
            }
            if region.durability == "center" && centerID == nil { problems.append("region \(region.key): center durability needs a centre node") }
            let ordered = region.shards.sorted { $0.firstOffice < $1.firstOffice }
            for (index, shard) in ordered.enumerated() {
                if !groups.insert(shard.group).inserted { problems.append("group \(shard.group) appears twice") }
                if shard.firstOffice > shard.lastOffice { problems.append("group \(shard.group): empty office range") }
                if index > 0 && ordered[index - 1].lastOffice >= shard.firstOffice {
                    problems.append("groups \(ordered[index - 1].group) and \(shard.group) overlap")
                }
                problems += splitProblems(shard, region: region)
                for member in shard.voters + (shard.learners ?? []) {
                    guard let node = node(member) else {
                        problems.append("group \(shard.group): member \(member) is not a node")
                        continue
                    }
                    // Leaders stay in their region: only the region's own nodes and the centre
                    // ever hold a replica of its groups.
                    if !node.isCenter && node.region != region.key {
                        problems.append("group \(shard.group) of region \(region.key): member \(member) belongs to region \(node.region)")
                    }
                }
                let low = UInt32(region.code) * 100_000
                if shard.firstOffice < low || shard.lastOffice > low + 99_999 {
                    problems.append("group \(shard.group): offices \(shard.firstOffice)...\(shard.lastOffice) are outside region \(region.key)'s codes")
                }
            }
        }
        return problems
    }

    /// A split shard takes its voters from its parent's log and its parent is a shard of the
    /// same region; any other shard names its voters.
    private func splitProblems(_ shard: Shard, region: Region) -> [String] {
        guard let parent = shard.splitFrom else { return shard.voters.isEmpty ? ["group \(shard.group) has no voters"] : [] }
        var problems: [String] = []
        if !shard.voters.isEmpty || !(shard.learners ?? []).isEmpty {
            problems.append("group \(shard.group) is split from group \(parent): its members come from that group's log, leave voters and learners empty")
        }
        if parent == shard.group || !region.shards.contains(where: { $0.group == parent }) {
            problems.append("group \(shard.group) is split from group \(parent), which is not another shard of region \(region.key)")
        }
        return problems
    }

    /// A topology for one region and the centre: `shardCount` groups over the region's office
    /// codes, each replicated on every regional node and the centre.
    public static func make(
        name: String, regionKey: String, regionCode: UInt8, durability: String, regionalNodes: [Node], center: Node?,
        shardCount: Int, reference: ReferenceData = .embedded
    ) -> ClusterTopology {
        var nodes = regionalNodes
        if let center { nodes.append(center) }
        let region = Region(
            key: regionKey, code: regionCode, durability: durability,
            shards: shards(regionCode: regionCode, count: shardCount, members: regionalNodes.map(\.id) + (center.map { [$0.id] } ?? []), reference: reference))
        return ClusterTopology(name: name, nodes: nodes, regions: [region])
    }

    /// Splits a region's office-code space into `count` contiguous ranges holding about the
    /// same number of known offices; the first starts and the last ends at the region's bounds,
    /// so an office created later still has a shard.
    public static func shards(regionCode: UInt8, count: Int, members: [UInt64], reference: ReferenceData = .embedded) -> [Shard] {
        precondition(count >= 1 && count <= 999, "1 to 999 shards per region")
        let low = UInt32(regionCode) * 100_000
        let high = low + 99_999
        let offices = reference.offices(in: RegionCode(regionCode)).map(\.code.rawValue).sorted()
        var starts: [UInt32] = [low]
        for index in 1..<max(count, 1) where !offices.isEmpty {
            let position = offices.count * index / count
            let start = offices[min(position, offices.count - 1)]
            if start > starts.last! { starts.append(start) }
        }
        return starts.enumerated().map { index, start in
            let end = index + 1 < starts.count ? starts[index + 1] - 1 : high
            return Shard(group: UInt64(regionCode) * 1_000 + UInt64(index + 1), firstOffice: start, lastOffice: end, voters: members)
        }
    }
}

/// A parsed "host:port".
public struct HostPort: Sendable, Equatable {
    /// The host name or address.
    public var host: String
    /// The port.
    public var port: Int

    /// Creates a value from its parts.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65_535).contains(port) else {
            return nil
        }
        host = String(text[..<colon])
        if host.isEmpty { return nil }
        self.port = port
    }
}
