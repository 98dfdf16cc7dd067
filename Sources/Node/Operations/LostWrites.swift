import Foundation
import NodeCore
import Raft
import Registry

/// The acts and mentions an old replica of a lost region holds and the centre does not: what
/// `region` durability lost, listed exactly, when the old region's disks are still readable.
///
/// The old replica's store is opened read-only in spirit (nothing is proposed; the node core
/// only loads it) and its applied state is compared, register by register, with the centre's:
/// every act and every mention is identified by its request id, so an act number the centre
/// gave to another request is reported as lost too.
public struct LostWrites: Codable, Sendable, Equatable {
    /// One lost act or mention.
    public struct Write: Codable, Sendable, Equatable {
        /// The act (office/year/kind/number).
        public var act: String
        /// The mention's sequence, for a mention.
        public var mention: UInt32?
        /// The request id the old region acknowledged it under.
        public var requestID: String
        /// Why it counts as lost.
        public var reason: String
        /// Written by an entry after the commit index the old replica knew: lost only if the
        /// region had committed it (absent: no).
        public var pastCommit: Bool?

        /// Creates a value from its parts.
        public init(act: String, mention: UInt32? = nil, requestID: String, reason: String, pastCommit: Bool? = nil) {
            self.act = act
            self.mention = mention
            self.requestID = requestID
            self.reason = reason
            self.pastCommit = pastCommit
        }
    }

    /// One lost act or mention as every old disk read lists it: once, whatever the number of
    /// disks that hold it.
    public struct Distinct: Codable, Sendable, Equatable {
        /// The write, with the reason of a disk that knew it committed when one did.
        public var write: Write
        /// The data directories whose old replica holds it, in the order they were given.
        public var dataDirectories: [String]
    }

    /// The writes of `reports` (one per old disk), each once: a write some disk knew committed
    /// takes that disk's reason; one only ever seen past a commit index keeps the qualified one.
    /// In the order of the acts, then of their mentions.
    public static func distinct(_ reports: [LostWrites]) -> [Distinct] {
        struct Key: Hashable {
            var act: String
            var mention: UInt32?
            var requestID: String
        }
        var order: [Key] = []
        var merged: [Key: Distinct] = [:]
        for report in reports {
            for write in report.writes {
                let key = Key(act: write.act, mention: write.mention, requestID: write.requestID)
                guard var seen = merged[key] else {
                    order.append(key)
                    merged[key] = Distinct(write: write, dataDirectories: [report.dataDirectory])
                    continue
                }
                if !seen.dataDirectories.contains(report.dataDirectory) { seen.dataDirectories.append(report.dataDirectory) }
                if seen.write.pastCommit == true && write.pastCommit != true { seen.write = write }
                merged[key] = seen
            }
        }
        return order.compactMap { merged[$0] }.sorted { left, right in
            if left.write.act != right.write.act { return actOrder(left.write.act) < actOrder(right.write.act) }
            return (left.write.mention ?? 0, left.write.requestID) < (right.write.mention ?? 0, right.write.requestID)
        }
    }

    /// The data directory read.
    public var dataDirectory: String
    /// Per group: applied, commit and last index on the old replica, and how far its log was read.
    public var groups: [String]
    /// Entries of the old log after its applied state, applied here in memory to list their
    /// acts too (a turn's applied state is written unsynced after its log, so a crash leaves the
    /// last acknowledged writes in the log only).
    public var appliedFromLog: UInt64
    /// Of those, entries after the commit index the old replica knew: the region may have
    /// committed and acknowledged them without this replica hearing of it, or not at all, so
    /// their writes are listed with a reason that says so.
    public var pastCommit: UInt64
    /// Groups whose log could not be read to its end, and why (another old replica's disk may
    /// list what is after).
    public var notRead: [String]
    /// Every lost act and mention.
    public var writes: [Write]

    /// An act path (office/year/kind/number) as a key that orders acts by register, then by
    /// number (numerically).
    static func actOrder(_ path: String) -> String {
        let parts = path.split(separator: "/")
        guard let last = parts.last, let number = UInt64(last) else { return path }
        return parts.dropLast().joined(separator: "/") + "/" + String(repeating: "0", count: max(0, 20 - String(number).count)) + String(number)
    }

    /// The node id the offline reader runs as: outside every id a topology gives, so the
    /// old groups never count it as a member.
    static let readerNodeID: UInt64 = 1 << 62

    /// Reads the old replica in `dataDirectory` (a node's data directory, holding `db/`) and
    /// lists what the centre lacks of `region`'s groups: its applied state, and its log after
    /// that applied in memory (nothing is written to the old store).
    static func find(dataDirectory: String, region: ClusterTopology.Region, center: ClusterTopology.Node, admin: ClusterAdmin) async throws -> LostWrites {
        let disk: RocksDisk
        do { disk = try RocksDisk(path: dataDirectory + "/db", metrics: nil) } catch {
            throw ClusterOperationError(description: "\(dataDirectory): the old store cannot be opened: \(error)")
        }
        defer { try? disk.close() }
        let machine = ShardMachine()
        let core = try NodeCore(options: NodeCoreOptions(nodeID: readerNodeID, randomSeed: 1), disk: disk, network: SilentNetwork(),
                                machines: { _ in machine })
        var report = LostWrites(dataDirectory: dataDirectory, groups: [], appliedFromLog: 0, pastCommit: 0, notRead: [], writes: [])
        let reader = try admin.actReader?(region) ?? admin.http
        for shard in region.shards {
            guard let preview = try core.previewLogTail(of: shard.group) else {
                if let reason = core.haltReason(of: shard.group) { report.notRead.append("group \(shard.group): \(reason)") }
                continue
            }
            report.groups.append("group \(shard.group): applied \(preview.appliedIndex), commit \(preview.commitIndex), last \(preview.lastIndex); log read through \(preview.previewedThrough)")
            report.appliedFromLog += preview.previewedThrough - preview.appliedIndex
            let knownCommit = max(preview.commitIndex, preview.appliedIndex)
            report.pastCommit += preview.previewedThrough > knownCommit ? preview.previewedThrough - knownCommit : 0
            if let reason = preview.stoppedBecause { report.notRead.append("group \(shard.group): \(reason)") }
            // The acts written by entries past the known commit, with the last such entry.
            var uncommitted: [ActID: UInt64] = [:]
            for applied in preview.commands where applied.index > knownCommit {
                for act in ShardMachine.touchedActs(command: applied.command, outcome: applied.outcome) { uncommitted[act.id] = applied.index }
            }
            let state = preview.state
            var after: RegisterID?
            repeat {
                guard case .registers(let states, let next) = try RegistryAnswer.decode(try machine.query(
                    RegistryQuery.registers(after: after, limit: RegistryQuery.registersPageMax).encode(), state: state)) else { break }
                for register in states {
                    report.writes += try await compare(register, state: state, machine: machine, center: center, reader: reader,
                                                       uncommitted: uncommitted)
                }
                after = next
            } while after != nil
        }
        return report
    }

    /// The writes of one old register the centre lacks.
    /// `uncommitted` gives the acts written past the commit index the old replica knew, with
    /// the entry that last wrote each: their writes say so.
    static func compare(_ register: RegisterState, state: any KeyValueReader, machine: ShardMachine,
                        center: ClusterTopology.Node, reader: HTTPSClient, uncommitted: [ActID: UInt64] = [:]) async throws -> [Write] {
        let path = "/v1/registers/\(register.register.description)?consistency=stale"
        if let response = try? await reader.send("GET", center.http, path), response.status == 200,
           let theirs = try? response.decode(RegisterBody.self).state,
           theirs.chainLength == register.chainLength, theirs.chainHead == register.chainHead {
            return []
        }
        var lost: [Write] = []
        let range = StateKeys.actsRange(register.register)
        var from = range.start
        while true {
            let page = try state.scan(from: from, to: range.end, limit: 256)
            for pair in page {
                guard pair.key.count == range.start.count + 8, let number = UInt64(bigEndianBytes: pair.key.suffix(8)) else { continue }
                let id = ActID(register: register.register, number: number)
                guard case .record(let record?) = try RegistryAnswer.decode(try machine.query(RegistryQuery.act(id).encode(), state: state)) else { continue }
                let writes = try await compare(record, center: center, reader: reader)
                if let index = uncommitted[id] {
                    lost += writes.map { write in
                        var qualified = write
                        qualified.reason += " (written by entry \(index), after the commit index this replica knew: lost only if the region had committed it)"
                        qualified.pastCommit = true
                        return qualified
                    }
                } else {
                    lost += writes
                }
            }
            guard let last = page.last, page.count == 256 else { break }
            from = last.key + [0]
        }
        return lost
    }

    static func compare(_ old: ActRecord, center: ClusterTopology.Node, reader: HTTPSClient) async throws -> [Write] {
        let id = old.act.id
        let response = try await reader.send("GET", center.http, "/v1/acts/\(id.path)?consistency=stale")
        // Only "not found" means lost: a refusal or an error says nothing about the act.
        guard response.status == 200 || response.status == 404 else {
            throw ClusterOperationError(description: "reading act \(id) at the centre: HTTP \(response.status) \(response.text)")
        }
        guard response.status == 200, let theirs = try? response.decode(ActResponse.self).record else {
            return [Write(act: id.description, mention: nil, requestID: old.act.requestID.description, reason: "the centre has no act \(id)")]
                + old.mentions.map { Write(act: id.description, mention: $0.sequence, requestID: $0.requestID.description, reason: "its act is lost") }
        }
        guard theirs.act.requestID == old.act.requestID else {
            return [Write(act: id.description, mention: nil, requestID: old.act.requestID.description,
                          reason: "the centre's act \(id) is another request's (\(theirs.act.requestID))")]
                + old.mentions.map { Write(act: id.description, mention: $0.sequence, requestID: $0.requestID.description, reason: "its act is lost") }
        }
        var lost: [Write] = []
        for mention in old.mentions {
            let kept = theirs.mentions.first { $0.sequence == mention.sequence }
            if kept?.requestID != mention.requestID {
                lost.append(Write(act: id.description, mention: mention.sequence, requestID: mention.requestID.description,
                                  reason: kept == nil ? "the centre has no mention \(mention.sequence)" : "the centre's mention \(mention.sequence) is another request's"))
            }
        }
        return lost
    }
}

/// A network driver for a node core that only reads its store: nothing is ever sent.
final class SilentNetwork: NetworkDriver {
    func send(to node: UInt64, frame: [UInt8]) {}
}

extension UInt64 {
    init?(bigEndianBytes bytes: some Collection<UInt8>) {
        guard bytes.count == 8 else { return nil }
        self = bytes.reduce(0) { $0 << 8 | UInt64($1) }
    }
}
