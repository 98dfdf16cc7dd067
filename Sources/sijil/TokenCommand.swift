import ArgumentParser
import Foundation
import Node
import Registry
import Services

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue, inspect and revoke access tokens (operators hold the cluster's token key).",
        subcommands: [Issue.self, Show.self, Revoke.self])

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
            let layout = try ClusterLayout.open(directory: dir)
            // Issued after any revocation of this holder's tokens, even one made this second.
            let now = UInt64(Date().timeIntervalSince1970)
            let issuedAt = layout.topology.firstUnrevokedIssueTime(subject: subject, from: now)
            let claims = TokenKey.claims(subject: subject, role: role, office: office, region: region.map(RegionCode.init),
                                         purposes: purposes, nameLatin: nameLatin, nameArabic: nameArabic, lifetimeSeconds: hours * 3_600,
                                         now: Date(timeIntervalSince1970: TimeInterval(issuedAt)))
            let problems = claims.problems()
            guard problems.isEmpty else { throw ValidationError(problems.joined(separator: "; ")) }
            print(try layout.issueToken(claims))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a token against a cluster's public token key and print its claims.")
        @Option(name: .long, help: "Cluster directory (topology.toml).") var dir: String
        @Argument(help: "The token, or a file holding it.") var token: String

        func run() throws {
            let text = try tokenText(token)
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

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Refuse a token before it expires, or every token of a holder issued until now, on every node (a new topology version, pushed).")
        @Option(name: .long, help: "Cluster directory (topology.toml, certs/ca.pem, keys/tokens.signing.key).") var dir: String
        @Argument(help: "The token, or a file holding it.") var token: String?
        @Option(name: .long, help: "Instead of one token: the holder (the tokens' subject) whose tokens issued until now are revoked.") var subject: String?
        @Option(name: .long, help: "Why (kept in the topology and given in the refusal).") var reason: String

        func run() async throws {
            if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must say why") }
            var layout = try ClusterLayout.open(directory: dir)
            let now = Date()
            let stamp = ISO8601DateFormatter().string(from: now)
            let revocation: ClusterTopology.Revocation
            let what: String
            switch (token, subject) {
            case (let token?, nil):
                let text = try tokenText(token)
                // Signed by this cluster (revoked already or not): an expired token needs no revocation.
                switch AccessControl(topology: layout.topology, revocations: TokenRevocations(), now: { now }).check(text) {
                case .success(let claims):
                    revocation = ClusterTopology.Revocation(tokenID: claims.tokenID, expiresAt: claims.expiresAtSeconds, reason: reason, revokedAt: stamp)
                    let expires = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(claims.expiresAtSeconds)))
                    what = "token \(claims.tokenID) of \(claims.subject) (\(claims.role.name), valid until \(expires))"
                case .failure(.expired(let at)):
                    print("the token expired at \(at) (seconds since 1970): nothing to revoke")
                    return
                case .failure(let problem):
                    throw ValidationError("not a token of this cluster: \(problem.code): \(problem)")
                }
            case (nil, let subject?):
                revocation = ClusterTopology.Revocation(subject: subject, issuedThrough: UInt64(now.timeIntervalSince1970), reason: reason, revokedAt: stamp)
                what = "every token of \(subject) issued until \(stamp)"
            default:
                throw ValidationError("give either a token or --subject")
            }
            let next = try layout.topology.revoking(revocation, now: now)
            let pushed = next ?? layout.topology
            if let next {
                let dropped = (layout.topology.revokedTokens ?? []).count + 1 - (next.revokedTokens ?? []).count
                try layout.save(next)
                say("topology version \(next.effectiveVersion): revoked \(what): \(reason)")
                if dropped > 0 { say("\(dropped) revocations left out: every token they covered expired more than a day ago") }
            } else {
                say("already revoked in topology version \(layout.topology.effectiveVersion); pushing it again")
            }
            let http = try HTTPSClient(caCertificatePath: layout.caCertificatePath, token: try DevTokens.token("operator", layout: layout))
            let refused = await ClusterAdmin(http: http, say: { say($0) }).push(pushed)
            guard refused.isEmpty else {
                say("nodes \(refused.keys.sorted().map(String.init).joined(separator: ",")) did not take it: each refuses the token as soon as a peer that took it reaches it, and takes the version from topology.toml at its next start, or from sijil cluster push-topology")
                throw ExitCode(1)
            }
        }
    }
}
