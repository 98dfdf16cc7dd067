import Foundation
import Hummingbird
import HummingbirdTesting
import Node
import Testing

/// The operations that grow and repair the cluster are the operators'; the topology versions a
/// running node takes follow each other.
@Suite(.serialized) struct AdminRouteAccessTests {
    @Test func growthAndRepairRoutesAnswerOnlyToAnOperator() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let tokens = fixture.tokens
            let json: HTTPFields = [.contentType: "application/json"]
            var next = fixture.runtime.topology
            next.version = 2
            let topologyBody = Bodies.json(next)
            let force = Bodies.json(ForceReconfigurationBody(voters: [1], confirm: "nothing"))
            try await app.test(.router) { client in
                for (token, status) in [(nil, HTTPResponse.Status.unauthorized), (tokens.forged, .unauthorized), (tokens.registrar, .forbidden),
                                        (tokens.auditor, .forbidden)] {
                    try await client.run(token, uri: "/v1/admin/topology", method: .put, headers: json, body: topologyBody) { response in
                        #expect(response.status == status, "\(String(buffer: response.body))")
                    }
                    try await client.run(token, uri: "/v1/admin/groups/4001/force-reconfiguration", method: .post, headers: json, body: force) { response in
                        #expect(response.status == status, "\(String(buffer: response.body))")
                    }
                }
                #expect(fixture.runtime.topology.effectiveVersion == 1, "a refused request changes nothing")
                // The operator is let through to the route's own checks.
                try await client.run(tokens.operator, uri: "/v1/admin/groups/4001/force-reconfiguration", method: .post, headers: json, body: force) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("confirmation_required"))
                }
                try await client.run(tokens.auditor, uri: "/v1/cluster/groups/4001/verify", method: .get) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
            }
        }
    }

    @Test func topologyVersionIsTakenOnlyWhenItFollows() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(fixture.tokens.operator)"]
            var next = fixture.runtime.topology
            next.version = 2
            next.nodes.append(ClusterTopology.Node(id: 2, region: "RSK", peer: "127.0.0.1:1", http: "127.0.0.1:2"))
            var stale = next
            stale.version = 1
            var breaking = next
            breaking.nodes[0].region = "CS"
            let (staleBody, breakingBody, nextBody) = (Bodies.json(stale), Bodies.json(breaking), Bodies.json(next))
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/admin/topology", method: .put, headers: headers, body: staleBody) { response in
                    #expect(response.status == .conflict)
                    #expect(String(buffer: response.body).contains("does not follow version 1"))
                }
                try await client.execute(uri: "/v1/admin/topology", method: .put, headers: headers, body: breakingBody) { response in
                    #expect(response.status == .conflict)
                    #expect(String(buffer: response.body).contains("moved from region RSK"))
                }
                #expect(fixture.runtime.topology.effectiveVersion == 1, "a refused version changes nothing")
                try await client.execute(uri: "/v1/admin/topology", method: .put, headers: headers, body: nextBody) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                    let applied = try Bodies.decode(NodeRuntime.TopologyApplied.self, response.body)
                    #expect(applied.version == 2 && applied.changed && applied.peers == [2])
                }
                try await client.execute(uri: "/v1/admin/topology", method: .put, headers: headers, body: nextBody) { response in
                    let again = try Bodies.decode(NodeRuntime.TopologyApplied.self, response.body)
                    #expect(again.changed == false, "the same version again changes nothing")
                }
            }
            #expect(fixture.runtime.topology == next)
            // Kept in the data directory: a restart starts from it, not from the older shared file.
            let reloaded = try NodeConfiguration.load(path: fixture.layout.configurationPath(node: 1))
            #expect(reloaded.topology == next)
        }
    }
}
