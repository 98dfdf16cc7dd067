import ArgumentParser
import Foundation
import Node
import Registry

struct ActCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "act", abstract: "Register, read, annotate, copy and search acts.",
        subcommands: [Register.self, Get.self, Mention.self, Copy.self, VerifyCopy.self, Search.self])

    /// Reads a JSON body and stamps `recordedAt` once, so that every retry sends the same bytes.
    static func stampedBody<T: Codable>(_ type: T.Type, file: String, stamp: (inout T) -> Void) throws -> [UInt8] {
        let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
        var body = try JSONDecoder().decode(T.self, from: data)
        stamp(&body)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(body))
    }

    /// The office of an act path (office/year/kind/number), for the token's region.
    static func office(of act: String) -> OfficeCode? {
        act.split(separator: "/").first.flatMap { OfficeCode(String($0)) }
    }

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a birth or death act from a JSON file (see docs/API.md).")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "birth or death.") var kind: String
        @Option(name: .long, help: "JSON body ('-' for standard input).") var file: String
        @Option(name: .customLong("idempotency-key"), help: "Request id to reuse (32 hex digits); new when absent.") var idempotencyKey: String?

        func run() async throws {
            let now = Timestamp.minute(of: Date())
            let body: [UInt8]
            var office: OfficeCode?
            switch kind {
            case "birth": body = try stampedBody(RegisterBirthBody.self, file: file) { $0.recordedAt = $0.recordedAt ?? now; office = $0.declaration.office }
            case "death": body = try stampedBody(RegisterDeathBody.self, file: file) { $0.recordedAt = $0.recordedAt ?? now; office = $0.declaration.office }
            default: throw ValidationError("--kind must be birth or death")
            }
            let client = try connection.client(office: office)
            try finish(try await client.write(path: "/v1/acts/\(kind)s", body: body, idempotencyKey: idempotencyKey ?? RegistryClient.newIdempotencyKey()))
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an act and its mentions (office/year/kind/number, or a civil digital id).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "office/year/kind/number, e.g. 0401003/2025/birth/1, or a 19-digit civil digital id.") var act: String
        @Flag(name: .long, help: "Read this replica's state at once, possibly stale.") var stale = false

        func run() async throws {
            let path = act.count == CivilDigitalID.length && act.allSatisfy(\.isNumber) ? "/v1/acts/by-civil-id/\(act)" : "/v1/acts/\(act)"
            try finish(try await connection.client(office: ActCommand.office(of: act)).get(path + (stale ? "?consistency=stale" : ""), headers: [("Sijil-Actor", NSUserName()), ("Sijil-Purpose", "cli")]))
        }
    }

    struct Mention: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Append a marginal mention from a JSON file to an act.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "office/year/kind/number") var act: String
        @Option(name: .long, help: "JSON body ('-' for standard input).") var file: String
        @Option(name: .customLong("idempotency-key"), help: "Request id to reuse; new when absent.") var idempotencyKey: String?

        func run() async throws {
            let now = Timestamp.minute(of: Date())
            let body = try stampedBody(AppendMentionBody.self, file: file) { $0.recordedAt = $0.recordedAt ?? now }
            try finish(try await connection.client(office: ActCommand.office(of: act)).write(path: "/v1/acts/\(act)/mentions", body: body,
                                                           idempotencyKey: idempotencyKey ?? RegistryClient.newIdempotencyKey()))
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a signed copy of an act.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "office/year/kind/number") var act: String
        @Option(name: .long, help: "extract or fullCopy.") var form = "extract"
        @Option(name: .long, help: "french or arabic.") var language = "french"
        @Option(name: .long, help: "text, html or json.") var format = "text"
        @Option(name: .long, help: "Requester: person, ascendant, descendant, spouse, guardian, authorised, other.") var relation = "other"
        @Option(name: .customLong("requester-civil-id"), help: "The requester's civil digital id.") var requesterCivilID: String?
        @Option(name: .long, help: "Reference of the evidence of the relation.") var evidence: String?

        func run() async throws {
            var query = "form=\(form)&language=\(language)&format=\(format)&relation=\(relation)"
            if let requesterCivilID { query += "&requesterCivilID=\(requesterCivilID)" }
            if let evidence { query += "&evidence=\(evidence.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? evidence)" }
            try finish(try await connection.client(office: ActCommand.office(of: act)).get("/v1/acts/\(act)/copy?\(query)", headers: [("Sijil-Actor", NSUserName()), ("Sijil-Purpose", "cli copy")]))
        }
    }

    struct VerifyCopy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-copy",
            abstract: "Check a signed copy (its JSON as issued, from act copy --format json): exit status 0 if it verifies, 1 if not.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The copy's JSON file ('-' for standard input).") var file: String

        func run() async throws {
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: file))
            do { _ = try JSONDecoder().decode(CivilStatusCopy.self, from: data) } catch {
                throw ValidationError("\(file) is not a copy's JSON as issued: \(error)")
            }
            let response = try await connection.client().write(path: "/v1/copies/verify", body: Array(data))
            try finish(response)
            guard let verdict = try? response.decode(CopyVerificationResponse.self), verdict.valid else { throw ExitCode(1) }
        }
    }

    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Search acts by names (Arabic or Latin), dates, office and kind.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long) var name: String?
        @Option(name: .long) var father: String?
        @Option(name: .long) var mother: String?
        @Option(name: .long, help: "Earliest event date YYYY-MM-DD.") var from: String?
        @Option(name: .long, help: "Latest event date YYYY-MM-DD.") var to: String?
        @Option(name: .long, help: "Office code (7 digits).") var office: String?
        @Option(name: .long, help: "birth or death.") var kind: String?
        @Option(name: .long) var limit: Int?

        func run() async throws {
            let pairs: [(String, String?)] = [("name", name), ("father", father), ("mother", mother), ("from", from), ("to", to),
                                              ("office", office), ("kind", kind), ("limit", limit.map(String.init))]
            let query = pairs.compactMap { key, value in
                value.map { "\(key)=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0)" }
            }.joined(separator: "&")
            try finish(try await connection.client(office: self.office.flatMap(OfficeCode.init)).get("/v1/search?\(query)", headers: [("Sijil-Actor", NSUserName()), ("Sijil-Purpose", "cli search")]))
        }
    }
}
