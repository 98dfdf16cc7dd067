import Foundation
import Node
import Registry
import Testing

/// `sijil act copy` and `sijil act verify-copy` against a running cluster: a copy as issued
/// verifies (exit status 0), an altered one does not (1), and a file that is no copy is refused
/// before anything is sent (64).
@Suite(.serialized) struct CopyVerificationCommandTests {
    @Test func aCopyIssuedByTheCommandVerifiesAndAnAlteredOneDoesNot() async throws {
        try await TestCluster.with { cluster in
            let directory = cluster.layout.directory
            let regional = cluster.layout.topology.nodes.filter { !$0.isCenter }.map(\.http)
            let client = RegistryClient(http: try cluster.http("registrar"), addresses: regional)
            let body = try TestActs.birth(office: 401003, writer: 0, n: 0, recordedAt: Timestamp.minute(of: Date()))
            let written = try await client.write(path: "/v1/acts/births", body: body)
            try #require(written.wasWritten, "HTTP \(written.status) \(written.text)")
            let act = try written.decode(WriteResponse.self).actPath

            let issued = try CommandLineErrorTests.run(["act", "copy", "--dir", directory, act, "--format", "json"])
            try #require(issued.status == 0, "act copy: \(issued.status) \(issued.standardOutput) \(issued.standardError)")
            let file = directory + "/copy.json"
            try issued.standardOutput.write(toFile: file, atomically: true, encoding: .utf8)

            let valid = try CommandLineErrorTests.run(["act", "verify-copy", "--dir", directory, file])
            #expect(valid.status == 0, "\(valid.standardOutput) \(valid.standardError)")
            let answer = try JSONDecoder().decode(CopyVerificationResponse.self, from: Data(valid.standardOutput.utf8))
            #expect(answer.valid && answer.region == "RSK" && answer.reason == nil, "\(answer)")

            var copy = try JSONDecoder().decode(CivilStatusCopy.self, from: Data(issued.standardOutput.utf8))
            copy.lines[0].value += "X"
            try JSONEncoder().encode(copy).write(to: URL(fileURLWithPath: file))
            let altered = try CommandLineErrorTests.run(["act", "verify-copy", "--dir", directory, file])
            #expect(altered.status == 1, "\(altered.standardOutput) \(altered.standardError)")
            let refusal = try JSONDecoder().decode(CopyVerificationResponse.self, from: Data(altered.standardOutput.utf8))
            #expect(!refusal.valid && refusal.region == "RSK" && refusal.reason?.contains("altered") == true, "\(refusal)")

            try "{\"valid\": true}".write(toFile: file, atomically: true, encoding: .utf8)
            let notACopy = try CommandLineErrorTests.run(["act", "verify-copy", "--dir", directory, file])
            #expect(notACopy.status == 64, "\(notACopy.standardOutput) \(notACopy.standardError)")
            #expect(notACopy.standardError.contains("is not a copy's JSON as issued"), "\(notACopy.standardError)")
            #expect(notACopy.standardOutput.isEmpty)
        }
    }
}
