import Foundation
import Registry
import TOMLKit

/// The roll-out roadmap (`Cluster/roadmap.toml`): the order in which the regions go live, and
/// the shape each one gets (nodes, shard groups, durability). `sijil cluster add-region` takes
/// a region's defaults from it.
public struct Roadmap: Sendable, Equatable {
    /// One phase of the roll-out.
    public struct Phase: Codable, Sendable, Equatable {
        /// Order of the roll-out (0 is the pilot).
        public var phase: Int
        /// The region key used in topologies and on the command line (e.g. "RSK").
        public var region: String
        /// The official region number, 1 to 12.
        public var code: UInt8
        /// The region's French name, as in the reference data.
        public var name: String?
        /// "commune" (the pilot: only `offices`) or "region" (every office of the region).
        public var scope: String
        /// For a commune-scope phase, the office codes it covers (7 digits).
        public var offices: [String]?
        /// Regional nodes.
        public var nodes: Int
        /// Shard groups of the region.
        public var shards: Int
        /// "center" or "region".
        public var durability: String
    }

    /// The phases, in the order of the file.
    public var phases: [Phase]

    /// Creates a value from its parts.
    public init(phases: [Phase]) {
        self.phases = phases
    }

    private struct File: Codable {
        var phase: [Phase]
    }

    /// Parses the text of a roadmap file.
    public static func parse(_ text: String) throws -> Roadmap {
        do {
            return Roadmap(phases: try TOMLDecoder().decode(File.self, from: text).phase)
        } catch {
            throw NodeConfiguration.Problem(description: "roadmap: \(error)")
        }
    }

    /// Reads a roadmap file.
    public static func load(path: String) throws -> Roadmap {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw NodeConfiguration.Problem(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        return try parse(text)
    }

    /// The phase that opens `region` for all its offices (the last phase naming it), if any.
    public func regionPhase(_ region: String) -> Phase? {
        phases.last { $0.region == region && $0.scope == "region" } ?? phases.last { $0.region == region }
    }

    /// Every way the roadmap disagrees with itself or with the reference data, in one pass:
    /// phases numbered 0, 1, 2... in file order; each of the twelve regions opened for all its
    /// offices exactly once; codes, names and offices as in the reference data; shapes that a
    /// cluster can be built with.
    public func problems(reference: ReferenceData = .embedded) -> [String] {
        var problems: [String] = []
        for (position, phase) in phases.enumerated() where phase.phase != position {
            problems.append("phase \(phase.phase) (\(phase.region)) is at position \(position): phases must be numbered in order from 0")
        }
        var regionPhases: [UInt8: [String]] = [:]
        var keyForCode: [UInt8: String] = [:]
        for phase in phases {
            let label = "phase \(phase.phase) (\(phase.region))"
            guard let region = reference.regions[RegionCode(phase.code)] else {
                problems.append("\(label): code \(phase.code) is not a region of the reference data")
                continue
            }
            if let name = phase.name, name != region.nameFrench {
                problems.append("\(label): name \(name) differs from the reference data's \(region.nameFrench)")
            }
            if let key = keyForCode[phase.code], key != phase.region {
                problems.append("\(label): code \(phase.code) is already the region \(key)")
            }
            keyForCode[phase.code] = phase.region
            if phase.durability != "center" && phase.durability != "region" {
                problems.append("\(label): durability must be center or region, not \(phase.durability)")
            }
            if !(1...999).contains(phase.shards) { problems.append("\(label): shards must be 1 to 999") }
            if phase.nodes < 3 { problems.append("\(label): a region needs at least 3 nodes to keep a majority when one is lost") }
            switch phase.scope {
            case "region":
                regionPhases[phase.code, default: []].append(phase.region)
                if phase.offices != nil { problems.append("\(label): a region-scope phase lists no offices") }
            case "commune":
                let offices = phase.offices ?? []
                if offices.isEmpty { problems.append("\(label): a commune-scope phase lists its offices") }
                for text in offices {
                    guard let office = OfficeCode(text), let known = reference.office(office) else {
                        problems.append("\(label): office \(text) is not in the reference data")
                        continue
                    }
                    if known.region.rawValue != phase.code {
                        problems.append("\(label): office \(text) is in region \(known.region.rawValue), not \(phase.code)")
                    }
                }
            default:
                problems.append("\(label): scope must be commune or region, not \(phase.scope)")
            }
        }
        for region in reference.regions.values.sorted(by: { $0.code.rawValue < $1.code.rawValue }) {
            let opened = regionPhases[region.code.rawValue] ?? []
            if opened.isEmpty { problems.append("region \(region.code.rawValue) (\(region.nameFrench)) is never opened") }
            if opened.count > 1 { problems.append("region \(region.code.rawValue) (\(region.nameFrench)) is opened \(opened.count) times") }
        }
        return problems
    }
}
