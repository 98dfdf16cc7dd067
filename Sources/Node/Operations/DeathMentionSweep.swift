import Foundation
import Registry

/// Finds the death acts of a region whose birth act does not carry their death mention, and
/// proposes it. A node proposes the mention right after a death act (`DeathMentions`), but it
/// can fail to: the birth act was not yet digitised, it is held by another region, or the node
/// stopped in between. The sweep reads every death register of the region (of one year, when
/// given), act by act as a registrar of the region (each read is audited), reads the birth act
/// each names as a registrar of that act's region, and proposes the missing mention with the
/// request id the node would have used: run it as often as wanted, a birth act gets the
/// mention once. A birth act that already carries another death act's mention is reported,
/// never changed.
public struct DeathMentionSweep: Sendable {
    /// What the sweep found for one death act that names a birth act.
    public struct Finding: Codable, Sendable, Equatable {
        /// The death act.
        public var deathAct: String
        /// The birth act it names.
        public var birthAct: String
        /// `written` (now), `present` (already there), `other` (the birth act carries another
        /// death act's mention) or `not_written`.
        public var outcome: String
        /// Why not written: an error code and its message.
        public var code: String?
        /// Why not written, for people.
        public var message: String?
    }

    /// What a sweep did.
    public struct Report: Codable, Sendable, Equatable {
        /// The region swept.
        public var region: String
        /// The year swept, if one.
        public var year: Int?
        /// Death acts read.
        public var deathActsRead: Int
        /// Every death act naming a birth act, in register order.
        public var findings: [Finding]

        /// The findings with this outcome.
        public func count(_ outcome: String) -> Int { findings.filter { $0.outcome == outcome }.count }
    }

    let topology: ClusterTopology
    let admin: ClusterAdmin
    let registrar: @Sendable (ClusterTopology.Region) throws -> HTTPSClient

    /// A sweep over `topology`: `admin` reads the groups' registers (an operator), `registrar`
    /// gives the client that reads and writes a region's acts.
    public init(topology: ClusterTopology, admin: ClusterAdmin, registrar: @escaping @Sendable (ClusterTopology.Region) throws -> HTTPSClient) {
        self.topology = topology
        self.admin = admin
        self.registrar = registrar
    }

    /// Sweeps region `key` (the death registers of `year` only, when given).
    public func run(region key: String, year: Int?) async throws -> Report {
        guard let region = topology.region(key) else { throw ClusterOperationError(description: "no region \(key) in the topology") }
        let deaths = try client(region)
        var report = Report(region: key, year: year, deathActsRead: 0, findings: [])
        for shard in region.shards {
            for register in try await registers(of: shard.group, region: region) where register.register.kind == .death && (year == nil || register.register.year == year) {
                guard register.highestNumber > 0 else { continue }
                for number in 1...register.highestNumber {
                    let id = ActID(register: register.register, number: number)
                    // A number not (yet) imported has no act: nothing to do.
                    guard let record = try await Self.record(id, client: deaths) else { continue }
                    report.deathActsRead += 1
                    guard case .death(let death) = record.act.content, let birthAct = DeathMentions.birthAct(of: death) else { continue }
                    report.findings.append(try await ensure(death, deathAct: record.act, birthAct: birthAct))
                    admin.say("\(id.path): \(report.findings.last!.outcome)")
                }
            }
        }
        return report
    }

    /// The mention of `death` on `birthAct`, proposed when missing.
    func ensure(_ death: DeathDeclaration, deathAct: Act, birthAct: ActID) async throws -> Finding {
        var finding = Finding(deathAct: deathAct.id.path, birthAct: birthAct.path, outcome: "not_written")
        guard let birthRegion = topology.region(forOffice: birthAct.register.office.rawValue) else {
            finding.code = "office_not_served"
            finding.message = "no region of this cluster holds office \(birthAct.register.office)"
            return finding
        }
        let births = try client(birthRegion)
        guard let record = try await Self.record(birthAct, client: births) else {
            finding.code = "registry.act_not_found"
            finding.message = "the birth act \(birthAct.path) is not in the register (not yet digitised?)"
            return finding
        }
        for mention in record.mentions {
            guard case .death(let existing) = mention.body else { continue }
            finding.outcome = existing.deathAct == deathAct.id ? "present" : "other"
            if existing.deathAct != deathAct.id {
                finding.message = "the birth act carries the death mention of \(existing.deathAct?.path ?? "an act not named")"
            }
            return finding
        }
        let body = AppendMentionBody(officer: deathAct.officer, mention: .death(DeathMention(deathDate: death.deathDate, deathPlace: death.deathPlace, deathAct: deathAct.id)))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let response = try await births.write(path: "/v1/acts/\(birthAct.path)/mentions", body: Array(try encoder.encode(body)),
                                              idempotencyKey: DeathMentions.requestID(deathAct: deathAct.id).description)
        if response.status == 201 || response.status == 200 {
            finding.outcome = "written"
        } else {
            let error = try? response.decode(APIError.Body.self).error
            finding.code = error?.violations?.first?.rule.code ?? error?.code ?? "http_\(response.status)"
            finding.message = error?.violations?.first?.reason ?? error?.message ?? response.text
        }
        return finding
    }

    func client(_ region: ClusterTopology.Region) throws -> RegistryClient {
        RegistryClient(http: try registrar(region), addresses: topology.replicaNodes(of: region).map(\.http))
    }

    static func record(_ id: ActID, client: RegistryClient) async throws -> ActRecord? {
        let response = try await client.get("/v1/acts/\(id.path)", headers: [("Sijil-Actor", "death-mention-sweep"), ("Sijil-Purpose", "death mention")])
        if response.status == 404 { return nil }
        guard response.status == 200 else { throw ClusterOperationError(description: "\(id.path): HTTP \(response.status) \(response.text)") }
        return try response.decode(ActResponse.self).record
    }

    /// Every register of `group`, read from the first node of its region (or the centre) that answers.
    func registers(of group: UInt64, region: ClusterTopology.Region) async throws -> [RegisterState] {
        var lastProblem = "no node"
        for node in topology.replicaNodes(of: region) {
            var registers: [RegisterState] = []
            var after: String?
            do {
                repeat {
                    let query = after.map { "?after=\($0)" } ?? ""
                    let response = try await admin.http.send("GET", node.http, "/v1/cluster/groups/\(group)/registers\(query)")
                    guard response.status == 200 else { throw ClusterOperationError(description: "node \(node.id): HTTP \(response.status) \(response.text)") }
                    let page = try response.decode(RegistersPageBody.self)
                    registers += page.registers
                    after = page.next
                } while after != nil
                return registers
            } catch {
                lastProblem = "\(error)"
            }
        }
        throw ClusterOperationError(description: "group \(group): no node listed its registers: \(lastProblem)")
    }
}
