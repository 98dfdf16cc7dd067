import Foundation
import Hummingbird
import HummingbirdTesting
import Node
import Testing

/// Requests that change the cluster need the operators' token; reads stay open.
@Suite(.serialized) struct AdminTokenTests {
    @Test func tokenMatchesOnlyItsOwnDigest() {
        let token = AdminToken.generate()
        #expect(token.count == 64)
        #expect(AdminToken.matches(token, expected: AdminToken.digest(token)))
        #expect(!AdminToken.matches(AdminToken.generate(), expected: AdminToken.digest(token)))
        #expect(!AdminToken.matches(token, expected: Array(AdminToken.digest(token).dropLast())))
        #expect(AdminToken.decodeHex(AdminToken.hex([0, 1, 0xAB, 0xFF])) == [0, 1, 0xAB, 0xFF])
        #expect(AdminToken.decodeHex("0g") == nil)
        #expect(AdminToken.decodeHex("abc") == nil)
    }

    @Test func administrativeChangeNeedsTheTokenAndReadsDoNot() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let token = try #require(fixture.layout.adminToken())
            let body = Bodies.json(DurabilityBody(mode: "region"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/v1/cluster/groups/4001/durability", method: .post, headers: [.contentType: "application/json"], body: body) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("admin_token_required"))
                }
                try await client.execute(uri: "/v1/cluster/groups/4001/durability", method: .post,
                                         headers: [.contentType: "application/json", .authorization: "Bearer \(AdminToken.generate())"], body: body) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("admin_token_invalid"))
                }
                try await client.execute(uri: "/v1/cluster/groups/4001/durability", method: .post,
                                         headers: [.contentType: "application/json", .authorization: "Bearer \(token)"], body: body) { response in
                    #expect(response.status == .ok, "\(String(buffer: response.body))")
                }
                try await client.execute(uri: "/v1/cluster/status", method: .get) { response in
                    #expect(response.status == .ok)
                }
            }
        }
    }

    @Test func topologyVersionIsTakenOnlyWhenItFollows() async throws {
        try await SingleNodeFixture.with { fixture, app in
            let token = try #require(fixture.layout.adminToken())
            let headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(token)"]
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
