import ArgumentParser
import Foundation
import Node
import Registry
import Services

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue and inspect access tokens (operators hold the cluster's token key).",
        subcommands: [Issue.self, Show.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Sign an access token with keys/tokens.signing.key and print it.")
        @Option(name: .long, help: "Cluster directory (holds keys/tokens.signing.key).") var dir: String
        @Option(name: .long, help: "officer, registrar, partner, auditor or operator.") var role: String
        @Option(name: .long, help: "Who holds it: an officer's identifier, a partner's name.") var subject: String
        @Option(name: .long, help: "The officer's office (7 digits).") var office: String?
        @Option(name: .long, help: "The registrar's region number (e.g. 4).") var region: UInt8?
        @Option(name: .long, help: "A partner's purpose (repeatable): \(PartnerPurpose.allCases.map(\.name).joined(separator: ", ")).") var purpose: [String] = []
        @Option(name: .customLong("name-latin"), help: "The holder's name in Latin script (signs acts).") var nameLatin = ""
        @Option(name: .customLong("name-arabic"), help: "The holder's name in Arabic script.") var nameArabic = ""
        @Option(name: .long, help: "Lifetime in hours (at most 2160, 90 days).") var hours: UInt64 = 12

        func run() throws {
            guard let role = Role.allCases.first(where: { $0.name == self.role }) else {
                throw ValidationError("--role must be one of \(Role.allCases.map(\.name).joined(separator: ", "))")
            }
            var office: OfficeCode?
            if let text = self.office {
                guard let parsed = OfficeCode(text) else { throw ValidationError("--office is 7 digits") }
                office = parsed
            }
            let purposes = try purpose.map { name in
                guard let purpose = PartnerPurpose.allCases.first(where: { $0.name == name }) else {
                    throw ValidationError("unknown purpose \(name)")
                }
                return purpose
            }
            let claims = TokenKey.claims(subject: subject, role: role, office: office, region: region.map(RegionCode.init),
                                         purposes: purposes, nameLatin: nameLatin, nameArabic: nameArabic, lifetimeSeconds: hours * 3_600)
            let problems = claims.problems()
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
            print(try ClusterLayout.open(directory: dir).issueToken(claims))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a token against a cluster's public token key and print its claims.")
        @Option(name: .long, help: "Cluster directory (topology.toml).") var dir: String
        @Argument(help: "The token, or a file holding it.") var token: String

        func run() throws {
            let text = FileManager.default.fileExists(atPath: token)
                ? try String(contentsOfFile: token, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) : token
            switch AccessControl(topology: try ClusterLayout.open(directory: dir).topology).check(text) {
            case .success(let claims):
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(claims), as: UTF8.self))
            case .failure(let problem):
                print("\(problem.code): \(problem)")
                throw ExitCode(1)
            }
        }
    }
}
