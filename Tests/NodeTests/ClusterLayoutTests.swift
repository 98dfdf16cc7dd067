import Foundation
import Node
import Registry
import Testing
import Transport

@Suite struct ClusterLayoutTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("sijil-layout-\(UUID().uuidString)").path
    }

    @Test func initWritesAConfigurationEveryNodeCanLoadWithItsRegionKey() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try ClusterLayout.initialize(directory: directory, plan: ClusterLayout.Plan())
        #expect(layout.topology.nodes.map(\.id) == [1, 2, 3, ClusterLayout.centerNodeID])
        #expect(layout.topology.regions.first?.shards.count == 2)
        for node in layout.topology.nodes {
            let configuration = try NodeConfiguration.load(path: layout.configurationPath(node: node.id))
            #expect(configuration.nodeID == node.id)
            #expect(configuration.topology == layout.topology)
            let keyring = try NodeKeyring(configuration: configuration).keyring
            // Regional nodes issue copies; the centre holds no signing key.
            #expect((keyring.issuer(region: "RSK") != nil) == !node.isCenter)
            #expect(keyring.publicKey(region: "RSK") != nil)
        }
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: directory + "/keys/RSK.signing.toml")
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: NodeConfiguration.Problem.self) { try ClusterLayout.initialize(directory: directory, plan: ClusterLayout.Plan()) }
    }

    /// The Raft log's compaction: the defaults, a setting, and settings refused with the field named.
    @Test func theLogCompactionSettingsAreReadAndCheckedAtLoad() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try ClusterLayout.initialize(directory: directory, plan: ClusterLayout.Plan())
        let path = layout.configurationPath(node: 1)
        let original = try String(contentsOfFile: path, encoding: .utf8)
        func load(_ settings: String) throws -> NodeConfiguration {
            try original.replacingOccurrences(of: "node = 1\n", with: "node = 1\n" + settings).write(toFile: path, atomically: true, encoding: .utf8)
            return try NodeConfiguration.load(path: path)
        }
        let defaults = try load("")
        #expect(defaults.logCompactionEntries == 20_000 && defaults.logRetainEntries == 2_000)
        let small = try load("log_compaction_entries = 16\n")
        #expect(small.logCompactionEntries == 16 && small.logRetainEntries == 8, "the retained entries default to half a small threshold")
        let both = try load("log_compaction_entries = 100\nlog_retain_entries = 10\n")
        #expect(both.logCompactionEntries == 100 && both.logRetainEntries == 10)
        for (settings, field) in [("log_compaction_entries = 15\n", "log_compaction_entries"), ("log_compaction_entries = 100\nlog_retain_entries = 100\n", "log_retain_entries"),
                                  ("log_retain_entries = 0\n", "log_retain_entries")] {
            let problem = #expect(throws: NodeConfiguration.Problem.self) { try load(settings) }
            #expect(problem?.description.contains(field) == true, "\(settings): \(problem?.description ?? "")")
        }
    }

    /// A node's certificate renewed: a new key and certificate for the same names, valid from
    /// the renewal, signed by the same CA; an id that is not a node refuses the whole renewal.
    @Test func renewingACertificateWritesANewOneForTheSameNodeFromTheRenewal() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let layout = try ClusterLayout.initialize(directory: directory, plan: ClusterLayout.Plan(), now: start)
        let certificate = directory + "/certs/node-1.pem"
        let key = directory + "/certs/node-1.key"
        let before = try String(contentsOfFile: certificate, encoding: .utf8)
        let keyBefore = try String(contentsOfFile: key, encoding: .utf8)
        let ca = try String(contentsOfFile: layout.caCertificatePath, encoding: .utf8)
        let later = start.addingTimeInterval(700 * 86_400)
        let old = try NodeCredentials.load(certificateFile: certificate, privateKeyFile: key, authorityCertificateFile: layout.caCertificatePath, now: later)

        #expect(throws: NodeConfiguration.Problem.self) { try layout.renewCertificates([1, 99], now: later) }
        #expect(try String(contentsOfFile: certificate, encoding: .utf8) == before, "a refused renewal writes nothing")

        let renewed = try layout.renewCertificates([1], now: later)
        let loaded = try NodeCredentials.load(certificateFile: certificate, privateKeyFile: key, authorityCertificateFile: layout.caCertificatePath, now: later)
        #expect(loaded.nodeID == 1)
        #expect(renewed[1]?.notAfter == loaded.certificateNotValidAfter && renewed[1]?.serial == loaded.certificateSerial)
        #expect(renewed[1]?.authorityNotAfter == loaded.authorityNotValidAfter)
        // Nine years on, a two-year certificate would outlive the ten-year CA: it ends with the CA.
        let late = try #require(try layout.renewCertificates([1], now: start.addingTimeInterval(9 * 365 * 86_400))[1])
        #expect(late.notAfter <= late.authorityNotAfter && late.authorityNotAfter.timeIntervalSince(late.notAfter) < 86_400)
        // Once the CA has less than a day left, nothing is renewed, and nothing is written.
        let signed = try String(contentsOfFile: certificate, encoding: .utf8)
        #expect { try layout.renewCertificates([1], now: late.authorityNotAfter.addingTimeInterval(-3_600)) } throws: { error in
            "\(error)".contains("can sign no more node certificates")
        }
        #expect(try String(contentsOfFile: certificate, encoding: .utf8) == signed)
        #expect(loaded.certificateSerial != old.certificateSerial)
        #expect(loaded.certificateSerial.split(separator: ":").allSatisfy { $0.count == 2 && $0.allSatisfy(\.isHexDigit) }, "\(loaded.certificateSerial)")
        #expect(abs(loaded.certificateNotValidAfter.timeIntervalSince(later) - Double(CertificateFiles.nodeValidityDays) * 86_400) < 86_400)
        #expect(loaded.certificateNotValidAfter > old.certificateNotValidAfter)
        #expect(try String(contentsOfFile: layout.caCertificatePath, encoding: .utf8) == ca, "the same CA signs")
        #expect(try String(contentsOfFile: key, encoding: .utf8) != keyBefore, "a new key beside it")
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// `cluster status` warns of a node certificate or a CA that ends within 60 days, or has.
    @Test func theStatusWarnsOfCertificatesNearTheirEnd() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let iso = ISO8601DateFormatter()
        func reach(_ id: UInt64, days: Double, caDays: Double = 3_000) -> ClusterStatusReport.NodeReach {
            ClusterStatusReport.NodeReach(node: id, http: "h", reachable: true, error: nil,
                                          certificateNotAfter: iso.string(from: now.addingTimeInterval(days * 86_400)),
                                          authorityNotAfter: iso.string(from: now.addingTimeInterval(caDays * 86_400)))
        }
        let lines = ClusterStatusReport.certificateWarnings([reach(1, days: 400), reach(2, days: 30.5), reach(3, days: -2)], now: now)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("node 2: its certificate expires on ") == true && lines.first?.contains("(in 30 days)") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("node 3: its certificate expired on ") == true, "\(lines)")
        #expect(lines.allSatisfy { $0.contains("sijil cluster renew-cert") })
        let authority = ClusterStatusReport.certificateWarnings([reach(1, days: 400, caDays: 45)], now: now)
        #expect(authority.count == 1 && authority[0].contains("cluster CA's certificate expires in 45 days"), "\(authority)")
        #expect(ClusterStatusReport.certificateWarnings([reach(1, days: 61)], now: now).isEmpty)
    }

    /// `cluster status` names the nodes that run an older topology version than the directory's
    /// (a node that was down when a change, a token revocation say, was pushed).
    @Test func theStatusNamesNodesBehindTheTopology() {
        let nodes = [ClusterStatusReport.NodeReach(node: 1, http: "h", reachable: true, error: nil, topologyVersion: 3),
                     ClusterStatusReport.NodeReach(node: 2, http: "h", reachable: true, error: nil, topologyVersion: 2),
                     ClusterStatusReport.NodeReach(node: 3, http: "h", reachable: false, error: "down")]
        #expect(ClusterStatusReport.topologyWarnings(nodes, version: 3) == ["node 2: runs topology version 2, not 3: sijil cluster push-topology"])
        #expect(ClusterStatusReport.topologyWarnings(nodes, version: 2).isEmpty)
    }

    @Test func aSigningKeyThatIsNotThePublishedOneIsRefused() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let layout = try ClusterLayout.initialize(directory: directory, plan: ClusterLayout.Plan())
        var topology = layout.topology
        let other = try ClusterLayout.initialize(directory: directory + "/other", plan: ClusterLayout.Plan())
        topology.regions[0].signingPublicKey = other.topology.regions[0].signingPublicKey
        let key = try RegionSigningKey.load(path: directory + "/keys/RSK.signing.toml")
        #expect(throws: NodeConfiguration.Problem.self) { try SigningKeyring(keys: [key], topology: topology) }
    }

    @Test func everyOfficeOfTheRegionFallsInExactlyOneShard() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var plan = ClusterLayout.Plan()
        plan.shardCount = 5
        let topology = try ClusterLayout.initialize(directory: directory, plan: plan).topology
        for office in ReferenceData.embedded.offices(in: RegionCode(4)) {
            let holding = topology.regions[0].shards.filter { $0.firstOffice <= office.code.rawValue && office.code.rawValue <= $0.lastOffice }
            #expect(holding.count == 1, "office \(office.code)")
        }
        #expect(topology.group(forOffice: 601_001) == nil)
    }
}
