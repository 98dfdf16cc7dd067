import ArgumentParser
import Foundation
import Node
import Registry

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import digitised paper records (CSV or JSON Lines, keyed twice), and settle the review queue.",
        subcommands: [Run.self, Review.self, Decide.self], defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Import keyed records: agreeing keyings become acts, disagreeing ones go to the review queue.",
            discussion: """
                Each line is one keying of a record (office, register_year, kind, act_number, scan_ref, \
                scan_sha256, keyer, drawn_up_on and the act's fields; see docs/IMPORT.md). The two keyings \
                of a record may be in the same file or in different files of the run. Births after 1950 and \
                deaths from 2003 are imported first. A bad line is reported with its number and rule and \
                never stops the run; re-running the same files changes nothing.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "Campaign files (.csv, .jsonl).") var files: [String]
        @Option(name: .long, help: "Batches in flight at once.") var concurrency = 8
        @Option(name: .long, help: "Records per batch (at most 256).") var batch = 256
        @Option(name: .long, help: "Write the whole report (every bad row and refusal) as JSON to this file.") var report: String?
        @Option(name: .customLong("operator-id"), help: "Operator recorded on the requests.") var operatorID = "IMPORT"
        @Flag(name: .long, help: "No progress bar.") var quiet = false

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology (with --ca)") }
            guard (1...256).contains(batch) else { throw ValidationError("--batch must be 1 to 256") }
            guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1 to 64") }
            var settings = ImportRunner.Settings(files: files)
            settings.concurrency = concurrency
            settings.batchRequests = batch
            settings.officer.identifier = operatorID
            // The campaign runs as an operator (import, and the leaders from the cluster status).
            let runner = ImportRunner(settings: settings, topology: topology, caCertificatePath: try connection.caPath(),
                                      token: try connection.accessToken(role: "operator"),
                                      status: try connection.http(role: "operator", timeoutMs: 5_000))
            let showProgress = !quiet
            let last = ProgressClock()
            let result = try await runner.run(progress: { progress in
                guard showProgress, last.due() else { return }
                FileHandle.standardError.write(Data(("\r" + progress.bar).utf8))
            })
            if showProgress { FileHandle.standardError.write(Data("\n".utf8)) }
            print(result.text())
            if let report {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(result).write(to: URL(fileURLWithPath: report))
            }
            if !result.refused.isEmpty || !result.badRows.isEmpty { throw ExitCode(3) }
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "review", abstract: "List the open review records of the region's groups.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "Only this shard group.") var group: UInt64?
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology (with --ca)") }
            let client = try connection.client(role: "registrar")
            let groups = group.map { [$0] } ?? topology.regions.flatMap { $0.shards.map(\.group) }
            for group in groups {
                var after: String?
                repeat {
                    let response = try await client.get("/v1/reviews?group=\(group)" + (after.map { "&after=\($0)" } ?? ""))
                    guard response.status == 200 else { try finish(response); return }
                    let page = try response.decode(ReviewPage.self)
                    for item in page.items {
                        if json {
                            let encoder = JSONEncoder()
                            encoder.outputFormatting = [.sortedKeys]
                            print(String(decoding: try encoder.encode(item), as: UTF8.self))
                        } else {
                            print("\(item.place)  scan \(item.scanReference)  differ: \(item.disagreements.joined(separator: ", "))")
                            for (index, keying) in item.keyings.enumerated() {
                                let differing = keying.fields.filter { item.disagreements.contains($0.name) }
                                print("  \(index + 1). \(keying.keyer): " + differing.map { "\($0.name)=\($0.value)" }.joined(separator: "  "))
                            }
                        }
                    }
                    after = page.next
                } while after != nil
            }
        }
    }

    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decide", abstract: "Settle a queued record: import one keying's reading (corrected with --set), or discard it.")
        @OptionGroup var connection: ConnectionOptions
        @Option(name: .long, help: "The record: office/year/kind/number.") var record: String
        @Option(name: .long, help: "The reviewer's id.") var reviewer: String
        @Option(name: .long, help: "Import the reading of keying 1 or 2.") var take: Int?
        @Option(name: .long, help: "Correct a field of the reading taken: name=value (repeatable).") var set: [String] = []
        @Option(name: .long, help: "Discard the record, for this reason.") var discard: String?

        func run() async throws {
            guard let topology = try connection.loadTopology() else { throw ValidationError("give --dir or --topology (with --ca)") }
            guard let place = ActID(path: record) else { throw ValidationError("--record is office/year/kind/number") }
            guard (take == nil) != (discard == nil) else { throw ValidationError("give either --take 1|2 or --discard REASON") }
            guard let group = topology.group(forOffice: place.register.office.rawValue) else { throw ValidationError("no group holds office \(place.register.office)") }
            let client = try connection.client(role: "registrar")
            let resolution: ReviewDecision.Resolution
            if let discard {
                resolution = .discard(reason: discard)
            } else {
                guard let item = try await Self.find(place, group: group, client: client) else {
                    throw ValidationError("\(record) is not in the open review queue")
                }
                guard let take, (1...item.keyings.count).contains(take) else { throw ValidationError("--take 1 or 2") }
                var fields = item.keyings[take - 1].fields
                for assignment in set {
                    guard let equals = assignment.firstIndex(of: "=") else { throw ValidationError("--set name=value") }
                    let name = String(assignment[..<equals])
                    let value = String(assignment[assignment.index(after: equals)...])
                    fields.removeAll { $0.name == name }
                    if !value.isEmpty { fields.append(KeyedField(name: name, value: value)) }
                }
                let scan = fields.first { $0.name == "scan_ref" }?.value ?? item.scanReference
                do {
                    resolution = .importAct(try KeyedActMapping.historicalImport(key: RecordKey(register: place.register, number: place.number),
                                                                                 scanReference: scan, fields: fields))
                } catch {
                    throw ValidationError("\(error.rule) (\(error.field)): \(error.message)")
                }
            }
            let decision = ReviewDecision(register: place.register, number: place.number, reviewer: reviewer, resolution: resolution)
            let operation = RegistryOperation.settleReview(decision)
            let request = RegistryRequest(requestID: DoubleKeying.requestID(for: operation), recordedAt: Timestamp.minute(of: Date()),
                                          officer: OfficerRef(identifier: reviewer, nameArabic: "مراجع الرقمنة", nameLatin: "Reviseur"), operation: operation)
            let response = try await client.write(path: "/v1/imports", body: RegistryCommand.batch([request]).encode(),
                                                  idempotencyKey: request.requestID.description,
                                                  extraHeaders: [("Content-Type", "application/vnd.sijil.registry-command")])
            try finish(response)
        }

        static func find(_ place: ActID, group: UInt64, client: RegistryClient) async throws -> ReviewItemBody? {
            var after: String?
            repeat {
                let response = try await client.get("/v1/reviews?group=\(group)" + (after.map { "&after=\($0)" } ?? ""))
                guard response.status == 200 else { return nil }
                let page = try response.decode(ReviewPage.self)
                if let item = page.items.first(where: { $0.place == place.path }) { return item }
                after = page.next
            } while after != nil
            return nil
        }
    }
}

/// At most one progress line every 200 ms.
final class ProgressClock: @unchecked Sendable {
    // `@unchecked Sendable`: `last` is only touched under `lock`.
    private let lock = NSLock()
    private var last = ContinuousClock.now - .seconds(1)

    func due() -> Bool {
        lock.withLock {
            let now = ContinuousClock.now
            guard now - last >= .milliseconds(200) else { return false }
            last = now
            return true
        }
    }
}
