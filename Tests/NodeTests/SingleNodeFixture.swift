import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Node
import Registry
import Services
import HTTPTypes
import TestSupport

/// One real registry node (RocksDB in a temporary directory, its transport on loopback, a
/// single-voter group) whose API is tested in process, without opening the HTTP port.
struct SingleNodeFixture {
    let runtime: NodeRuntime
    let layout: ClusterLayout
    let inFlight: InFlightCounter
    let tokens: FixtureTokens
    let payments: LocalPaymentProvider
    /// The plan the layout was made from.
    let plan: ClusterLayout.Plan

    /// Bound of the wait for the group's leader. A single voter elects itself in a few ticks; the
    /// bound is wide because the whole test run shares two cores with heavy storage tests.
    static let readyTimeoutMs: UInt64 = 180_000

    /// A node port whose peer port (the one a single node binds) is free and reserved for the run.
    static func freePort() -> Int {
        TestPorts.reserve(offsets: [0, ClusterLayout.peerPortOffset])
    }

    /// The plan of a one-node cluster.
    static func onePlan() -> ClusterLayout.Plan {
        var plan = ClusterLayout.Plan()
        plan.regionalHosts = ["127.0.0.1"]
        plan.centerHost = nil
        plan.durability = "region"
        plan.shardCount = 1
        plan.tickMs = 20
        plan.basePort = freePort()
        return plan
    }

    /// Runs `body` with a fresh node (or the node of `existing`, a one-node cluster directory
    /// the caller owns), then stops it and removes the directory it made.
    static func with(inFlightLimit: Int = APILimits.requestsInFlightMax, layout existing: ClusterLayout? = nil,
                     _ body: (SingleNodeFixture, Application<RouterResponder<BasicRequestContext>>) async throws -> Void) async throws {
        let directory = existing?.directory ?? FileManager.default.temporaryDirectory.appendingPathComponent("sijil-node-\(UUID().uuidString)").path
        defer { if existing == nil { try? FileManager.default.removeItem(atPath: directory) } }
        let plan = onePlan()
        let layout = try existing ?? ClusterLayout.initialize(directory: directory, plan: plan)
        let configuration = try NodeConfiguration.load(path: layout.configurationPath(node: 1))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let runtime = try await NodeRuntime.startRegistryNode(configuration: configuration, logger: logger) { reason in
            preconditionFailure("node stopped: \(reason)")
        }
        do {
            let deadline = ContinuousClock.now + .milliseconds(readyTimeoutMs)
            while await !runtime.status().contains(where: { $0.leader == 1 }) {
                guard ContinuousClock.now < deadline else { throw NodeConfiguration.Problem(description: "no leader in time") }
                try await Task.sleep(for: .milliseconds(10))
            }
            let inFlight = InFlightCounter(limit: inFlightLimit)
            let payments = LocalPaymentProvider()
            let router = NodeAPI.router(runtime: runtime, payments: payments, inFlight: inFlight)
            let fixture = SingleNodeFixture(runtime: runtime, layout: layout, inFlight: inFlight, tokens: try FixtureTokens(layout: layout), payments: payments, plan: plan)
            try await body(fixture, Application(router: router))
        } catch {
            await runtime.shutdown()
            throw error
        }
        await runtime.shutdown()
    }
}

/// Request bodies for the route tests.
enum Bodies {
    /// A shard command writing `operation` as request `id` of the officer of office 401003,
    /// audited as `action`: what a node proposes for an officer's write.
    static func shardWrite(_ operation: RegistryOperation, id: Registry.RequestID, action: String, at: Timestamp) -> [UInt8] {
        let request = RegistryRequest(requestID: id, recordedAt: at, officer: officer, operation: operation)
        let audit = AuditRecord(at: at, node: 1, actor: "OEC-0401003-01", role: "officer", tokenID: "t\(id)", office: OfficeCode(401003),
                                purpose: "registration", action: action, subject: "401003")
        return ServiceCommand(at: at, audit: audit, operation: .registryWrite(.single(request))).encode()
    }

    static let officer = OfficerRef(identifier: "OEC-0401003-01", nameArabic: "سعيد الإدريسي", nameLatin: "Said Idrissi")

    static func birth(given: String = "Yassine", givenArabic: String = "ياسين", hijriShiftDays: Int = 0, office: UInt32 = 401003) -> BirthDeclaration {
        let today = Timestamp.minute(of: Date()).date
        let born = GregorianDate(daysSinceEpoch: today.daysSinceEpoch - 2)
        var date = DualDate(gregorian: born)
        if hijriShiftDays != 0 {
            date.hijri = DualDate(gregorian: GregorianDate(daysSinceEpoch: born.daysSinceEpoch + hijriShiftDays)).hijri
        }
        let father = PersonName(givenName: Name(arabic: "أحمد", latin: "Ahmed"), familyName: Name(arabic: "العلوي", latin: "El Alaoui"))
        return BirthDeclaration(
            office: OfficeCode(office), child: PersonName(givenName: Name(arabic: givenArabic, latin: given), familyName: father.familyName),
            sex: .male, birthDate: date, birthTime: TimeOfDay(hour: 4, minute: 15), birthPlace: Place(arabic: "الرباط", latin: "Rabat"),
            father: ParentRecord(name: father, nationality: "مغربية / marocaine"),
            mother: ParentRecord(name: PersonName(givenName: Name(arabic: "فاطمة", latin: "Fatima"), familyName: Name(arabic: "بناني", latin: "Bennani")),
                                 nationality: "مغربية / marocaine"),
            declarant: Declarant(name: father, relation: .father))
    }

    static func json(_ value: some Encodable) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return ByteBuffer(bytes: try! encoder.encode(value))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ buffer: ByteBuffer) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}

/// Tokens of every role for a fixture's cluster, minted with its token key (the tour's claims:
/// an officer of 0401003, a registrar of region 04, the CNSS partner, a health facility, an
/// auditor, an operator), and the denial cases: expired and forged.
struct FixtureTokens {
    let officer: String
    let registrar: String
    let partner: String
    let healthFacility: String
    let auditor: String
    let `operator`: String
    let expired: String
    let forged: String

    init(layout: ClusterLayout) throws {
        officer = try DevTokens.token("officer", layout: layout)
        registrar = try DevTokens.token("registrar", layout: layout)
        partner = try DevTokens.token("partner", layout: layout)
        healthFacility = try DevTokens.token("health-facility", layout: layout)
        auditor = try DevTokens.token("auditor", layout: layout)
        `operator` = try DevTokens.token("operator", layout: layout)
        // Issued two hours ago for one hour.
        let past = Date().addingTimeInterval(-7_200)
        expired = try layout.issueToken(TokenKey.claims(subject: "OEC-0401003-01", role: .officer, office: OfficeCode(401003), lifetimeSeconds: 3_600, now: past))
        // The same claims as the officer's, signed by a key that is not the cluster's.
        forged = try TokenKey().issue(TokenKey.claims(subject: "OEC-0401003-01", role: .officer, office: OfficeCode(401003), lifetimeSeconds: 3_600))
    }

    /// An officer of another office of the same region (Rabat, Agdal-Riyad).
    func officer(of office: UInt32, layout: ClusterLayout) throws -> String {
        try layout.issueToken(TokenKey.claims(subject: "OEC-\(office)-01", role: .officer, office: OfficeCode(office), lifetimeSeconds: 3_600))
    }
}

extension TestClientProtocol {
    /// Executes a request with `token` as its bearer token.
    func run<Return>(_ token: String?, uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
                     testCallback: @escaping (TestResponse) async throws -> Return = { $0 }) async throws -> Return {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: method, headers: fields, body: body, testCallback: testCallback)
    }
}
