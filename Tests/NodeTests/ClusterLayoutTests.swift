import Foundation
import Node
import Registry
import Testing

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
            let keyring = try NodeAPI.keyring(configuration: configuration)
            // Regional nodes issue copies; the centre holds no signing key.
            #expect((keyring.issuer(region: "RSK") != nil) == !node.isCenter)
            #expect(keyring.publicKey(region: "RSK") != nil)
        }
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: directory + "/keys/RSK.signing.toml")
        #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: NodeConfiguration.Problem.self) { try ClusterLayout.initialize(directory: directory, plan: ClusterLayout.Plan()) }
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
