import Foundation
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Node
import Registry
import Testing

/// `POST /v1/admin/groups/{group}/split` on a real single-node cluster, in process, and the
/// node's following of moved answers: after the split, the node still routes by the topology
/// from before it, and every request about a moved office reaches the new group.
@Suite(.serialized) struct SplitRouteTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    static func birth(_ office: UInt32) -> ByteBuffer {
        Bodies.json(RegisterBirthBody(officer: Bodies.officer, declaration: Bodies.birth(office: office)))
    }

    @Test func aSplitMovesTheUpperOfficesAndRequestsRoutedByTheOldTopologyStillReachThem() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let tokens = fixture.tokens
            try await app.test(.router) { client in
                var before: [UInt32: WriteResponse] = [:]
                for office: UInt32 in [401001, 401003] {
                    before[office] = try await client.run(tokens.registrar, uri: "/v1/acts/births", method: .post, body: Self.birth(office)) { response in
                        #expect(response.status == .created, "\(String(buffer: response.body))")
                        return try Bodies.decode(WriteResponse.self, response.body)
                    }
                }
                let split = Bodies.json(SplitBody(newGroup: 4002, firstOffice: 401003, lastOffice: 499_999))
                try await client.run(tokens.registrar, uri: "/v1/admin/groups/4001/split", method: .post, headers: Self.json, body: split) { response in
                    #expect(response.status == .forbidden, "a split is the operators'")
                }
                let answer = try await client.run(tokens.operator, uri: "/v1/admin/groups/4001/split", method: .post, headers: Self.json, body: split) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    return try Bodies.decode(SplitResponse.self, response.body)
                }
                #expect(answer.group == 4001 && answer.newGroup == 4002 && answer.voters == [1])
                #expect(answer.movedRecords > 0, "the act of office 401003 and its register moved")
                #expect(answer.index > 0)
                try await Self.waitLeader(of: 4002, fixture.runtime)
                #expect(fixture.runtime.topology.effectiveVersion == 1, "the node still routes by the topology from before the split")

                // Reads of both sides, the moved one addressed to group 4001 by the old topology.
                for (office, written) in before {
                    let read = try await client.run(tokens.registrar, uri: "/v1/acts/\(written.actPath)", method: .get) { response in
                        #expect(response.status == .ok, "office \(office): \(String(buffer: response.body))")
                        return try Bodies.decode(ActResponse.self, response.body)
                    }
                    #expect(read.record.act.requestID == written.requestID)
                }
                // A write to a moved office is registered in the new group, its numbering continuing.
                let moved = try await client.run(tokens.registrar, uri: "/v1/acts/births", method: .post, body: Self.birth(401003)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    return try Bodies.decode(WriteResponse.self, response.body)
                }
                #expect(moved.actID.register == before[401003]!.actID.register && moved.actID.number == 2)
                let kept = try await client.run(tokens.registrar, uri: "/v1/acts/births", method: .post, body: Self.birth(401001)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    return try Bodies.decode(WriteResponse.self, response.body)
                }
                #expect(kept.actID.number == 2)
                // The register of the moved office is the new group's, and only its.
                let register = before[401003]!.actID.register
                let path = "/v1/registers/\(register.office)/\(register.year)/\(register.kind.name)"
                let state = try await client.run(tokens.registrar, uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    return try Bodies.decode(RegisterBody.self, response.body).state
                }
                #expect(state.actCount == 2)
                let newGroupRegisters = try await client.run(tokens.operator, uri: "/v1/cluster/groups/4002/registers", method: .get) { response in
                    try Bodies.decode(RegistersPageBody.self, response.body).registers.map(\.register.office.rawValue)
                }
                #expect(newGroupRegisters == [401003])
                let oldGroupRegisters = try await client.run(tokens.operator, uri: "/v1/cluster/groups/4001/registers", method: .get) { response in
                    try Bodies.decode(RegistersPageBody.self, response.body).registers.map(\.register.office.rawValue)
                }
                #expect(oldGroupRegisters == [401001])

                // The same split again is refused and changes nothing.
                try await client.run(tokens.operator, uri: "/v1/admin/groups/4001/split", method: .post, headers: Self.json, body: split) { response in
                    #expect(response.status == .conflict, "\(String(buffer: response.body))")
                    #expect(String(buffer: response.body).contains("split_refused"))
                }
            }
        }
    }

    @Test func aBadSplitRequestIsRefusedAndChangesNothing() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let token = fixture.tokens.operator
            let cases: [(String, String, HTTPResponse.Status, String)] = [
                ("4001", #"{"newGroup": 4001, "firstOffice": 401003, "lastOffice": 499999}"#, .badRequest, "newGroup"),
                ("4001", #"{"newGroup": 0, "firstOffice": 401003, "lastOffice": 499999}"#, .badRequest, "newGroup"),
                ("4001", #"{"newGroup": 4002, "firstOffice": 499999, "lastOffice": 401003}"#, .badRequest, "firstOffice"),
                ("4001", #"{"newGroup": 4002, "firstOffice": 400000, "lastOffice": 499999}"#, .badRequest, "firstOffice"),
                ("4001", #"{"newGroup": 4002, "firstOffice": 601001, "lastOffice": 601002}"#, .badRequest, "firstOffice"),
                // A slice from the middle of the range: the group would keep offices on both sides.
                ("4001", #"{"newGroup": 4002, "firstOffice": 401003, "lastOffice": 401004}"#, .badRequest, "firstOffice"),
                ("4001", #"{"newGroup": 4002, "firstOffice": 401003}"#, .badRequest, "lastOffice"),
                ("4009", #"{"newGroup": 4002, "firstOffice": 401003, "lastOffice": 499999}"#, .notFound, "group"),
                ("x", #"{"newGroup": 4002, "firstOffice": 401003, "lastOffice": 499999}"#, .badRequest, "group"),
            ]
            try await app.test(.router) { client in
                for (group, body, status, field) in cases {
                    try await client.run(token, uri: "/v1/admin/groups/\(group)/split", method: .post, headers: Self.json, body: ByteBuffer(string: body)) { response in
                        #expect(response.status == status, "\(body): \(String(buffer: response.body))")
                        #expect(String(buffer: response.body).contains("\"field\":\"\(field)\""), "\(body): \(String(buffer: response.body))")
                    }
                }
            }
            #expect(await fixture.runtime.status().map(\.group) == [4001], "no group was created")
        }
    }

    /// Waits, with a bound, until this single node leads `group`.
    static func waitLeader(of group: UInt64, _ runtime: NodeRuntime) async throws {
        let deadline = ContinuousClock.now + .milliseconds(SingleNodeFixture.readyTimeoutMs)
        while await !runtime.status().contains(where: { $0.group == group && $0.leader == runtime.nodeID }) {
            guard ContinuousClock.now < deadline else { throw NodeConfiguration.Problem(description: "group \(group) has no leader in time") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
