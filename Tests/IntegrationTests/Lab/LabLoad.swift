import Foundation
import Node
import Registry

/// What the lab's clients were told.
actor LabLedger {
    private(set) var acknowledged: [WriteResponse] = []
    private(set) var rejected: [String] = []
    /// Writes that got no final answer (the cluster was down longer than the client's
    /// retries): they may or may not be registered, and are checked for neither.
    private(set) var unknown = 0

    func add(_ act: WriteResponse) { acknowledged.append(act) }
    func reject(_ why: String) { rejected.append(why) }
    func lose() { unknown += 1 }
    var count: Int { acknowledged.count }
}

/// Officers registering births in one region without pause, each on the region's nodes as
/// the topology lists them now (a recovered region's new nodes are used as soon as they are
/// in it), retrying each write with the same key and body as the API asks.
final class LabLoad: Sendable {
    let region: String
    let ledger = LabLedger()
    private let running = Locked(true)
    private let task: Task<Void, Never>

    /// Starts `writers` writers on `offices` of `region`. `firstWriter` makes the names of
    /// two loads differ; `actsMax` bounds a background load that runs while a scenario waits
    /// on something else (its acts are all read back at the end).
    init(_ cluster: LabCluster, region: String, offices: [UInt32], writers: Int, firstWriter: Int = 0, actsMax: Int = Int.max) {
        self.region = region
        let ledger = ledger
        let running = running
        task = Task {
            await withTaskGroup(of: Void.self) { group in
                for writer in firstWriter..<(firstWriter + writers) {
                    group.addTask {
                        var n = 0
                        while running.withLockedValue({ $0 }) && !Task.isCancelled, await ledger.count < actsMax {
                            n += 1
                            let office = offices[(writer + n) % offices.count]
                            let addresses = cluster.addresses(region: region)
                            guard !addresses.isEmpty, let body = try? TestActs.birth(office: office, writer: writer, n: n, recordedAt: Timestamp.minute(of: Date())) else {
                                await ledger.reject("no node or no body for writer \(writer) act \(n)")
                                return
                            }
                            guard let http = try? cluster.registrarHTTP(region: region) else {
                                await ledger.reject("no registrar token for region \(region)")
                                return
                            }
                            let client = RegistryClient(http: http, addresses: addresses)
                            do {
                                let response = try await client.write(path: "/v1/acts/births", body: body)
                                if response.status == 201 || response.status == 200, let written = try? response.decode(WriteResponse.self) {
                                    await ledger.add(written)
                                } else {
                                    await ledger.reject("writer \(writer) act \(n): HTTP \(response.status) \(response.text)")
                                }
                            } catch {
                                await ledger.lose()
                            }
                        }
                    }
                }
            }
        }
    }

    /// Waits until `count` more writes than `base` are acknowledged (bounded).
    func waitAcknowledged(atLeast count: Int, waitMs: UInt64 = LabCluster.waitMs) async throws {
        let deadline = ContinuousClock.now + .milliseconds(waitMs)
        while ContinuousClock.now < deadline {
            if await ledger.count >= count { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LabNetwork.CommandFailed(description: "region \(region): \(await ledger.count) writes acknowledged, \(count) awaited within \(waitMs) ms")
    }

    /// Stops the writers after their current write.
    func stop() async {
        running.withLockedValue { $0 = false }
        await task.value
    }
}
