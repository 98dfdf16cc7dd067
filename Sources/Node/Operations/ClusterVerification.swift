import Foundation

/// `sijil cluster verify`: checks every hash chain of every register on the national centre
/// against every regional replica, and reports each difference.
///
/// Each replica verifies its own chains (the registry's chain verifier, over its own state:
/// every act and mention re-hashed and linked). The centre's result for a register is then
/// compared with each regional replica's: a chain broken anywhere, a register one side lacks,
/// or two intact chains that differ. Replicas apply at slightly different moments, so a chain
/// shorter on one side is checked again until both sides agree or the wait's bound passes;
/// equal lengths with different heads can never be lag and are reported at once.
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
                        if let difference = try await compare(shard.group, register, center: center, replica: replica,
                                                              ours: reference[register], theirs: theirs[register], admin: admin) {
                            report.differences.append(difference)
                            admin.say("group \(shard.group) register \(register) node \(replica.id): \(difference.kind): \(difference.detail)")
                        }
                    }
                }
            }
        }
        return report
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

    /// Compares one register on the centre and a replica; a length difference is checked
    /// again until it closes or the wait's bound passes.
    static func compare(_ group: UInt64, _ register: String, center: ClusterTopology.Node, replica: ClusterTopology.Node,
                        ours: ChainCheckBody?, theirs: ChainCheckBody?, admin: ClusterAdmin) async throws -> Difference? {
        func difference(_ kind: String, _ ours: ChainCheckBody?, _ theirs: ChainCheckBody?) -> Difference {
            Difference(group: group, register: register, node: replica.id, kind: kind,
                       detail: "centre: \(describe(ours)); node \(replica.id): \(describe(theirs))")
        }
        if let theirs, !theirs.intact { return difference("broken", ours, theirs) }
        guard let ours, ours.intact else { return nil }
        if let theirs, theirs.chainLength == ours.chainLength {
            return theirs.chainHead == ours.chainHead ? nil : difference("diverged", ours, theirs)
        }
        // Different lengths (or absent on one side): one replica may not have applied the
        // latest entries yet. Read both again until they agree.
        var latest = (ours, theirs)
        do {
            _ = try await admin.wait("register \(register) of group \(group) agrees on the centre and node \(replica.id)") { () -> Bool? in
                let a = try? await single(register, on: center, admin: admin)
                let b = try? await single(register, on: replica, admin: admin)
                latest = (a ?? latest.0, b)
                guard let a, let b, a.intact, b.intact, a.chainLength == b.chainLength else { return nil }
                return true
            }
        } catch is ClusterAdmin.Timeout {
            return difference("behind", latest.0, latest.1)
        }
        if latest.0.chainHead != latest.1?.chainHead { return difference("diverged", latest.0, latest.1) }
        return nil
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
