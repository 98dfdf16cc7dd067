import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Registry

/// `sijil import`: reads campaign files, pairs the keyings of each record, and sends the acts
/// (or the review items) to the shard groups in batches, several at once, each batch to its
/// group's leader. Priority records (births after 1950, deaths from 2003) are read and sent in a
/// first pass, the others in a second. Re-running the same files changes nothing: request ids
/// come from the records' content.
public struct ImportRunner: Sendable {
    /// Settings of a run.
    public struct Settings: Sendable {
        /// The files to read, in order.
        public var files: [String]
        /// Batches in flight at once.
        public var concurrency = 8
        /// Requests per batch (one log entry).
        public var batchRequests = RegistryLimits.batchCommandsMax
        /// The operator recorded on every request.
        public var officer = OfficerRef(identifier: "IMPORT", nameArabic: "حملة الرقمنة", nameLatin: "Campagne de numérisation")

        /// Creates settings for `files`.
        public init(files: [String]) { self.files = files }
    }

    /// Bytes of a batch's encoded command, under the register's 1 MiB entry limit.
    static let batchBytesMax = 768 << 10
    /// Attempts of one batch: rides out a leader election or a restarted node.
    static let attemptsMax = 30

    let settings: Settings
    let topology: ClusterTopology
    let caCertificatePath: String
    let token: String?
    let status: HTTPSClient

    /// Creates a runner. Batches carry `token` (a registrar's of the region, or an operator's);
    /// `status` learns the groups' leaders (`/v1/cluster/status`, an operator's token).
    public init(settings: Settings, topology: ClusterTopology, caCertificatePath: String, token: String?, status: HTTPSClient) {
        self.settings = settings
        self.topology = topology
        self.caCertificatePath = caCertificatePath
        self.token = token
        self.status = status
    }

    /// One request of a batch and the lines it came from.
    struct Pending: Sendable {
        var request: RegistryRequest
        var key: RecordKey
        var lines: [String]
        var bytes: Int
    }

    /// Runs the import; `progress` is called after every batch.
    public func run(progress: @escaping @Sendable (ImportProgress) -> Void = { _ in }) async throws -> ImportReport {
        let started = ContinuousClock.now
        var report = ImportReport()
        report.files = settings.files
        var items: [[KeyedRecordReader.Item]] = []
        for file in settings.files {
            var read: [KeyedRecordReader.Item] = []
            try KeyedRecordReader.read(path: file) { read.append($0) }
            items.append(read)
        }
        let total = items.reduce(0) { $0 + $1.count }
        let routes = BenchRoutes(topology: topology, routing: .leader, http: status)
        await routes.refresh()
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(caCertificatePath)
        let sender = BatchSender(sslContext: try NIOSSLContext(configuration: tls), routes: routes, token: token)
        var done = 0
        for priority in [true, false] {
            var pairing = DoubleKeying()
            var buffers: [UInt64: [Pending]] = [:]
            var inFlight: [Task<BatchSender.Result, Never>] = []
            func collect(_ result: BatchSender.Result) {
                report.retries += result.retries
                for (pending, outcome) in result.outcomes { tally(pending, outcome, into: &report) }
                done += result.outcomes.count
                progress(ImportProgress(done: min(done * 2, total), total: total, seconds: (ContinuousClock.now - started).seconds))
            }
            func send(_ group: UInt64) async {
                guard let batch = buffers.removeValue(forKey: group), !batch.isEmpty else { return }
                if inFlight.count >= settings.concurrency { collect(await inFlight.removeFirst().value) }
                let officer = settings.officer
                inFlight.append(Task { await sender.send(batch, group: group, officer: officer) })
            }
            for fileItems in items {
                for item in fileItems {
                    switch item {
                    case .bad(let row):
                        if priority { report.badRows.append(row) }
                    case .record(let record):
                        guard record.key.isPriority == priority else { continue }
                        report.keyings += 1
                        guard let verdict = pairing.add(record) else { continue }
                        let operation: RegistryOperation
                        let lines: [String]
                        switch verdict {
                        case .bad(let row):
                            report.badRows.append(row)
                            continue
                        case .agreed(let act, let at):
                            operation = .importHistoricalAct(act)
                            lines = at
                        case .disagreed(let review, let at):
                            operation = .submitForReview(review)
                            lines = at
                        }
                        guard let group = topology.group(forOffice: record.key.register.office.rawValue) else {
                            report.badRows.append(BadRow(file: record.file, line: record.line, rule: "import.office_not_served", field: ImportColumns.office,
                                                         message: "no shard group of this cluster holds office \(record.key.register.office)"))
                            continue
                        }
                        let request = RegistryRequest(requestID: DoubleKeying.requestID(for: operation), recordedAt: Timestamp.minute(of: Date()),
                                                      officer: settings.officer, operation: operation)
                        let size = request.canonicalBytes.count
                        if let buffered = buffers[group], buffered.count >= settings.batchRequests
                            || buffered.reduce(0, { $0 + $1.bytes }) + size > Self.batchBytesMax {
                            await send(group)
                        }
                        buffers[group, default: []].append(Pending(request: request, key: record.key, lines: lines, bytes: size))
                        if buffers[group]!.count >= settings.batchRequests { await send(group) }
                    }
                }
            }
            for group in buffers.keys.sorted() { await send(group) }
            for task in inFlight { collect(await task.value) }
            report.awaitingSecondKeying += pairing.unpaired.map { "\($0.key) (\($0.file):\($0.line), keyer \($0.keyer))" }
        }
        await sender.close()
        report.seconds = (ContinuousClock.now - started).seconds
        progress(ImportProgress(done: total, total: total, seconds: report.seconds))
        return report
    }

    private func tally(_ pending: Pending, _ result: ImportItemResult?, into report: inout ImportReport) {
        switch result?.status {
        case .accepted: report.imported += 1
        case .duplicate: report.alreadyPresent += 1
        case .queued, .discarded: report.queuedForReview += 1
        case .rejected:
            let violations = result?.violations ?? []
            report.refused.append(.init(record: pending.key.description, lines: pending.lines,
                                        violations: violations.map { "\($0.rule.code) at \($0.field.rawValue): \($0.reason)" }))
        case nil:
            report.refused.append(.init(record: pending.key.description, lines: pending.lines,
                                        violations: ["no answer after \(Self.attemptsMax) attempts; run the import again"]))
        }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// Sends import batches to group leaders over kept-alive connections, retrying what a node
/// says may be retried (same bytes, so a retried batch can never apply twice).
actor BatchSender {
    struct Result: Sendable {
        var outcomes: [(ImportRunner.Pending, ImportItemResult?)]
        var retries: Int
    }

    let sslContext: NIOSSLContext
    let routes: BenchRoutes
    let token: String?
    private var idle: [String: [BenchConnection]] = [:]

    init(sslContext: NIOSSLContext, routes: BenchRoutes, token: String?) {
        self.sslContext = sslContext
        self.routes = routes
        self.token = token
    }

    private func checkout(_ address: String) async throws -> BenchConnection {
        if var list = idle[address], let connection = list.popLast() {
            idle[address] = list
            if connection.isActive { return connection }
        }
        return try await BenchConnection.connect(address: address, sslContext: sslContext, group: MultiThreadedEventLoopGroup.singleton, timeoutMs: 5_000,
                                              token: token)
    }

    private func checkin(_ connection: BenchConnection) {
        idle[connection.address, default: []].append(connection)
    }

    func close() async {
        for connection in idle.values.flatMap({ $0 }) { await connection.close() }
        idle = [:]
    }

    nonisolated func send(_ batch: [ImportRunner.Pending], group: UInt64, officer: OfficerRef) async -> Result {
        let requests = batch.map(\.request)
        let body = RegistryCommand.batch(requests).encode()
        var retries = 0
        for attempt in 0..<ImportRunner.attemptsMax {
            let address = routes.address(group: group, turn: UInt64(attempt))
            do {
                let connection = try await checkout(address)
                let reply = try await connection.sendFull(.POST, "/v1/imports", headers: [("Content-Type", ImportRoutes.commandContentType)], body: body)
                await checkin(connection)
                if reply.status == 200, let decoded = try? JSONDecoder().decode(ImportBatchResponse.self, from: Data(reply.body)) {
                    return Result(outcomes: zip(batch, decoded.items).map { ($0, $1) }, retries: retries)
                }
                if reply.status != 503 {
                    let text = String(decoding: reply.body.prefix(300), as: UTF8.self)
                    let failed = batch.map { pending in
                        ImportItemResult(requestID: pending.request.requestID, status: .rejected, actPath: nil,
                                         violations: [RuleViolation(.malformedCommand, .command, "HTTP \(reply.status): \(text)")])
                    }
                    return Result(outcomes: zip(batch, failed).map { ($0, $1) }, retries: retries)
                }
                await routes.refresh()
            } catch {
                await routes.refresh()
            }
            retries += 1
            try? await Task.sleep(for: .milliseconds(min(1_000, 50 << min(attempt, 5))))
        }
        return Result(outcomes: batch.map { ($0, nil) }, retries: retries)
    }

}
