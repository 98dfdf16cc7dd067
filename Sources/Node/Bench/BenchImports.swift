import Foundation
import NIOHTTP1
import Registry

/// The import workload: batches of digitised historical birth acts (registers of 1951 to
/// 2002, the campaign's first priority), `batchActs` acts of one register per request, with
/// numbers no earlier run used. Each request is one registry batch command in its binary form,
/// as `sijil import` sends it.
struct BenchImports: Sendable {
    /// Register years imported: births after 1950 go first in the campaign.
    static let years = 1951...2002

    let registers: [RegisterID]
    let batchActs: Int
    let firstNumber: UInt64
    let runID: UInt64
    let groups: [UInt64]
    /// One act per office, dated in the register year at import time.
    let requestBytes: Int

    static func make(offices: [OfficeCode], batchActs: Int, recordedAt: Timestamp, topology: ClusterTopology,
                     routes: BenchRoutes, http: HTTPSClient) async throws -> BenchImports {
        var registers: [RegisterID] = []
        for year in years {
            for office in offices { registers.append(RegisterID(office: office, year: year, kind: .birth)) }
        }
        // Request k goes to register k mod R, so the first registers are the fullest: past their
        // highest number, no number of an earlier run is reused.
        var highest: UInt64 = 0
        for register in registers.prefix(16) {
            guard let group = topology.group(forOffice: register.office.rawValue) else { continue }
            let response = try await http.send("GET", routes.address(group: group, turn: 0),
                                               "/v1/registers/\(register.office)/\(register.year)/birth")
            if response.status == 200 { highest = max(highest, try response.decode(RegisterBody.self).state.highestNumber) }
        }
        var generator = SystemRandomNumberGenerator()
        var made = BenchImports(registers: registers, batchActs: batchActs, firstNumber: highest + 1, runID: generator.next(),
                                groups: registers.map { topology.group(forOffice: $0.office.rawValue) ?? 0 }, requestBytes: 0)
        made = BenchImports(registers: registers, batchActs: batchActs, firstNumber: highest + 1, runID: made.runID,
                            groups: made.groups, requestBytes: made.command(sequence: 0, recordedAt: recordedAt).count)
        return made
    }

    func request(sequence: UInt64) -> BenchRequest {
        let body = command(sequence: sequence, recordedAt: Timestamp.minute(of: Date()))
        return BenchRequest(method: .POST, path: "/v1/imports", headers: [("Content-Type", ImportRoutes.commandContentType)], body: body,
                            group: groups[Int(sequence % UInt64(registers.count))], expectedStatuses: [200], acts: batchActs)
    }

    func command(sequence: UInt64, recordedAt: Timestamp) -> [UInt8] {
        let register = registers[Int(sequence % UInt64(registers.count))]
        let round = sequence / UInt64(registers.count)
        var requests: [RegistryRequest] = []
        requests.reserveCapacity(batchActs)
        for position in 0..<batchActs {
            let number = firstNumber + round * UInt64(batchActs) + UInt64(position)
            let drawnUp = GregorianDate(year: register.year, month: 1 + Int(number % 11), day: 1 + Int(number % 27))
            let declaration = BenchActs.declaration(office: register.office, today: GregorianDate(daysSinceEpoch: drawnUp.daysSinceEpoch + 1), addressWords: 0)
            let item = HistoricalActImport(registerYear: register.year, number: number, drawnUpOn: drawnUp,
                                           sourceReference: "BENCH/\(register.office)/\(register.year)/\(number)", content: .birth(declaration))
            requests.append(RegistryRequest(requestID: Registry.RequestID(high: runID, low: sequence &* 1_024 &+ UInt64(position)), recordedAt: recordedAt,
                                            officer: BenchActs.officer, operation: .importHistoricalAct(item)))
        }
        return RegistryCommand.batch(requests).encode()
    }
}
