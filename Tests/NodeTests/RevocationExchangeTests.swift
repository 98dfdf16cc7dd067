import Foundation
import Logging
import NIOConcurrencyHelpers
import Registry
import Services
import Testing
@testable import Node

/// Token revocations passed between nodes: a node takes from a peer the revocations it does not
/// enforce, keeps them across restarts, passes them on, drops them once its topology holds
/// them, and refuses what a peer should not be able to impose.
@Suite struct RevocationExchangeTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let nowSeconds: UInt64 = 1_800_000_000
    static let key = TokenKey()

    /// Frames sent, by peer.
    final class Sent: Sendable {
        private let frames = NIOLockedValueBox<[(UInt64, [UInt8])]>([])
        func record(_ peer: UInt64, _ frame: [UInt8]) { frames.withLockedValue { $0.append((peer, frame)) } }
        var peers: [UInt64] { frames.withLockedValue { $0.map(\.0) } }
        func lists() throws -> [[ClusterTopology.Revocation]] { try frames.withLockedValue { $0 }.map { try RevocationNotice.decode($0.1) } }
        func clear() { frames.withLockedValue { $0 = [] } }
    }

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sijil-revocations-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func exchange(_ directory: String?, topology: [ClusterTopology.Revocation], revocations: TokenRevocations, sent: Sent) -> RevocationExchange {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let exchange = RevocationExchange(directory: directory, topology: topology, revocations: revocations, logger: logger,
                                          now: { Self.now }) { peer, frame in sent.record(peer, frame) }
        exchange.setPeers([401, 402, 403, 100])
        return exchange
    }

    static func token(_ subject: String, issuedSecondsAgo: Double = 60) throws -> (String, AccessClaims) {
        let claims = TokenKey.claims(subject: subject, role: .officer, office: OfficeCode(401003), lifetimeSeconds: 36_000,
                                     now: now.addingTimeInterval(-issuedSecondsAgo))
        return (try key.issue(claims), claims)
    }

    static func byID(_ claims: AccessClaims, _ reason: String) -> ClusterTopology.Revocation {
        ClusterTopology.Revocation(tokenID: claims.tokenID, expiresAt: claims.expiresAtSeconds, reason: reason, revokedAt: "2027-01-15T08:00:00Z")
    }

    @Test func aNodeLearnsWhatItLacksKeepsItAndPassesItOn() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (_, kept) = try Self.token("OEC-0401003-01")
        let (stolen, stolenClaims) = try Self.token("OEC-0401003-02")
        let (_, colleague) = try Self.token("OEC-0401003-03", issuedSecondsAgo: 3_600)
        let inTopology = Self.byID(kept, "left")
        let byID = Self.byID(stolenClaims, "laptop lost")
        let byHolder = ClusterTopology.Revocation(subject: colleague.subject, issuedThrough: Self.nowSeconds - 600, reason: "moved office", revokedAt: "2027-01-15T07:50:00Z")

        let revocations = TokenRevocations()
        let sent = Sent()
        let exchange = Self.exchange(directory, topology: [inTopology], revocations: revocations, sent: sent)
        let access = AccessControl(publicKey: Self.key.privateKey.publicKey, revocations: revocations, now: { Self.now })
        #expect((try? access.check(stolen).get()) != nil)
        #expect(exchange.learnedCount == 0)
        #expect(!FileManager.default.fileExists(atPath: directory + "/" + RevocationExchange.fileName))

        let taken = exchange.receive(from: 402, frame: RevocationNotice.encode([inTopology, byID, byHolder]))
        #expect(taken == RevocationExchange.Taken(learned: 2, known: 1, refused: 0))
        #expect(access.check(stolen) == .failure(.revoked(reason: "laptop lost")))
        #expect(revocations.reason(revoking: colleague) == "moved office")
        #expect(exchange.learnedCount == 2)
        #expect(sent.peers == [401, 403, 100], "passed on to every peer but the one it came from")
        #expect(try sent.lists().allSatisfy { $0 == [byID, byHolder] }, "what was new here, not what the topology holds")

        sent.clear()
        #expect(exchange.receive(from: 403, frame: RevocationNotice.encode([byID, byHolder])) == RevocationExchange.Taken(known: 2))
        #expect(sent.peers.isEmpty, "nothing new, nothing passed on")

        // A restart keeps what was learned, with no peer in reach.
        let reopened = TokenRevocations()
        let again = Self.exchange(directory, topology: [inTopology], revocations: reopened, sent: Sent())
        #expect(again.learnedCount == 2)
        #expect(reopened.reason(revoking: stolenClaims) == "laptop lost")

        // A topology version that holds a learned revocation takes its place; one that holds
        // them all leaves no file.
        sent.clear()
        again.topologyTaken([inTopology, byID])
        #expect(again.learnedCount == 1)
        #expect(reopened.reason(revoking: stolenClaims) == "laptop lost")
        again.topologyTaken([inTopology, byID, byHolder])
        #expect(again.learnedCount == 0)
        #expect(reopened.reason(revoking: colleague) == "moved office")
        #expect(!FileManager.default.fileExists(atPath: directory + "/" + RevocationExchange.fileName))
    }

    @Test func aTopologyThatRevokesMoreIsAnnouncedToEveryPeer() throws {
        let (_, first) = try Self.token("OEC-0401003-01")
        let (_, second) = try Self.token("OEC-0401003-02")
        let sent = Sent()
        let exchange = Self.exchange(nil, topology: [], revocations: TokenRevocations(), sent: sent)
        exchange.announce(to: 401)
        exchange.announceToAll()
        #expect(sent.peers.isEmpty, "a node with nothing revoked sends nothing")

        exchange.topologyTaken([Self.byID(first, "lost")])
        #expect(sent.peers == [401, 402, 403, 100])
        sent.clear()
        exchange.topologyTaken([Self.byID(first, "lost")])
        #expect(sent.peers.isEmpty, "the same list again revokes nothing new")
        exchange.announce(to: 402)
        #expect(sent.peers == [402])
        #expect(try sent.lists() == [[Self.byID(first, "lost")]])
        sent.clear()
        exchange.topologyTaken([Self.byID(first, "lost"), Self.byID(second, "stolen")])
        #expect(sent.peers == [401, 402, 403, 100])
    }

    @Test func whatAPeerShouldNotImposeIsRefusedAndChangesNothing() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let revocations = TokenRevocations()
        let sent = Sent()
        let exchange = Self.exchange(directory, topology: [], revocations: revocations, sent: sent)
        let (_, claims) = try Self.token("OEC-0401003-01")
        let day: UInt64 = 86_400

        #expect(exchange.receive(from: 402, frame: [RevocationNotice.frameKind] + Array("{not json".utf8)) == RevocationExchange.Taken(refused: 1))
        #expect(exchange.receive(from: 402, frame: [1, 0, 0, 0, 0]) == RevocationExchange.Taken(refused: 1), "a node-core frame is not a notice")
        let bad = [
            // Every token the holder will ever get, by a date past this node's clock.
            ClusterTopology.Revocation(subject: "OEC-0401003-01", issuedThrough: Self.nowSeconds + 2 * day, reason: "x", revokedAt: ""),
            // A token said to live longer than any can.
            ClusterTopology.Revocation(tokenID: claims.tokenID, expiresAt: Self.nowSeconds + 92 * day, reason: "x", revokedAt: ""),
            ClusterTopology.Revocation(tokenID: claims.tokenID, expiresAt: claims.expiresAtSeconds, reason: "", revokedAt: ""),
            ClusterTopology.Revocation(tokenID: claims.tokenID, expiresAt: claims.expiresAtSeconds, reason: String(repeating: "x", count: 1_001), revokedAt: ""),
            ClusterTopology.Revocation(subject: "OEC-0401003-01", reason: "no time", revokedAt: ""),
        ]
        #expect(exchange.receive(from: 402, frame: RevocationNotice.encode(bad)) == RevocationExchange.Taken(refused: 5))
        // Lapsed a day ago and more: nothing to refuse any longer.
        let lapsed = ClusterTopology.Revocation(tokenID: "old", expiresAt: Self.nowSeconds - day - 1, reason: "x", revokedAt: "")
        #expect(exchange.receive(from: 402, frame: RevocationNotice.encode([lapsed])) == RevocationExchange.Taken(known: 1))
        #expect(exchange.learnedCount == 0)
        #expect(revocations.reason(revoking: claims) == nil)
        #expect(sent.peers.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory + "/" + RevocationExchange.fileName))

        // Within a day of this node's clock is still taken (a peer's clock may be ahead).
        let ahead = ClusterTopology.Revocation(subject: "OEC-0401003-01", issuedThrough: Self.nowSeconds + day - 1, reason: "left", revokedAt: "")
        #expect(exchange.receive(from: 402, frame: RevocationNotice.encode([ahead])) == RevocationExchange.Taken(learned: 1))
        #expect(revocations.reason(revoking: claims) == "left")
    }

    @Test func aDamagedFileIsSetAsideAndNeverTrusted() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (_, claims) = try Self.token("OEC-0401003-01")
        let first = Self.exchange(directory, topology: [], revocations: TokenRevocations(), sent: Sent())
        #expect(first.receive(from: 402, frame: RevocationNotice.encode([Self.byID(claims, "lost")])).learned == 1)
        let path = directory + "/" + RevocationExchange.fileName
        var bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(RevocationExchange.revocations(inFile: bytes) == .success([Self.byID(claims, "lost")]))

        // One byte changed inside the reason: still valid JSON, but not what was written.
        let at = try #require(bytes.firstRange(of: Data("lost".utf8))).lowerBound
        bytes[at] = UInt8(ascii: "L")
        try bytes.write(to: URL(fileURLWithPath: path))
        let revocations = TokenRevocations()
        let second = Self.exchange(directory, topology: [], revocations: revocations, sent: Sent())
        #expect(second.learnedCount == 0)
        #expect(revocations.reason(revoking: claims) == nil)
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.contents(atPath: path + ".damaged") == bytes, "kept aside for the operator")
        for contents in [Data(), Data("[]".utf8), Data("[]\nabc\n".utf8)] {
            guard case .failure = RevocationExchange.revocations(inFile: contents) else {
                Issue.record("accepted \(String(decoding: contents, as: UTF8.self))")
                continue
            }
        }
    }

    @Test func aLongListTravelsInSeveralNoticesAndIsKeptWhole() throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let list = (0..<2_500).map {
            ClusterTopology.Revocation(tokenID: "t\($0)", expiresAt: Self.nowSeconds + 3_600, reason: "batch \($0)", revokedAt: "")
        }
        let notices = RevocationNotice.notices(list)
        #expect(notices.count == 3)
        #expect(try notices.map { try RevocationNotice.decode($0).count } == [1_000, 1_000, 500])
        #expect(throws: RevocationNotice.Unreadable.self) { try RevocationNotice.decode(RevocationNotice.encode(list)) }

        let revocations = TokenRevocations()
        let exchange = Self.exchange(directory, topology: [], revocations: revocations, sent: Sent())
        for notice in notices { exchange.receive(from: 100, frame: notice) }
        #expect(exchange.learnedCount == 2_500)
        let again = Self.exchange(directory, topology: [], revocations: TokenRevocations(), sent: Sent())
        #expect(again.learnedCount == 2_500)
        let sent = Sent()
        Self.exchange(directory, topology: [], revocations: TokenRevocations(), sent: sent).announce(to: 401)
        #expect(sent.peers == [401, 401, 401])
    }

    @Test func coveringFollowsTheTokenOrTheHoldersLaterDate() {
        let one = ClusterTopology.Revocation(tokenID: "a", reason: "x", revokedAt: "")
        let holder = ClusterTopology.Revocation(subject: "S", issuedThrough: 100, reason: "x", revokedAt: "")
        #expect(one.covers(one))
        #expect(!one.covers(ClusterTopology.Revocation(tokenID: "b", reason: "x", revokedAt: "")))
        #expect(holder.covers(ClusterTopology.Revocation(subject: "S", issuedThrough: 99, reason: "y", revokedAt: "")))
        #expect(!holder.covers(ClusterTopology.Revocation(subject: "S", issuedThrough: 101, reason: "y", revokedAt: "")))
        #expect(!holder.covers(ClusterTopology.Revocation(subject: "T", issuedThrough: 50, reason: "y", revokedAt: "")))
        #expect(!holder.covers(one) && !one.covers(holder))
    }
}
