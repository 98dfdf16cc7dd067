import Foundation

/// `sijil cluster verify`: checks every hash chain of every register on the national centre
/// against every regional replica, and reports each difference.
///
/// Each replica verifies its own chains (the registry's chain verifier, over its own state:
/// every act and mention re-hashed and linked). The centre's result for a register is then
/// compared with each regional replica's: a chain broken anywhere, a register one side lacks,
/// or two intact chains that differ. Replicas apply at slightly different moments, so the chains
/// only shorter on one side are checked again, all together, until each agrees or the wait's
/// bound (one for the whole run) passes; equal lengths with different heads can never be lag and
/// are reported at once.
public enum ClusterVerification {
    /// One difference.
    public struct Difference: Codable, Sendable, Equatable {
        /// The shard group.
        public var group: UInt64
        /// office/year/kind.
        public var register: String
        /// The replica compared with the centre.
        public var node: UInt64
        /// "broken" (the chain does not verify on `node`), "missing" (one side lacks the
        /// register), "diverged" (same length, different heads), "behind" (still shorter on
        /// one side when the wait ended).
        public var kind: String
        /// What each side holds.
        public var detail: String
    }

    /// The whole verification.
    public struct Report: Codable, Sendable, Equatable {
        /// Groups checked.
        public var groups: Int
        /// Registers checked on the centre.
        public var registers: Int
        /// Replica-and-register pairs compared.
        public var comparisons: Int
        /// Every difference found.
        public var differences: [Difference]
        /// Groups that could not be checked, and why.
        public var unchecked: [String]

        /// True when every chain verified and matched.
        public var clean: Bool { differences.isEmpty && unchecked.isEmpty }
    }

    /// Verifies the groups of `regions` (every region when empty).
    public static func run(_ topology: ClusterTopology, regions: [String] = [], admin: ClusterAdmin) async throws -> Report {
        guard let centerID = topology.centerID, let center = topology.node(centerID) else {
            throw ClusterOperationError(description: "the cluster has no national centre to verify against")
        }
        var report = Report(groups: 0, registers: 0, comparisons: 0, differences: [], unchecked: [])
        var lagging: [Pair] = []
        for region in topology.regions where regions.isEmpty || regions.contains(region.key) {
            let replicas = topology.activeNodes.filter { $0.region == region.key }
            for shard in region.shards {
                report.groups += 1
                let reference: [String: ChainCheckBody]
                do {
                    reference = try await chains(of: shard.group, on: center, admin: admin)
                } catch {
                    report.unchecked.append("group \(shard.group): the centre could not be read: \(error)")
                    continue
                }
                report.registers += reference.count
                for (register, check) in reference.sorted(by: { $0.key < $1.key }) where !check.intact {
                    report.differences.append(Difference(group: shard.group, register: register, node: centerID, kind: "broken",
                                                         detail: "on the centre: \(check.breakReason ?? "")"))
                }
                for replica in replicas {
                    let theirs: [String: ChainCheckBody]
                    do {
                        theirs = try await chains(of: shard.group, on: replica, admin: admin)
                    } catch {
                        report.unchecked.append("group \(shard.group) on node \(replica.id): \(error)")
                        continue
                    }
                    for register in Set(reference.keys).union(theirs.keys).sorted() {
                        report.comparisons += 1
                        let pair = Pair(group: shard.group, register: register, node: replica.id, centre: reference[register], replica: theirs[register])
                        switch compare(pair) {
                        case .agree: break
                        case .differ(let difference):
                            report.differences.append(difference)
                            say(difference, admin)
                        case .lagging: lagging.append(pair)
                        }
                    }
                }
            }
        }
        // Chains only shorter on one side: read again, all together, until each agrees or
        // differs for good, within one bound for the whole run (a bound per register would make
        // a run over many differences last hours).
        let deadline = ContinuousClock.now + .milliseconds(admin.waitMs)
        let settled = try await settle(lagging, read: { register, node in
            guard let target = topology.node(node) else { return nil }
            return try? await single(register, on: target, admin: admin)
        }, centre: centerID, pause: {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(200))
            return true
        })
        for difference in settled { say(difference, admin) }
        report.differences += settled
        return report
    }

    static func say(_ difference: Difference, _ admin: ClusterAdmin) {
        admin.say("group \(difference.group) register \(difference.register) node \(difference.node): \(difference.kind): \(difference.detail)")
    }

    /// One register compared between the centre and one regional replica, with what each side
    /// last showed (nil: that side holds none of it, or could not be read).
    struct Pair: Sendable, Equatable {
        var group: UInt64
        var register: String
        var node: UInt64
        var centre: ChainCheckBody?
        var replica: ChainCheckBody?
    }

    enum Comparison: Equatable {
        case agree
        case differ(Difference)
        /// Intact on the centre, intact or absent on the replica, with different lengths: the
        /// replica (or the centre) may not have applied the latest entries yet.
        case lagging
    }

    /// What one comparison shows. Equal lengths with different heads can never be lag.
    static func compare(_ pair: Pair) -> Comparison {
        func difference(_ kind: String) -> Comparison {
            .differ(Difference(group: pair.group, register: pair.register, node: pair.node, kind: kind,
                               detail: "centre: \(describe(pair.centre)); node \(pair.node): \(describe(pair.replica))"))
        }
        if let theirs = pair.replica, !theirs.intact { return difference("broken") }
        guard let ours = pair.centre, ours.intact else { return .agree }
        guard let theirs = pair.replica, theirs.chainLength == ours.chainLength else { return .lagging }
        return theirs.chainHead == ours.chainHead ? .agree : difference("diverged")
    }

    /// Reads every lagging pair again, each round reading a register once per node (the
    /// centre's answer serves every replica of that register), until none is lagging or
    /// `pause` says the bound has passed; what still lags then is "behind". `read` gives a
    /// node's verification of a register, nil when it holds none or cannot be read (a centre
    /// that cannot be read keeps its last answer). The differences come sorted by group,
    /// register and node.
    static func settle(_ lagging: [Pair], read: (String, UInt64) async -> ChainCheckBody?, centre: UInt64,
                       pause: () async throws -> Bool) async throws -> [Difference] {
        var pending = lagging
        var found: [Difference] = []
        while !pending.isEmpty, try await pause() {
            var seen: [String: ChainCheckBody?] = [:]
            func cached(_ register: String, _ node: UInt64) async -> ChainCheckBody? {
                let key = "\(node) \(register)"
                if let known = seen[key] { return known }
                let value = await read(register, node)
                seen[key] = value
                return value
            }
            var still: [Pair] = []
            for var pair in pending {
                pair.centre = await cached(pair.register, centre) ?? pair.centre
                pair.replica = await cached(pair.register, pair.node)
                if let ours = pair.centre, !ours.intact {
                    // Intact at the first reading, broken now: reported as such, once.
                    if !found.contains(where: { $0.register == pair.register && $0.node == centre && $0.kind == "broken" }) {
                        found.append(Difference(group: pair.group, register: pair.register, node: centre, kind: "broken",
                                                detail: "on the centre: \(ours.breakReason ?? "")"))
                    }
                    continue
                }
                switch compare(pair) {
                case .agree: break
                case .differ(let difference): found.append(difference)
                case .lagging: still.append(pair)
                }
            }
            pending = still
        }
        for pair in pending {
            found.append(Difference(group: pair.group, register: pair.register, node: pair.node, kind: "behind",
                                    detail: "centre: \(describe(pair.centre)); node \(pair.node): \(describe(pair.replica))"))
        }
        return found.sorted { ($0.group, $0.register, $0.node) < ($1.group, $1.register, $1.node) }
    }

    /// Every register of `group` as verified by `node` (its own replica, however fresh).
    static func chains(of group: UInt64, on node: ClusterTopology.Node, admin: ClusterAdmin) async throws -> [String: ChainCheckBody] {
        var all: [String: ChainCheckBody] = [:]
        var after: String?
        repeat {
            let query = after.map { "&after=\($0)" } ?? ""
            let response = try await admin.http.send("GET", node.http, "/v1/cluster/groups/\(group)/verify?consistency=stale\(query)")
            guard response.status == 200 else { throw ClusterOperationError(description: "node \(node.id): HTTP \(response.status) \(response.text)") }
            let page = try response.decode(ChainCheckPageBody.self)
            for row in page.registers { all[row.register] = row }
            after = page.next
        } while after != nil
        return all
    }

    static func describe(_ check: ChainCheckBody?) -> String {
        guard let check else { return "absent" }
        guard check.intact else { return "broken (\(check.breakReason ?? ""))" }
        return "\(check.chainLength ?? 0) entries, head \(check.chainHead?.prefix(16) ?? "")"
    }

    /// One register verified by one replica; nil when the replica holds none of it.
    static func single(_ register: String, on node: ClusterTopology.Node, admin: ClusterAdmin) async throws -> ChainCheckBody? {
        let response = try await admin.http.send("GET", node.http, "/v1/registers/\(register)/verify?consistency=stale")
        guard response.status == 200 else { return nil }
        let body = try response.decode(RegisterVerificationBody.self)
        return ChainCheckBody(register: register, intact: body.intact, chainLength: body.chainLength, chainHead: body.chainHead?.description,
                              breakReason: body.breakReason)
    }
}
