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
    }

    /// The data directory read.
    public var dataDirectory: String
    /// Per group: applied and commit index on the old replica.
    public var groups: [String]
    /// Committed entries the old replica had not applied: their acts cannot be listed from
    /// this disk (another old replica's may list them).
    public var committedNotApplied: UInt64
    /// Every lost act and mention.
    public var writes: [Write]

    /// The node id the offline reader runs as: outside every id a topology gives, so the
    /// old groups never count it as a member.
    static let readerNodeID: UInt64 = 1 << 62

    /// Reads the old replica in `dataDirectory` (a node's data directory, holding `db/`) and
    /// lists what the centre lacks of `region`'s groups.
    static func find(dataDirectory: String, region: ClusterTopology.Region, center: ClusterTopology.Node, admin: ClusterAdmin) async throws -> LostWrites {
        let disk: RocksDisk
        do { disk = try RocksDisk(path: dataDirectory + "/db", metrics: nil) } catch {
            throw ClusterOperationError(description: "\(dataDirectory): the old store cannot be opened: \(error)")
        }
        defer { try? disk.close() }
        let machine = RegistryMachine()
        let core = try NodeCore(options: NodeCoreOptions(nodeID: readerNodeID, randomSeed: 1), disk: disk, network: SilentNetwork(),
                                machines: { _ in machine })
        var report = LostWrites(dataDirectory: dataDirectory, groups: [], committedNotApplied: 0, writes: [])
        let reader = try admin.actReader?(region) ?? admin.http
        for shard in region.shards {
            guard let raft = core.raft(of: shard.group), let state = core.stateReader(for: shard.group) else { continue }
            report.groups.append("group \(shard.group): applied \(raft.appliedIndex), commit \(raft.commitIndex), last \(raft.lastIndex)")
            report.committedNotApplied += raft.commitIndex - raft.appliedIndex
            var after: RegisterID?
            repeat {
                guard case .registers(let states, let next) = try RegistryAnswer.decode(try machine.query(
                    RegistryQuery.registers(after: after, limit: RegistryQuery.registersPageMax).encode(), state: state)) else { break }
                for register in states {
                    report.writes += try await compare(register, state: state, machine: machine, center: center, reader: reader)
                }
                after = next
            } while after != nil
        }
        return report
    }

    /// The writes of one old register the centre lacks.
    static func compare(_ register: RegisterState, state: any KeyValueReader, machine: RegistryMachine,
                        center: ClusterTopology.Node, reader: HTTPSClient) async throws -> [Write] {
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
                lost += try await compare(record, center: center, reader: reader)
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
